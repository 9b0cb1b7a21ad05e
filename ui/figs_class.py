"""The Class page's figures and numbers, from a board's entries (storage.classes.entries).

How it works
1. points(entries) turns each shared run into one point: its nickname, λ, hidden layer sizes,
   seed and accuracies; runs without a validation accuracy (nothing to measure it on) are left out.
2. scatter_chart draws one point per run against λ or the hidden size, the nickname in its hover.
   Nicknames are user text: plotly reads hover text as HTML, so they are escaped first.
3. sweep(points) groups the runs by λ: per λ the mean validation accuracy and the lowest and
   highest, i.e. the seed-to-seed noise of that λ (runs with one λ differ by their seed and by
   whatever other knob their students turned). sweep_chart draws the means with that spread
   as error bars.
"""

import html
from dataclasses import dataclass

import plotly.graph_objects as go

from .settings import hidden_layers

COLOUR = "#1f77b4"


def _number(x):
    """A stored accuracy as a float, None when there was nothing to measure ("nan" as JSON text)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def points(entries):
    """One dict per entry with a validation accuracy: nickname, lambd, hidden (a label such as
    "25" or "100-50"), units (their total), seed, train, validation, test (fractions)."""
    out = []
    for e in entries:
        s, acc = e["settings"], e["accuracy"]
        validation = _number(acc.get("validation"))
        if validation is None:
            continue
        layers = hidden_layers(s.get("hidden_size", 25))
        out.append(dict(id=e["id"], nickname=e["nickname"], lambd=float(s.get("lambd", 0)),
                        hidden="-".join(map(str, layers)), units=sum(layers), seed=s.get("seed"),
                        train=_number(acc.get("train")), validation=validation,
                        test=_number(acc.get("test"))))
    return out


def shown_name(nickname):
    """A nickname for the board: "(no nickname)" for none."""
    return nickname or "(no nickname)"


def best(pts):
    """The point with the highest validation accuracy (the first shared among equals), or None."""
    return max(reversed(pts), key=lambda p: p["validation"], default=None)


def scatter_chart(pts, x, title, x_title):
    """Validation accuracy (%) of every shared run against pts' key x ("lambd" or "hidden")."""
    order = sorted({p[x] for p in pts}, key=lambda v: (v if x == "lambd" else
                                                          next(p["units"] for p in pts if p[x] == v)))
    label = (lambda v: f"{v:g}") if x == "lambd" else str
    fig = go.Figure(go.Scatter(
        x=[label(p[x]) for p in pts], y=[100 * p["validation"] for p in pts], mode="markers",
        marker=dict(size=11, color=COLOUR, opacity=0.7, line=dict(width=1, color="white")),
        text=[html.escape(shown_name(p["nickname"])) for p in pts],
        hovertemplate=f"%{{text}}<br>{x_title} %{{x}}: %{{y:.1f}}% on validation<extra></extra>"))
    fig.update_xaxes(title_text=x_title, type="category", categoryorder="array",
                     categoryarray=[label(v) for v in order])
    fig.update_yaxes(title_text="validation accuracy (%)")
    fig.update_layout(title=title, height=360, margin=dict(l=60, r=10, t=60, b=50))
    return fig


@dataclass(frozen=True)
class SweepRow:
    """The shared runs of one λ: how many, and their mean, lowest and highest validation accuracy."""

    lambd: float
    n: int
    mean: float
    low: float
    high: float

    @property
    def spread(self):
        return self.high - self.low


def sweep(pts):
    """One SweepRow per λ, smallest λ first."""
    rows = []
    for lambd in sorted({p["lambd"] for p in pts}):
        v = [p["validation"] for p in pts if p["lambd"] == lambd]
        rows.append(SweepRow(lambd, len(v), sum(v) / len(v), min(v), max(v)))
    return rows


def sweep_chart(rows):
    """The mean validation accuracy per λ, its error bars from the lowest to the highest run."""
    fig = go.Figure(go.Scatter(
        x=[f"{r.lambd:g}" for r in rows], y=[100 * r.mean for r in rows], mode="lines+markers",
        marker=dict(size=11, color=COLOUR), line=dict(color=COLOUR),
        error_y=dict(type="data", symmetric=False, array=[100 * (r.high - r.mean) for r in rows],
                     arrayminus=[100 * (r.mean - r.low) for r in rows], thickness=1.5, width=8),
        customdata=[[r.n, 100 * r.low, 100 * r.high] for r in rows],
        hovertemplate="λ = %{x}: mean %{y:.1f}% of %{customdata[0]} runs, from %{customdata[1]:.1f}% "
                      "to %{customdata[2]:.1f}%<extra></extra>"))
    fig.update_xaxes(title_text="λ (regularization)", type="category")
    fig.update_yaxes(title_text="mean validation accuracy (%)")
    fig.update_layout(title="The class's λ sweep", height=360, margin=dict(l=60, r=10, t=60, b=50))
    return fig


def sweep_words(rows):
    """The sweep in a sentence or two: the best λ, and how large the seed-to-seed noise is."""
    if not rows:
        return ""
    top = max(rows, key=lambda r: r.mean)
    text = f"λ = {top.lambd:g} has the best mean validation accuracy, {100 * top.mean:.1f}% ({top.n} " \
           f"run{'s' if top.n != 1 else ''})."
    spread = [r for r in rows if r.n > 1]
    if not spread:
        return text + (" Every λ has one run so far: with two or more runs of one λ the error bars "
                       "show how far runs differ by their seed alone.")
    widest = max(spread, key=lambda r: r.spread)
    return text + (f" The error bars run from the lowest to the highest run of each λ: at λ = "
                   f"{widest.lambd:g} the {widest.n} runs lie between {100 * widest.low:.1f}% and "
                   f"{100 * widest.high:.1f}%, a seed spread of {100 * widest.spread:.1f} points. "
                   "Two λ whose means differ by less than that are not told apart by these runs.")
