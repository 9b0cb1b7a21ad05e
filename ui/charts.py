"""Plotly figures the pages share: digits, weight images, probabilities, curves, confusion.

Every figure has axis titles and hover text; digits are drawn white ink on
black as the network sees them; weights use one diverging scale centred on 0.
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

GREY = "gray"
DIVERGING = "RdBu_r"  # red = positive weight (excites), blue = negative (inhibits)


def digit_image(pixels, image_shape, title=None, height=280, zmin=0.0, zmax=1.0, colorscale=GREY):
    """One digit (or any image-shaped vector) as a heatmap, upright."""
    img = np.asarray(pixels, dtype=float).reshape(image_shape)
    fig = go.Figure(go.Heatmap(z=img, colorscale=colorscale, zmin=zmin, zmax=zmax, showscale=False,
                               hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False, title=None)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    return fig


def image_grid(images, image_shape, titles=None, cols=None, zmin=0.0, zmax=1.0,
               colorscale=GREY, height_per_row=90, showscale=False):
    """Many images (rows of a matrix) in a grid of small heatmaps, each with an optional title."""
    images = np.asarray(images, dtype=float)
    n = len(images)
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=0.01, vertical_spacing=0.04 if titles else 0.01)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        fig.add_trace(go.Heatmap(
            z=img.reshape(image_shape), colorscale=colorscale, zmin=zmin, zmax=zmax,
            showscale=showscale and i == 0, coloraxis=None,
            name=titles[i] if titles else f"#{i}",
            hovertemplate=(titles[i] if titles else f"#{i}") + ": %{z:.2f}<extra></extra>",
        ), row=r + 1, col=c + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor=None)
    fig.update_xaxes(showticklabels=False)
    fig.update_annotations(font_size=11)
    fig.update_layout(height=max(160, rows * height_per_row + 40), margin=dict(l=5, r=5, t=30, b=5))
    return fig


def weight_grid(W1, image_shape, cols=None, titles=None):
    """Each hidden unit's input weights (rows of W1 without the bias) as an image, on one scale."""
    W = np.asarray(W1)[:, 1:]
    limit = float(np.abs(W).max()) or 1.0
    titles = titles or [f"unit {j}" for j in range(len(W))]
    return image_grid(W, image_shape, titles=titles, cols=cols, zmin=-limit, zmax=limit,
                      colorscale=DIVERGING, showscale=True)


def probability_bars(p, title="What the network says", highlight=None):
    """The 10 output activations a3 as bars, the largest (or highlight) in a stronger colour."""
    p = np.asarray(p, dtype=float).ravel()
    best = int(np.argmax(p)) if highlight is None else int(highlight)
    colours = ["#d62728" if d == best else "#1f77b4" for d in range(10)]
    fig = go.Figure(go.Bar(x=[str(d) for d in range(10)], y=p, marker_color=colours,
                           hovertemplate="digit %{x}: %{y:.3f}<extra></extra>"))
    fig.update_layout(title=title, height=260, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title="digit (output unit)", yaxis_title="activation a3",
                      yaxis_range=[0, 1])
    fig.update_xaxes(type="category")  # every digit labelled, even in a narrow column
    return fig


def cost_curve(columns, title="Cost J while training"):
    """Cost J and gradient norm against iteration (two y axes), from TrainResult.history_columns()."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=columns["iteration"], y=columns["cost"], name="cost J",
                             mode="lines"), secondary_y=False)
    fig.add_trace(go.Scatter(x=columns["iteration"], y=columns["grad_norm"], name="|gradient|",
                             mode="lines", line=dict(dash="dot")), secondary_y=True)
    fig.update_xaxes(title_text="iteration")
    fig.update_yaxes(title_text="cost J", secondary_y=False)
    fig.update_yaxes(title_text="gradient norm", type="log", secondary_y=True)
    fig.update_layout(title=title, height=320, margin=dict(l=50, r=50, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def confusion_heatmap(C, title="Confusion matrix (rows: true digit, columns: predicted)"):
    C = np.asarray(C)
    fig = go.Figure(go.Heatmap(
        z=C, x=[str(d) for d in range(10)], y=[str(d) for d in range(10)], colorscale="Blues",
        text=C, texttemplate="%{text}", hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title="true digit")
    fig.update_xaxes(title="predicted digit", side="bottom")
    fig.update_layout(title=title, height=420, margin=dict(l=50, r=10, t=40, b=40))
    return fig


def network_diagram(layer_sizes, shown=(8, 8, 10), title=None):
    """Input, hidden and output layers as columns of dots, a sample of connections between them."""
    fig = go.Figure()
    names = ("input a1", "hidden a2", "output a3")
    xs = (0, 1, 2)
    positions = []
    for x, size, k, name in zip(xs, layer_sizes, shown, names):
        k = min(size, k)
        ys = np.linspace(1, 0, k) if k > 1 else np.array([0.5])
        positions.append(ys)
        labels = [str(i) for i in range(k)] if name.startswith("output") else [""] * k
        fig.add_trace(go.Scatter(x=[x] * k, y=ys, mode="markers+text", text=labels,
                                 textposition="middle right", marker=dict(size=16),
                                 name=f"{name}: {size} units", hoverinfo="name"))
        if size > k:
            fig.add_annotation(x=x, y=-0.1, text=f"… {size} in all", showarrow=False)
    for (x0, y0s), (x1, y1s) in zip(zip(xs, positions), zip(xs[1:], positions[1:])):
        for y0 in y0s:
            for y1 in y1s:
                fig.add_shape(type="line", x0=x0, y0=y0, x1=x1, y1=y1,
                              line=dict(width=0.5, color="rgba(120,120,120,0.35)"), layer="below")
    for x, label in zip((0.5, 1.5), ("W1", "W2")):
        fig.add_annotation(x=x, y=1.1, text=f"<b>{label}</b>", showarrow=False)
    fig.update_xaxes(visible=False, range=[-0.3, 2.4])
    fig.update_yaxes(visible=False, range=[-0.2, 1.2])
    fig.update_layout(title=title, height=340, margin=dict(l=5, r=5, t=30, b=5),
                      legend=dict(orientation="h", y=-0.05))
    return fig
