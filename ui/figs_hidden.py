"""The Hidden units page's figures: W1 rows as images, one unit's details, W2 as a heatmap.

Weights use ui.charts' diverging scale centred on 0: red = a positive weight (this
pixel or unit pushes the next one on), blue = negative (pushes it off).
"""

import math

import numpy as np
import plotly.graph_objects as go

from . import charts

PAGE_SIZE = 100  # weight images per grid page: 10 x 10 stays readable, 400 would not


def image_shape_for(n_inputs, dataset_shape=None):
    """The dataset's image shape when it fits n_inputs, else a square (or one row) guess."""
    if dataset_shape is not None and dataset_shape[0] * dataset_shape[1] == n_inputs:
        return tuple(dataset_shape)
    side = math.isqrt(n_inputs)
    return (side, side) if side * side == n_inputs else (1, n_inputs)


def pages(hidden_size, size=PAGE_SIZE):
    """[(first, last+1), ...] ranges of units shown per grid page."""
    return [(s, min(s + size, hidden_size)) for s in range(0, hidden_size, size)]


def weight_limit(W1):
    """The largest |weight| from a pixel (bias column left out): one colour scale for every unit."""
    return float(np.abs(np.asarray(W1)[:, 1:]).max()) or 1.0


def weight_mosaic(W1, image_shape, units, limit, selected=None):
    """Rows `units` of W1 (bias dropped) as clickable images on one scale -limit..limit."""
    cols = max(1, math.ceil(math.sqrt(len(units))))
    return charts.image_grid(
        np.asarray(W1)[units, 1:], image_shape, cols=cols, zmin=-limit, zmax=limit,
        colorscale=charts.DIVERGING, ids=list(units), id_prefix="unit ", value_name="weight",
        clickable=True, highlight=selected, px_per_row=max(40, min(100, 500 // cols)),
        gap_colour="#444", showscale=True,
    )


def weight_image(w, image_shape, limit, unit):
    fig = charts.digit_image(w, image_shape, title=f"unit {unit}: its weights from each pixel",
                             height=330, zmin=-limit, zmax=limit, colorscale=charts.DIVERGING)
    fig.update_traces(showscale=True, colorbar=dict(thickness=12, title="weight"),
                      hovertemplate="row %{y}, column %{x}: weight %{z:.3f}<extra></extra>")
    return fig


def _digit_bars(values, title, y_title, colours, hover):
    fig = go.Figure(go.Bar(x=[str(d) for d in range(10)], y=values, marker_color=colours,
                           hovertemplate=hover))
    fig.update_xaxes(type="category")
    fig.update_layout(title=title, height=300, xaxis_title="digit", yaxis_title=y_title,
                      margin=dict(l=50, r=10, t=40, b=40))
    return fig


def outgoing_bars(w2_column, unit, matrix="W2"):
    """W2[d, unit + 1] for each digit d (the last matrix's column): how this unit votes."""
    colours = ["#d62728" if v > 0 else "#1f77b4" for v in w2_column]
    return _digit_bars(w2_column, f"Unit {unit} votes: its weights to each output ({matrix})",
                       f"weight in {matrix}", colours, "to digit %{x}: %{y:.3f}<extra></extra>")


def activation_bars(mean_a2, unit, name="a2", activation="sigmoid"):
    """The unit's mean activation (a2 for the first hidden layer) over the validation digits of
    each class, on the activation's own range."""
    fig = _digit_bars(mean_a2, f"Unit {unit}: mean activation {name} by digit (validation)",
                      f"mean {name} ({_range_words(activation)})", "#2ca02c",
                      "digit %{x}: mean " + name + " = %{y:.3f}<extra></extra>")
    if activation_range(activation):
        fig.update_yaxes(range=activation_range(activation))
    return fig


def top_images(X, y, a, indices, image_shape):
    """The examples that excite the unit most, titled with label and activation."""
    titles = [f"{y[i]} · {a[i]:.2f}" for i in indices]
    return charts.image_grid(X[indices], image_shape, cols=6, titles=titles, ids=list(indices),
                             id_prefix="training example #", px_per_row=105)


def w2_heatmap(W2, selected=None, matrix="W2"):
    """W2 (the last matrix) without its bias column: rows digits 0-9, columns hidden units."""
    W = np.asarray(W2)[:, 1:]
    limit = float(np.abs(W).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=W, x=list(range(W.shape[1])), y=[str(d) for d in range(10)],
        colorscale=charts.DIVERGING, zmin=-limit, zmax=limit, colorbar=dict(title="weight"),
        hovertemplate="unit %{x} → digit %{y}: %{z:.3f}<extra></extra>",
    ))
    if selected is not None:
        fig.add_vrect(x0=selected - 0.5, x1=selected + 0.5, line=dict(color="black", width=2))
    fig.update_xaxes(title="hidden unit")
    fig.update_yaxes(title="output digit", autorange="reversed", type="category")
    fig.update_layout(title=f"{matrix}: how every unit of the last hidden layer votes for every "
                            "digit", height=360,
                      margin=dict(l=50, r=10, t=40, b=40))
    return fig


def activation_range(activation):
    """The y range an activation's values can take: sigmoid 0..1, tanh -1..1, relu open above."""
    return {"sigmoid": [0, 1], "tanh": [-1, 1]}.get(activation)


def _range_words(activation):
    return {"sigmoid": "0 = off, 1 = on", "tanh": "−1 … 1, 0 = quiet"}.get(activation,
                                                                       "0 = off, larger = more on")


def next_layer_bars(w_column, unit, matrix):
    """A deeper layer's weights from `unit` to each unit of the next hidden layer."""
    colours = ["#d62728" if v > 0 else "#1f77b4" for v in w_column]
    fig = go.Figure(go.Bar(x=list(range(len(w_column))), y=w_column, marker_color=colours,
                           hovertemplate="to unit %{x}: %{y:.3f}<extra></extra>"))
    fig.update_layout(title=f"Unit {unit} passes on: its weights to the next layer ({matrix})",
                      height=300, xaxis_title="unit of the next hidden layer",
                      yaxis_title=f"weight in {matrix}", margin=dict(l=50, r=10, t=40, b=40))
    return fig


def digit_overview(means, order, name, activation, selected=None):
    """Every unit of one layer × the 10 digits: its mean activation for each digit, one row per
    unit in `order` (first at the top). means: (10, h), row d the digit's mean. Each cell
    carries an almost invisible marker (customdata = the unit), so a click selects the unit."""
    order = [int(j) for j in order]
    labels = [f"unit {j}" for j in order]
    digits = [str(d) for d in range(10)]
    rng = activation_range(activation) or [0, float(np.nanmax(means)) or 1.0]
    fig = go.Figure(go.Heatmap(
        z=np.asarray(means)[:, order].T, x=digits, y=labels, colorscale="Viridis",
        zmin=rng[0], zmax=rng[1], colorbar=dict(title=f"mean {name}"),
        hovertemplate="%{y}, digit %{x}: mean " + name + " = %{z:.3f}<extra></extra>"))
    row_px = max(4, min(24, 800 // max(1, len(order))))
    fig.add_trace(go.Scatter(
        x=digits * len(order), y=[u for u in labels for _ in digits], mode="markers",
        customdata=[j for j in order for _ in digits], showlegend=False,
        hovertemplate="unit %{customdata} (click to open it)<extra></extra>",
        marker=dict(size=row_px, symbol="square", opacity=0.01),
        selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01))))
    if selected in order:
        fig.add_hrect(y0=order.index(selected) - 0.5, y1=order.index(selected) + 0.5,
                      line=dict(color="#ffd700", width=3))
    fig.update_xaxes(title="digit (validation digits of this class)", type="category")
    fig.update_yaxes(title="hidden unit", type="category", categoryorder="array",
                     categoryarray=labels, autorange="reversed",
                     showticklabels=len(order) <= 60)
    fig.update_layout(title=f"What every unit responds to: mean {name} per digit "
                            f"({_range_words(activation)})",
                      height=int(min(900, max(300, row_px * len(order) + 120))),
                      margin=dict(l=60, r=10, t=40, b=40), dragmode=False,
                      clickmode="event+select")
    return fig
