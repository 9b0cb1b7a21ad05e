"""Figures for the Draw and predict page: hidden units' votes and saliency maps."""

import numpy as np
import plotly.graph_objects as go

from .charts import DIVERGING

RANGES = {"sigmoid": [0, 1], "tanh": [-1, 1]}  # relu's values have no top: autorange


def hidden_votes(a2, terms, digit, name="a2", matrix="W2", activation="sigmoid"):
    """Each unit of the last hidden layer (a2 in the tutorial's network) as a bar, coloured by its
    vote a2_j W2[d, j+1] for digit d."""
    a2 = np.asarray(a2, dtype=float).ravel()
    terms = np.asarray(terms, dtype=float).ravel()
    limit = float(np.abs(terms).max()) or 1.0
    fig = go.Figure(go.Bar(
        x=np.arange(len(a2)), y=a2, customdata=terms,
        marker=dict(color=terms, colorscale=DIVERGING, cmin=-limit, cmax=limit,
                    colorbar=dict(title=f"vote for {digit}", thickness=12)),
        hovertemplate=("unit %{x}: " + name + " = %{y:.2f}<br>vote for " + str(digit)
                       + " = " + name + " × " + matrix + " = %{customdata:.2f}<extra></extra>"),
    ))
    fig.update_layout(title=f"Hidden layer {name} for your drawing (colour: vote for {digit})",
                      height=280, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title="hidden unit j", yaxis_title=f"activation {name} ({activation})",
                      yaxis_range=RANGES.get(activation))
    return fig


def layer_bars(a, name, activation):
    """A hidden layer's activations for the drawing, one bar per unit (the earlier layers)."""
    a = np.asarray(a, dtype=float).ravel()
    fig = go.Figure(go.Bar(x=np.arange(len(a)), y=a, marker_color="#2ca02c",
                           hovertemplate="unit %{x}: " + name + " = %{y:.2f}<extra></extra>"))
    fig.update_layout(title=f"Hidden layer {name} for your drawing", height=240,
                      margin=dict(l=40, r=10, t=40, b=40), xaxis_title="hidden unit j",
                      yaxis_title=f"activation {name} ({activation})",
                      yaxis_range=RANGES.get(activation))
    return fig


def saliency_map(grad, x, image_shape, title, height=260):
    """A pixel gradient on a diverging scale centred on 0, with the input's outline on top.

    Red: more ink here would raise the score; blue: ink here lowers it.
    """
    g = np.asarray(grad, dtype=float).reshape(image_shape)
    limit = float(np.abs(g).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=g, colorscale=DIVERGING, zmin=-limit, zmax=limit, zmid=0,
        colorbar=dict(thickness=10, len=0.8),
        hovertemplate="row %{y}, column %{x}: gradient %{z:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Contour(
        z=np.asarray(x, dtype=float).reshape(image_shape), showscale=False, hoverinfo="skip",
        contours=dict(coloring="none", start=0.4, end=0.4, size=1),
        line=dict(color="black", width=1.5), name="your drawing",
    ))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(title=dict(text=title, font_size=13), height=height,
                      margin=dict(l=5, r=5, t=40, b=5))
    return fig


def thumbnail(img, max_side=100):
    """img averaged over k x k blocks so no side exceeds max_side: a 300 x 300 heatmap is slow to send.

    Returns (small image, k); k = 1 means unchanged.
    """
    img = np.asarray(img, dtype=float)
    k = int(np.ceil(max(img.shape) / max_side))
    if k <= 1:
        return img, 1
    rows, cols = -(-img.shape[0] // k) * k, -(-img.shape[1] // k) * k
    padded = np.pad(img, ((0, rows - img.shape[0]), (0, cols - img.shape[1])))
    return padded.reshape(rows // k, k, cols // k, k).mean(axis=(1, 3)), k
