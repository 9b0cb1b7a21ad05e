"""The Experiments page's figures: one plotly figure (or table) per experiment's result.

lambda_chart (λ sweep), learning_chart (learning curve), seed_chart (seed spread),
race_chart and race_rows (optimizer race), symmetry_cost_chart (symmetry breaking),
weights_figure (hidden units' W1 rows as images, for symmetry breaking and hidden units),
activation_chart, depth_chart and depth_rows, output_chart, scale_chart (experiments 7-10).
Train in light blue, validation in dark blue; every point carries its numbers in its hover.
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import charts
from .experiment_lessons import pct, shown

TRAIN, VALID = "#9ecae1", "#1f77b4"
LANE_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#8c564b", "#ff7f0e")


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




def learning_chart(curve):
    """Train and validation error against m, the number of digits studied (log scale)."""
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



def seed_chart(spread):
    """Validation accuracy and final cost J, one dot per seed, as two box plots."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.15,
                        subplot_titles=("validation accuracy of each seed", "final cost J of each seed"))
    panels = ((pct(spread.validation_accuracy), "%{y:.2f}%", "validation accuracy"),
              (spread.final_cost, "%{y:.4f}", "final cost J"))
    for col, (y, fmt, what) in enumerate(panels, start=1):
        fig.add_trace(go.Box(y=y, customdata=spread.values, name=f"{what}, {len(spread.values)} seeds",
                             boxpoints="all", jitter=0.4, pointpos=0, marker=dict(size=9, color=VALID),
                             showlegend=False, hovertemplate=f"seed %{{customdata}}: {fmt}<extra></extra>"),
                      row=1, col=col)
    fig.update_yaxes(title_text="validation accuracy (%)", row=1, col=1)
    fig.update_yaxes(title_text="cost J on the training digits (no unit)", row=1, col=2)
    fig.update_xaxes(title_text="one dot per seed; the box holds the middle half")
    fig.update_layout(height=380, margin=dict(l=50, r=10, t=40, b=40))
    return fig



RACE_X = {"iteration": "iteration", "seconds": "seconds", "evaluations": "n_evals"}


def race_chart(race, x="iteration"):
    """Each optimizer's cost J (log scale) against iteration, seconds or evaluations."""
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
    """One row per optimizer for st.dataframe: iterations, evaluations, final J, time, accuracy."""
    return [{"optimizer": lane.name, "iterations": len(lane.iteration),
             "evaluations": int(lane.n_evals[-1]) if len(lane.n_evals) else 0,
             "evaluations per iteration": round(lane.n_evals[-1] / max(1, len(lane.iteration)), 1)
             if len(lane.n_evals) else 0,
             "final J": round(float(lane.cost[-1]), 4) if len(lane.cost) else None,
             "seconds": round(float(lane.seconds[-1]), 2) if len(lane.seconds) else None,
             "validation %": round(100 * lane.validation_accuracy, 1), "message": lane.message}
            for lane in race.lanes]


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
    """Cost J while training, for the equal start and the tiny random one."""
    fig = go.Figure()
    for name, cost, colour in zip(sym.names, sym.cost, ("#7f7f7f", VALID)):
        fig.add_trace(go.Scatter(x=np.arange(1, len(cost) + 1), y=cost, name=name, mode="lines",
                                 line=dict(color=colour),
                                 hovertemplate="iteration %{x}: J = %{y:.4f}<extra>" + name + "</extra>"))
    fig.update_layout(title="Cost J while training", height=300, xaxis_title="iteration",
                      yaxis_title="cost J", margin=dict(l=50, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25))
    return fig


# --- 7-10: trainings that differ in one thing ---------------------------------------------------

def _cost_panel(fig, result, labels, col=1):
    """J after each iteration, one line per training, into panel col of fig."""
    for label, cost, colour in zip(labels, result.cost, LANE_COLOURS):
        fig.add_trace(go.Scatter(x=np.arange(1, len(cost) + 1), y=cost, name=label, mode="lines",
                                 line=dict(color=colour), legendgroup=label,
                                 hovertemplate="iteration %{x}: J = %{y:.4f}<extra>" + label + "</extra>"),
                      row=1, col=col)
    fig.update_xaxes(title_text="iteration", row=1, col=col)
    fig.update_yaxes(title_text="cost J (no unit, log scale)", type="log", row=1, col=col)


def _bars(fig, labels, values, col, fmt, what, hover=None):
    fig.add_trace(go.Bar(x=labels, y=values, marker_color=list(LANE_COLOURS[:len(labels)]),
                         text=[fmt.format(v) for v in values], textposition="outside",
                         showlegend=False, customdata=hover,
                         hovertemplate="%{x}: " + what + " %{text}"
                                       + ("<br>%{customdata}" if hover is not None else "")
                                       + "<extra></extra>"), row=1, col=col)


def activation_chart(race):
    """J while training, validation accuracy and dead units, one colour per activation."""
    labels = [shown(n) for n in race.names]
    fig = make_subplots(rows=1, cols=3, column_widths=[0.5, 0.25, 0.25], horizontal_spacing=0.09,
                        subplot_titles=("cost J while training", "validation accuracy",
                                        f"dead units (of {race.hidden_units})"))
    _cost_panel(fig, race, labels)
    _bars(fig, labels, pct(race.validation_accuracy), 2, "{:.1f} %", "validation accuracy")
    _bars(fig, labels, race.dead, 3, "{:d}", "dead units")
    fig.update_xaxes(title_text="hidden activation", row=1, col=2)
    fig.update_xaxes(title_text="hidden activation", row=1, col=3)
    fig.update_yaxes(title_text="validation accuracy (%)", row=1, col=2)
    fig.update_yaxes(title_text="dead units (count)", rangemode="tozero", row=1, col=3)
    fig.update_layout(height=420, margin=dict(l=50, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.2))
    return fig


def depth_label(shape):
    return "-".join(str(k) for k in shape)


def depth_chart(d):
    """J while training and validation accuracy, one colour per depth."""
    labels = [f"{n}: {depth_label(s)}" for n, s in zip(d.names, d.shapes)]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.1,
                        subplot_titles=("cost J while training", "validation accuracy"))
    _cost_panel(fig, d, labels)
    _bars(fig, labels, pct(d.validation_accuracy), 2, "{:.1f} %", "validation accuracy",
          hover=[f"{w:,} weights" for w in d.weights])
    fig.update_xaxes(title_text="network (layer sizes: pixels, hidden..., outputs)", row=1, col=2)
    fig.update_yaxes(title_text="validation accuracy (%)", row=1, col=2)
    fig.update_layout(height=420, margin=dict(l=50, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.25))
    return fig


def depth_rows(d):
    """One row per network for st.dataframe: its layers and weights, and what it reached."""
    return [{"network": n, "layer sizes": depth_label(s), "weights (biases included)": int(w),
             "vs the base network": f"{100 * (w / d.reference - 1):+.1f} %",
             "final J": round(float(c[-1]), 4) if len(c) else None,
             "validation %": round(100 * float(a), 1)}
            for n, s, w, c, a in zip(d.names, d.shapes, d.weights, d.cost, d.validation_accuracy)]


def output_chart(o):
    """The ten outputs' sum on each validation digit, and the confidence on right and wrong answers."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("sum of the ten outputs, one count per validation digit",
                                        "confidence: the largest output"))
    for name, sums, right, wrong, colour in zip(o.names, o.output_sum, o.right_confidence,
                                                o.wrong_confidence, LANE_COLOURS):
        fig.add_trace(go.Histogram(x=sums, name=f"{name} outputs", marker_color=colour, opacity=0.7,
                                   xbins=dict(size=0.02), legendgroup=name,
                                   hovertemplate="sum %{x}: %{y} digits<extra>" + name + "</extra>"),
                      row=1, col=1)
        for part, values in (("right", right), ("wrong", wrong)):
            fig.add_trace(go.Box(y=values, x=[f"{part}, {name}"] * len(values), name=f"{name} outputs",
                                 marker_color=colour, boxpoints=False, showlegend=False, legendgroup=name,
                                 hovertemplate="%{y:.3f}<extra>" + f"{len(values)} read {part}"
                                               "</extra>"), row=1, col=2)
    fig.update_xaxes(title_text="sum of the ten outputs (softmax: 1 by design)", row=1, col=1)
    fig.update_yaxes(title_text="validation digits (count)", row=1, col=1)
    fig.update_xaxes(title_text="digits read right or wrong, by output layer", row=1, col=2)
    fig.update_yaxes(title_text="largest output (0 to 1)", range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=420, barmode="overlay", margin=dict(l=50, r=10, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def scale_chart(s):
    """J while training, validation accuracy, and the share of hidden activations on a flat end."""
    fig = make_subplots(rows=1, cols=3, column_widths=[0.45, 0.2, 0.35], horizontal_spacing=0.09,
                        subplot_titles=("cost J while training", "validation accuracy",
                                        "first hidden layer saturated"))
    _cost_panel(fig, s, s.names)
    _bars(fig, list(s.names), pct(s.validation_accuracy), 2, "{:.1f} %", "validation accuracy")
    for when, values, colour in (("at the start", s.flat_start, "#bdbdbd"),
                                 ("after training", s.flat_end, "#636363")):
        fig.add_trace(go.Bar(x=list(s.names), y=pct(values), name=when, marker_color=colour,
                             text=[f"{v:.1f} %" for v in pct(values)], textposition="outside",
                             hovertemplate="%{x}, " + when + ": %{y:.1f} % flat<extra></extra>"),
                      row=1, col=3)
    fig.update_xaxes(title_text="inputs", row=1, col=2)
    fig.update_xaxes(title_text="inputs", row=1, col=3)
    fig.update_yaxes(title_text="validation accuracy (%)", row=1, col=2)
    fig.update_yaxes(title_text="saturated a2 (% of units × digits)", range=[0, 110], row=1, col=3)
    fig.update_layout(height=420, margin=dict(l=50, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.25))
    return fig
