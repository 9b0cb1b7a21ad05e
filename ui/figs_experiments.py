"""The Experiments page's plumbing, figures and lessons.

- settings_ui: the base settings (the active model's, with a small override form).
- run_experiment: runs one experiment with a progress bar and a Stop button, keeps finished
  results in a shared cache (keyed by the experiment's settings) and every result, finished or
  stopped, in st.session_state, so it survives reruns and page switches.
- one figure builder and one two-sentence lesson per experiment; the lessons are chosen from
  what the numbers show, not written in advance.
"""

import hashlib
import math
import time
from dataclasses import dataclass, fields, is_dataclass, replace

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from nn_core import DATASETS, HIDDEN_RANGE
from nn_core import experiments as ex

from . import charts, jobs, state
from .settings import DEFAULT, LAMBDA_MAX, MAXITER_MAX, SEED_MAX

TRAIN, VALID = "#9ecae1", "#1f77b4"
LANE_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#8c564b", "#ff7f0e")


# --- base settings ------------------------------------------------------------------------------

def _within(value, lo, hi, otherwise):
    """value if it is in [lo, hi], else otherwise: a widget's start must lie in its range."""
    return value if lo <= value <= hi else otherwise


def settings_ui(active, names):
    """The active model's settings with dataset, hidden, λ, maxiter and seed overridable.

    A model that was not trained here (uploaded weights carry maxiter 0) starts the knobs it
    has no value for at the defaults, and the caption says so.
    """
    c = st.columns(5)
    dataset = c[0].selectbox("data set", names, key="exp_dataset",
                             index=names.index(active.dataset) if active.dataset in names else 0)
    hidden = c[1].number_input("hidden units", *HIDDEN_RANGE, key="exp_hidden",
                               value=_within(active.hidden_size, *HIDDEN_RANGE, DEFAULT.hidden_size))
    lambd = c[2].number_input("λ", 0.0, LAMBDA_MAX, value=_within(float(active.lambd), 0.0, LAMBDA_MAX,
                                                                  DEFAULT.lambd),
                              step=0.1, format="%g", key="exp_lambd")
    maxiter = c[3].number_input("maxiter", 1, MAXITER_MAX, key="exp_maxiter",
                                value=_within(active.maxiter, 1, MAXITER_MAX, DEFAULT.maxiter))
    seed = c[4].number_input("seed", 0, SEED_MAX, value=_within(active.seed, 0, SEED_MAX, DEFAULT.seed),
                             key="exp_seed")
    if not 1 <= active.maxiter <= MAXITER_MAX:
        st.caption(f"The active model was not trained here ({active.maxiter} iterations on this "
                   f"dashboard), so maxiter starts at {DEFAULT.maxiter}.")
    return replace(active, dataset=dataset, hidden_size=int(hidden), lambd=float(lambd),
                   maxiter=int(maxiter), seed=int(seed), init="random")


def data_key(name, split):
    """Built-in data sets by name; the user's own data by a hash of its training part."""
    if name in DATASETS:
        return name
    h = hashlib.blake2b(np.ascontiguousarray(split.train.X).data, digest_size=16)  # no copy of X
    h.update(np.ascontiguousarray(split.train.y).data)
    return name + ":" + h.hexdigest()


# --- running, with progress, Stop, a cache and session state ------------------------------------

@dataclass(frozen=True)
class Outcome:
    settings: object  # ui.settings.Settings the experiment started from
    result: object  # the nn_core.experiments result
    seconds: float
    cached: bool
    image_shape: tuple


def outcomes():
    """Every experiment's latest outcome in this session, by name."""
    return st.session_state.setdefault("exp_outcomes", {})


@st.cache_resource(max_entries=64, ttl=6 * 3600, show_spinner=False)
def _finished(name, settings, key):
    """A box for one experiment's finished result, shared by every session and filled once.

    It is filled outside this function, so a cache hit has no progress bar to replay.
    """
    return {}


def job_key(name):
    return f"exp_job_{name}"


def running(name):
    """True while this session's run of experiment `name` goes on."""
    job = jobs.current(job_key(name))
    return job is not None and job.running


def run_experiment(name, settings, split, data_name, compute, unit="iterations"):
    """Start compute(progress) as a job (ui.jobs), or take its outcome from the cache at once.

    progress(done, total) is the job's report: True once Stop was pressed or the browser session
    ended, and the experiment then returns the trainings that finished. A complete outcome is
    shared with every session through the cache; a stopped one stays in this session only.
    """
    box = _finished(name, settings, data_key(data_name, split))
    if "outcome" in box:
        outcomes()[name] = replace(box["outcome"], cached=True)
        return
    st.session_state.pop(f"exp_{name}_error", None)

    def work(job):
        start = time.perf_counter()
        result = compute(lambda done, total: job.report(done, total, unit=unit))
        outcome = Outcome(settings, _freeze(result), time.perf_counter() - start, False,
                          split.train.image_shape)
        if result.complete:
            box["outcome"] = outcome
        return outcome

    jobs.start(job_key(name), name, work)


def watch_experiment(name):
    """The running experiment's progress bar and Stop button, redrawn by a fragment."""
    jobs.watch(job_key(name), lambda job: _draw_progress(name, job))


def _draw_progress(name, job):
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    stop_col.button("Stop", key=f"exp_{name}_stop", on_click=job.request_stop,
                    disabled=job.stop_requested, help="Stop now; keep the trainings that finished.")
    unit = job.info.get("unit", "iterations")
    text = (f"{job.done:,} of {job.total:,} {unit} · {time.perf_counter() - job.started:.0f} s"
            if job.done else "starting…")
    bar_col.progress(min(1.0, job.done / job.total), text=text)


def collect_experiment(name):
    """Keep the outcome of an experiment that ended since the last run (or its error)."""
    outcome, refusal = jobs.collect(job_key(name))
    if refusal is not None:  # settings nn_core refuses: keep earlier results
        st.session_state[f"exp_{name}_error"] = refusal
    elif outcome is not None:
        outcomes()[name] = outcome


def error(name):
    """Why the last run of experiment `name` could not start, or None."""
    return st.session_state.get(f"exp_{name}_error")


def _freeze(result):
    """Results are shared by every session through the cache: make their arrays read-only."""
    for f in fields(result):
        value = getattr(result, f.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, np.ndarray):
                item.setflags(write=False)
            elif hasattr(item, "network"):  # a TrainResult
                state.freeze(item.network)
            elif is_dataclass(item):
                _freeze(item)
    return result


def is_empty(result):
    """True when the experiment was stopped before any training finished."""
    return not any(len(getattr(result, n, ())) for n in ("values", "lanes", "names", "lambdas", "sizes"))


def status_caption(name):
    """How the outcome was obtained, in one line."""
    o = outcomes()[name]
    how = "from the cache (same settings as before)" if o.cached else f"in {o.seconds:.1f} s"
    done = "" if o.result.complete else " · **stopped early: only the finished trainings are shown**"
    return f"Settings: {o.settings.label()} · computed {how}{done}"


# --- 1. λ sweep ---------------------------------------------------------------------------------

def pct(a):
    return 100 * np.asarray(a, dtype=float)


def lambda_chart(sweep):
    """Accuracy and cost (J's data term) on train and validation against λ; the best λ starred."""
    labels = [f"{v:g}" for v in sweep.values]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("accuracy", "cost J without the λ term"),
                        horizontal_spacing=0.1)
    for col, (tr, va, fmt) in enumerate((
            (pct(sweep.train_accuracy), pct(sweep.validation_accuracy), "%{y:.1f}%"),
            (sweep.train_cost, sweep.validation_cost, "%{y:.3f}")), start=1):
        for y, part, colour in ((tr, "train", TRAIN), (va, "validation", VALID)):
            fig.add_trace(go.Scatter(x=labels, y=y, name=part, mode="lines+markers", legendgroup=part,
                                     showlegend=col == 1, marker=dict(size=10, color=colour),
                                     line=dict(color=colour),
                                     hovertemplate=f"λ = %{{x}}: {fmt}<extra>{part}</extra>"),
                          row=1, col=col)
    if sweep.best is not None:
        b = sweep.best
        fig.add_trace(go.Scatter(x=[labels[b]], y=[pct(sweep.validation_accuracy)[b]], mode="markers",
                                 name="best λ", marker=dict(symbol="star", size=20, color="#d62728"),
                                 hovertemplate="best λ = %{x}: %{y:.1f}% on validation<extra></extra>"),
                      row=1, col=1)
    fig.update_xaxes(title_text="λ (regularization)", type="category")
    fig.update_yaxes(title_text="accuracy (%)", row=1, col=1)
    fig.update_yaxes(title_text="cost", row=1, col=2)
    fig.update_layout(height=400, margin=dict(l=50, r=10, t=70, b=40), clickmode="event+select",
                      legend=dict(orientation="h", y=1.12, yanchor="bottom", x=0))
    return fig


def clicked_lambda(event, sweep):
    """The index in sweep.values of the clicked point, or None."""
    labels = [f"{v:g}" for v in sweep.values]
    for point in (event or {}).get("selection", {}).get("points", []):
        if str(point.get("x")) in labels:
            return labels.index(str(point["x"]))
    return None


def activate_lambda(index):
    """Make the sweep's model number `index` the active model (a button or a click's callback)."""
    o = outcomes()["lambda"]
    lam = float(o.result.values[index])
    run = state.make_run(replace(o.settings, lambd=lam), o.result.results[index],
                         note="trained in the λ sweep")
    state.add_run(run)
    st.session_state["exp_lambda_msg"] = (f"Run #{run.id} (λ = {lam:g}) is now the active model: "
                                          "the other pages use it.")


def on_lambda_click():
    """st.plotly_chart's on_select callback: the clicked point's model becomes active."""
    index = clicked_lambda(st.session_state.get("exp_lambda_chart"), outcomes()["lambda"].result)
    if index is not None:
        st.session_state["exp_lambda_pick"] = index  # the picker below shows the clicked model
        activate_lambda(index)


def lesson_lambda(sweep):
    b = sweep.best
    lam, acc = sweep.values[b], pct(sweep.validation_accuracy)[b]
    first = f"The best validation accuracy, {acc:.1f} %, came at λ = {lam:g}."
    if b == 0 and len(sweep.values) > 1:
        return first + (" No penalty was best here: with few iterations the optimizer stops before "
                        "the wizard memorises his digits, so stopping early already acts like λ.")
    if b == len(sweep.values) - 1:
        return first + (" The largest λ tried was best, so the wizard was still memorising: try "
                        "larger values, or more training digits.")
    tr0, va0 = pct(sweep.train_accuracy)[0], pct(sweep.validation_accuracy)[0]
    return first + (f" With λ = 0 he scored {tr0:.1f} % on the digits he studied but only {va0:.1f} % "
                    "on new ones (memorising); with too much λ he does worse on both (too simple), "
                    "and the validation set, not the training set, shows where the balance lies.")


# --- 2. learning curve --------------------------------------------------------------------------

def learning_chart(curve):
    fig = go.Figure()
    for acc, cost, part, colour in ((curve.train_accuracy, curve.train_cost, "train", TRAIN),
                                    (curve.validation_accuracy, curve.validation_cost, "validation",
                                     VALID)):
        fig.add_trace(go.Scatter(
            x=curve.values, y=100 - pct(acc), customdata=cost, name=f"{part} error",
            mode="lines+markers", marker=dict(size=9, color=colour), line=dict(color=colour),
            hovertemplate="m = %{x:,}: %{y:.1f}% wrong, cost %{customdata:.3f}<extra>" + part + "</extra>"))
    fig.update_xaxes(title_text="m, training examples studied (log scale)", type="log",
                     tickvals=curve.values, ticktext=[f"{m:,}" for m in curve.values])
    fig.update_yaxes(title_text="error (%)", rangemode="tozero")
    fig.update_layout(title="Learning curve", height=380, margin=dict(l=50, r=10, t=60, b=40),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return fig


def lesson_learning(curve):
    diagnosis = ex.diagnose(curve)
    tr, va = 100 - pct(curve.train_accuracy), 100 - pct(curve.validation_accuracy)
    m = curve.values[-1]
    at = f"With m = {m:,} he gets {tr[-1]:.1f} % of the studied digits wrong and {va[-1]:.1f} % of new ones."
    return at + {
        "variance": " The gap is large and the validation error is still falling as m grows: that is "
                    "high variance, so more examples (or a larger λ) would help.",
        "bias": " Both errors are high and close together: that is high bias, the network is too "
                "simple, and more examples will not help; try more hidden units, a smaller λ or "
                "more iterations.",
        "good": " Both errors are low and close together: neither bias nor variance dominates, "
                "and more examples would change little.",
        "unclear": " The curve does not settle the question (a gap, but the validation error has "
                   "stopped falling): try more iterations, or more points.",
    }[diagnosis]


# --- 3. seed spread -----------------------------------------------------------------------------

def seed_chart(spread):
    fig = make_subplots(rows=1, cols=2, subplot_titles=("validation accuracy (%)", "final cost J"),
                        horizontal_spacing=0.15)
    for col, (y, fmt) in enumerate(((pct(spread.validation_accuracy), "%{y:.2f}%"),
                                    (spread.final_cost, "%{y:.4f}")), start=1):
        name = f"{len(spread.values)} seeds" if col == 1 else "J"
        fig.add_trace(go.Box(y=y, customdata=spread.values, name=name,
                             boxpoints="all", jitter=0.4, pointpos=0, marker=dict(size=9, color=VALID),
                             showlegend=False, hovertemplate=f"seed %{{customdata}}: {fmt}<extra></extra>"),
                      row=1, col=col)
    fig.update_yaxes(title_text="accuracy (%)", row=1, col=1)
    fig.update_yaxes(title_text="J", row=1, col=2)
    fig.update_xaxes(title_text="one dot per seed")
    fig.update_layout(height=380, margin=dict(l=50, r=10, t=40, b=40))
    return fig


def lesson_seeds(spread):
    va = pct(spread.validation_accuracy)
    n, lo, hi = len(va), va.min(), va.max()
    return (f"The same settings from {n} different random starts reached {lo:.1f} % to {hi:.1f} % "
            f"on validation (a spread of {hi - lo:.1f} points, standard deviation {va.std():.1f}). "
            f"So two single runs that differ by less than about {hi - lo:.1f} points may differ by "
            "luck alone: compare settings over several seeds before trusting a small gain.")


# --- 4. optimizer race --------------------------------------------------------------------------

RACE_X = {"iteration": "iteration", "seconds": "seconds", "evaluations": "n_evals"}


def race_chart(race, x="iteration"):
    fig = go.Figure()
    for lane, colour in zip(race.lanes, LANE_COLOURS):
        data = np.column_stack([lane.iteration, lane.evals_per_iteration, lane.n_evals, lane.seconds])
        fig.add_trace(go.Scatter(
            x=getattr(lane, RACE_X[x]), y=lane.cost, name=lane.name, mode="lines",
            line=dict(color=colour, width=3 if lane.name == "L-BFGS-B" else 2), customdata=data,
            hovertemplate="iteration %{customdata[0]}: J = %{y:.4f}<br>%{customdata[1]} evaluations "
                          "this iteration, %{customdata[2]} in all<br>%{customdata[3]:.2f} s"
                          "<extra>" + lane.name + "</extra>"))
    titles = {"iteration": "iteration", "seconds": "seconds since the start",
              "evaluations": "cost-and-gradient evaluations (passes over the data)"}
    fig.update_xaxes(title_text=titles[x])
    fig.update_yaxes(title_text="cost J (log scale)", type="log")
    fig.update_layout(title=f"Cost J against {x}", height=400, margin=dict(l=50, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def race_rows(race):
    return [{"optimizer": lane.name, "iterations": len(lane.iteration),
             "evaluations": int(lane.n_evals[-1]) if len(lane.n_evals) else 0,
             "evaluations per iteration": round(lane.n_evals[-1] / max(1, len(lane.iteration)), 1)
             if len(lane.n_evals) else 0,
             "final J": round(float(lane.cost[-1]), 4) if len(lane.cost) else None,
             "seconds": round(float(lane.seconds[-1]), 2) if len(lane.seconds) else None,
             "validation %": round(100 * lane.validation_accuracy, 1), "message": lane.message}
            for lane in race.lanes]


def lesson_race(race):
    ranked = sorted(race.lanes, key=lambda lane: lane.cost[-1] if len(lane.cost) else np.inf)
    finals = ", ".join(f"{lane.name} {lane.cost[-1]:.3f}" for lane in ranked if len(lane.cost))
    first = f"With the same budget of {race.budget} passes over the data, the final costs were: {finals}."
    if ranked and ranked[0].name == "L-BFGS-B":
        why = (" L-BFGS-B won: it needs about one evaluation per iteration, picks its own step size "
               "and remembers recent gradients to guess the valley's shape, which is why the "
               "tutorial uses it; gradient descent needs a learning rate chosen by hand, and both "
               "too small (crawling) and too large (overshooting) waste passes.")
    else:
        why = (f" Here {ranked[0].name} ended lowest, though L-BFGS-B is the tutorial's choice because "
               "it picks its own step size with about one evaluation per iteration; try more iterations "
               "and see whether the order holds.")
    return first + why


# --- 5 and 6. hidden units as images ------------------------------------------------------------

def weight_mosaic(W1, image_shape, cols=None, gap=1):
    """Each hidden unit's input weights (W1 without its bias column) tiled into one image, with
    NaN gaps between tiles, and the unit number under every pixel (for the hover)."""
    imgs = np.asarray(W1)[:, 1:].reshape(-1, *image_shape)
    n, (r, c) = len(imgs), image_shape
    cols = cols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    z = np.full((rows * (r + gap) - gap, cols * (c + gap) - gap), np.nan)
    unit = np.full(z.shape, -1)
    for k, img in enumerate(imgs):
        y0, x0 = (k // cols) * (r + gap), (k % cols) * (c + gap)
        z[y0:y0 + r, x0:x0 + c] = img
        unit[y0:y0 + r, x0:x0 + c] = k
    return z, unit


def weights_figure(panels, image_shape, title=None, height=330, shared_scale=True):
    """Several W1 mosaics side by side, on a diverging colour scale centred on 0: one scale for
    all panels (to compare sizes), or one per panel (to compare patterns).

    panels: (title, W1) pairs, one heatmap each, in one figure so that a shared scale compares
    them (charts.weight_grid draws a single W1 on its own scale).
    """
    k = len(panels)
    fig = make_subplots(rows=1, cols=k, subplot_titles=[t for t, _ in panels],
                        horizontal_spacing=0.03 if shared_scale else 0.08)
    limits = [float(np.abs(np.asarray(w)[:, 1:]).max()) or 1.0 for _, w in panels]
    for i, (name, W1) in enumerate(panels, start=1):
        z, unit = weight_mosaic(W1, image_shape)
        axis = "coloraxis" if shared_scale or i == 1 else f"coloraxis{i}"
        fig.add_trace(go.Heatmap(z=z, customdata=unit, coloraxis=axis, hoverongaps=False,
                                 hovertemplate="unit %{customdata}: weight %{z:.3f}<extra>"
                                               + name + "</extra>"), row=1, col=i)
        fig.update_yaxes(scaleanchor=f"x{i if i > 1 else ''}", autorange="reversed", row=1, col=i)
        if not shared_scale:
            right = fig.layout[f"xaxis{i if i > 1 else ''}"].domain[1]
            fig.update_layout({axis: dict(colorscale=charts.DIVERGING, cmin=-limits[i - 1],
                                          cmax=limits[i - 1],
                                          colorbar=dict(x=right + 0.005, thickness=10, len=0.8))})
    if shared_scale:
        fig.update_layout(coloraxis=dict(colorscale=charts.DIVERGING, cmin=-max(limits), cmax=max(limits),
                                         colorbar=dict(title="weight", thickness=12)))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False)
    fig.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=60 if title else 30, b=5),
                      plot_bgcolor="rgba(0,0,0,0)")
    return fig


def symmetry_cost_chart(sym):
    fig = go.Figure()
    for name, cost, colour in zip(sym.names, sym.cost, ("#7f7f7f", VALID)):
        fig.add_trace(go.Scatter(x=np.arange(1, len(cost) + 1), y=cost, name=name, mode="lines",
                                 line=dict(color=colour),
                                 hovertemplate="iteration %{x}: J = %{y:.4f}<extra>" + name + "</extra>"))
    fig.update_layout(title="Cost J while training", height=300, xaxis_title="iteration",
                      yaxis_title="cost J", margin=dict(l=50, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def lesson_symmetry(sym, value=0.1, epsilon=1e-4):
    res = dict(zip(sym.names, zip(pct(sym.validation_accuracy), sym.unit_spread, sym.cost)))
    parts = []
    if "all equal" in res:
        acc, spread, cost = res["all equal"]
        reference = res["tiny random"][1] if "tiny random" in res else 1.0
        start = f"Started with every weight {value:g}, the hidden units get equal gradients"
        if spread < 1e-3 * reference:
            parts.append(f"{start} and are still identical after training (up to rounding errors: the "
                         f"largest difference between two units is {spread:.0e}), so they all learn "
                         f"the same single feature and validation accuracy stalls at {acc:.1f} %.")
        else:
            parts.append(f"{start}, yet after {len(cost)} iterations they differ by up to {spread:.2g}: "
                         "the computer's rounding errors acted as a very tiny random start, which the "
                         f"optimizer slowly amplified; validation accuracy reached {acc:.1f} %.")
    if "tiny random" in res:
        acc = res["tiny random"][0]
        parts.append(f"Tiny random start weights (±{epsilon:g}) are enough to break the tie: each unit "
                     f"learns its own feature and accuracy reaches {acc:.1f} %.")
    return " ".join(parts)


def lesson_hidden(hu, image_shape):
    parts = []
    if len(hu.lambdas) >= 2:
        stats = [ex.weight_stats(w, image_shape) for w in hu.lambda_W1]
        size, rough = zip(*stats)
        lo, hi = hu.lambdas[0], hu.lambdas[-1]
        if rough[-1] < rough[0] and size[-1] < size[0]:
            parts.append(f"Going from λ = {lo:g} to λ = {hi:g} the hidden units' images turn from "
                         f"speckled to smooth and faint (mean |weight| {size[0]:.2f} → {size[-1]:.2f}): "
                         "the penalty removes weights that do not pay for themselves.")
        else:
            parts.append(f"Between λ = {lo:g} and λ = {hi:g} the images changed less than expected "
                         f"(mean |weight| {size[0]:.2f} → {size[-1]:.2f}); try more iterations.")
    if len(hu.sizes) >= 2:
        accs = ", ".join(f"{a:.1f} % with {s}" for s, a in zip(hu.sizes, pct(hu.size_accuracy)))
        parts.append(f"Validation accuracy was {accs} hidden units: a few units must each cover "
                     "several digits, many units can afford narrower, more specialised features.")
    return " ".join(parts)
