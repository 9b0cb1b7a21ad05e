"""Figures for the Inside the network page: the gradient check and one digit's backprop."""

import numpy as np
import plotly.graph_objects as go

from .charts import DIVERGING

RANGES = {"sigmoid": [0, 1], "tanh": [-1, 1]}  # an activation's values; relu's have no top


def weight_names(layer_sizes):
    """'W1[j, i]', 'W2[k, j]', ... for every weight, in the flat order gradient_check uses;
    layer_sizes (n, h1, ..., 10) as Network.layer_sizes."""
    return [f"W{l}[{r}, {c}]"
            for l, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1)
            for r in range(fan_out) for c in range(fan_in + 1)]


def gradcheck_scatter(check, names, title):
    """Analytic (backprop) against numerical gradient, one dot a weight, with the line y = x."""
    a, n = check.analytic, check.numerical
    lo, hi = float(min(a.min(), n.min())), float(max(a.max(), n.max()))
    pad = 0.05 * (hi - lo or 1.0)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[lo - pad, hi + pad], y=[lo - pad, hi + pad], mode="lines",
                             name="perfect agreement", line=dict(color="gray", dash="dash"),
                             hoverinfo="skip"))
    colours = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
    layers = list(dict.fromkeys(name.split("[")[0] for name in names))
    for layer, colour in zip(layers, colours):
        idx = [i for i, name in enumerate(names) if name.startswith(layer + "[")]
        fig.add_trace(go.Scatter(
            x=n[idx], y=a[idx], mode="markers", name=f"weights of {layer}", text=[names[i] for i in idx],
            marker=dict(color=colour, size=7, opacity=0.8),
            hovertemplate="%{text}<br>numerical %{x:.5f}<br>backprop %{y:.5f}<extra></extra>"))
    fig.update_layout(title=title, height=360, margin=dict(l=50, r=10, t=40, b=40),
                      xaxis_title="numerical gradient (nudge each weight by ±ε)",
                      yaxis_title="analytic gradient (backprop)",
                      legend=dict(orientation="h", y=-0.2))
    return fig


def cost_split(data, reg, lambd):
    """J as a stacked bar: how much is the data term, how much the penalty on large weights."""
    fig = go.Figure()
    for value, name, colour in ((data, "data term (cross-entropy)", "#1f77b4"),
                                (reg, f"regularization term (λ = {lambd:g})", "#ff7f0e")):
        fig.add_trace(go.Bar(x=[value], y=["J"], orientation="h", name=name, marker_color=colour,
                             hovertemplate=name + ": %{x:.4f}<extra></extra>"))
    fig.update_layout(barmode="stack", height=170, margin=dict(l=30, r=10, t=10, b=40),
                      xaxis_title="cost J on the training set",
                      legend=dict(orientation="h", y=-0.6, traceorder="normal"))
    return fig


def vector_bars(values, title, xaxis, yaxis, highlight=None, labels=None, yrange=None, height=250):
    """One bar per unit; the highlighted unit in a stronger colour."""
    values = np.asarray(values, dtype=float).ravel()
    labels = labels or [str(i) for i in range(len(values))]
    colours = ["#d62728" if i == highlight else "#1f77b4" for i in range(len(values))]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colours,
                           hovertemplate=xaxis + " %{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=title, height=height, margin=dict(l=50, r=10, t=40, b=40),
                      xaxis_title=xaxis, yaxis_title=yaxis)
    if yrange is not None:
        fig.update_yaxes(range=yrange)
    if len(values) <= 10:
        fig.update_xaxes(type="category")  # every digit labelled
    return fig


def outputs_vs_target(a3, y, name="a3"):
    """The output (a3 in the tutorial's network) as bars with the one-hot target y as markers."""
    digits = [str(d) for d in range(10)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=digits, y=a3, name=f"output {name}", marker_color="#1f77b4",
                         hovertemplate="digit %{x}: " + name + " = %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=digits, y=y, mode="markers", name="target y",
                             marker=dict(symbol="line-ew-open", size=26, color="#d62728",
                                         line=dict(width=3)),
                             hovertemplate="digit %{x}: y = %{y:.0f}<extra></extra>"))
    fig.update_layout(title=f"Output {name} and the target y", height=250, yaxis_range=[0, 1.05],
                      margin=dict(l=50, r=10, t=40, b=40), xaxis_title="digit (output unit)",
                      yaxis_title=name, legend=dict(orientation="h", y=-0.35))
    fig.update_xaxes(type="category")  # label every digit
    return fig


def gradient_image(grad, image_shape, title, height=300):
    """A hidden unit's weight gradient as an image on a diverging scale centred on 0."""
    g = np.asarray(grad, dtype=float).reshape(image_shape)
    limit = float(np.abs(g).max()) or 1.0
    fig = go.Figure(go.Heatmap(z=g, colorscale=DIVERGING, zmin=-limit, zmax=limit,
                               colorbar=dict(thickness=10, len=0.8),
                               hovertemplate="row %{y}, column %{x}: %{z:.5f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=40, b=5))
    return fig
