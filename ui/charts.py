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
SMALL_PX = 300  # charts this tall or shorter get no toolbar: it would cover what they show
TOOLBAR_PX = 34  # plotly's toolbar sits in this band at a chart's top right; titles go below it
TITLE_PX = 26  # room for a one-line title under that band


def show(where, fig, **kwargs):
    """Draw fig with where.plotly_chart(fig, **kwargs) (where: st, a column, a container).

    This is where the toolbar (plotly's zoom, pan and download buttons, shown under the pointer)
    is decided, for every chart of the app. Digit images and small charts get none: it would paint
    a band across the picture. The other charts keep it, with their title moved below it.
    Returns what st.plotly_chart returns (the selection event when on_select is given).
    """
    if _is_image(fig) or (fig.layout.height or 450) <= SMALL_PX:
        return where.plotly_chart(fig, config={"displayModeBar": False}, **kwargs)
    _title_below_toolbar(fig)
    return where.plotly_chart(fig, **kwargs)


def _is_image(fig):
    """A heatmap drawn with square pixels (its y axis scaled to x): a digit, weights, a saliency map."""
    return (any(trace.type == "heatmap" for trace in fig.data)
            and any(axis.scaleanchor for axis in fig.select_yaxes()))


def _title_below_toolbar(fig):
    """Put the title under the toolbar's band, with a top margin that fits both."""
    if not fig.layout.title.text:
        return
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 100  # plotly's default
    height = fig.layout.height or 450
    need = TOOLBAR_PX + TITLE_PX
    if top < need:  # the plot keeps its height: the chart grows by what the margin gains
        height += need - top
        fig.update_layout(height=height, margin_t=need)
    fig.update_layout(title=dict(yref="container", y=1 - TOOLBAR_PX / height, yanchor="top"))


def digit_image(pixels, image_shape, title=None, height=280, zmin=0.0, zmax=1.0, colorscale=GREY):
    """One digit (or any image-shaped vector) as a heatmap, upright."""
    img = np.asarray(pixels, dtype=float).reshape(image_shape)
    fig = go.Figure(go.Heatmap(z=img, colorscale=colorscale, zmin=zmin, zmax=zmax, showscale=False,
                               hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False, title=None)
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    return fig


def image_grid(images, image_shape, cols=None, titles=None, zmin=0.0, zmax=1.0,
               colorscale=GREY, ids=None, id_prefix="#", value_name="pixel",
               clickable=False, highlight=None, px_per_row=90, gap_colour="white",
               showscale=False, title_lines=1):
    """Many images tiled into ONE heatmap, as the tutorial's displayData tiles them.

    One trace instead of one subplot per image keeps even 400 images fast. Titles are
    text above each tile; hover shows id_prefix + the tile's id (ids, default 0..k-1) and
    the value. With clickable=True an almost invisible marker sits on each tile
    (customdata = the tile's id), so st.plotly_chart(on_select="rerun",
    selection_mode="points") reports a click on a tile; highlight frames the tile with that id.
    """
    images = np.asarray(images, dtype=np.float32).reshape(len(images), *image_shape)
    k, (r, c) = len(images), image_shape
    ids = np.arange(k) if ids is None else np.asarray(ids, dtype=np.int64)
    cols = int(cols or max(1, math.ceil(math.sqrt(k))))
    rows = max(1, math.ceil(k / cols))
    pad = max(1, round(r / 10))
    top = max(pad, round(r * 0.4 * title_lines)) if titles else pad  # room for a title above each tile
    th, tw = r + top, c + pad  # one tile's height and width in pixels, with its gap
    z = np.full((rows * th, cols * tw + pad), np.nan, dtype=np.float32)
    owner = np.full(z.shape, -1, dtype=np.int32)
    centres = []
    for i, img in enumerate(images):
        y0, x0 = divmod(i, cols)
        y0, x0 = y0 * th + top, x0 * tw + pad
        z[y0:y0 + r, x0:x0 + c] = img
        owner[y0:y0 + r, x0:x0 + c] = ids[i]
        centres.append((x0 + (c - 1) / 2, y0 + (r - 1) / 2, y0 - top / 2 - 0.5))
    fig = go.Figure(go.Heatmap(
        z=z, colorscale=colorscale, zmin=zmin, zmax=zmax, showscale=showscale, customdata=owner,
        hoverongaps=False, colorbar=dict(thickness=12, len=0.8),
        hovertemplate=id_prefix + "%{customdata}: " + value_name + " %{z:.2f}<extra></extra>",
    ))
    xs, ys, ts = (list(v) for v in zip(*centres, strict=True))  # plain lists: small, and readable in tests
    if titles:
        fig.add_trace(go.Scatter(x=xs, y=ts, mode="text", text=list(titles), hoverinfo="skip",
                                 textfont=dict(size=12), showlegend=False))
    if clickable:
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", customdata=ids.tolist(), showlegend=False,
            hovertemplate=id_prefix + "%{customdata} (click for details)<extra></extra>",
            marker=dict(size=max(8, px_per_row * 0.6), symbol="square", opacity=0.01),
            # Keep the markers invisible after a click (plotly restyles selected points).
            selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
        ))
    if highlight is not None and highlight in ids:
        x, y, _ = centres[int(np.flatnonzero(ids == highlight)[0])]
        fig.add_shape(type="rect", x0=x - c / 2 - pad / 2, x1=x + c / 2 + pad / 2,
                      y0=y - r / 2 - pad / 2, y1=y + r / 2 + pad / 2,
                      line=dict(color="#ffd700", width=3))
    fig.update_xaxes(visible=False, range=[-0.5, z.shape[1] - 0.5], constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(height=int(rows * px_per_row + 20), margin=dict(l=5, r=5, t=10, b=5),
                      plot_bgcolor=gap_colour, dragmode=False, clickmode="event+select")
    return fig


def weight_grid(W1, image_shape, cols=None, titles=None, px_per_row=90):
    """Each hidden unit's input weights (rows of W1 without the bias) as an image, on one scale."""
    W = np.asarray(W1)[:, 1:]
    limit = float(np.abs(W).max()) or 1.0
    titles = titles or [f"unit {j}" for j in range(len(W))]
    return image_grid(W, image_shape, titles=titles, cols=cols, zmin=-limit, zmax=limit,
                      colorscale=DIVERGING, showscale=True, value_name="weight",
                      px_per_row=px_per_row)


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
    fig.update_yaxes(title_text="gradient norm", type="log", tickformat=".1g", secondary_y=True)
    fig.update_layout(title=title, height=320, margin=dict(l=50, r=50, t=40, b=40),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def confusion_heatmap(C, title="Confusion matrix (rows: true digit, columns: predicted)"):
    C = np.asarray(C)
    fig = go.Figure(go.Heatmap(
        z=C, x=[str(d) for d in range(10)], y=[str(d) for d in range(10)], colorscale="Blues",
        text=C, texttemplate="%{text}", hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title="true digit", type="category")
    fig.update_xaxes(title="predicted digit", side="bottom", type="category")
    fig.update_layout(title=title, height=420, margin=dict(l=50, r=10, t=40, b=40))
    return fig


def network_diagram(layer_sizes, shown=None, title=None):
    """Every layer as a column of dots (input a1, the hidden layers, output), a sample of
    connections between them, and each weight matrix W1, W2, ... named between its two layers.

    shown: how many dots each layer gets (8 per input or hidden layer, all 10 outputs)."""
    n = len(layer_sizes)
    shown = shown or (8,) * (n - 1) + (10,)
    fig = go.Figure()
    names = ["input a1", *(f"hidden a{i}" for i in range(2, n)), f"output a{n}"]
    xs = tuple(range(n))
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
    # All connections as one line trace with None gaps: one shape per line took seconds to build.
    lx, ly = [], []
    for (x0, y0s), (x1, y1s) in zip(zip(xs, positions), zip(xs[1:], positions[1:])):
        for y0 in y0s:
            for y1 in y1s:
                lx += [x0, x1, None]
                ly += [y0, y1, None]
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(width=0.5, color="rgba(120,120,120,0.35)")))
    fig.data = fig.data[-1:] + fig.data[:-1]  # lines underneath the units
    for i in range(1, n):
        fig.add_annotation(x=i - 0.5, y=1.1, text=f"<b>W{i}</b>", showarrow=False)
    fig.update_xaxes(visible=False, range=[-0.3, n - 0.6])
    fig.update_yaxes(visible=False, range=[-0.2, 1.2])
    fig.update_layout(title=title, height=340, margin=dict(l=5, r=5, t=30, b=5),
                      legend=dict(orientation="h", y=-0.05))
    return fig
