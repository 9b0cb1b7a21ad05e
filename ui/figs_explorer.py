"""The Data explorer's figures: random digits, class counts, pixel histogram, mean digits, PCA map.

The PCA map has one trace per digit, each point carrying its example's index so that a
click can show that digit (picked_index reads the click back).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from nn_core import class_means, pca, sample_indices

from . import charts

PCA_POINTS = 2000  # points on the PCA map: enough to see the clusters, few enough to stay fast
DIGIT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def random_grid(ds, n, seed):
    """displayData: n x n digits drawn at random (seeded) from ds, titled with their labels."""
    sel = sample_indices(len(ds), n * n, seed=seed)
    return charts.image_grid(ds.X[sel], ds.image_shape, cols=n, titles=[f"{ds.y[i]}" for i in sel],
                             ids=sel, id_prefix="example #", px_per_row=max(60, 480 // n))


def mean_digits(ds):
    """The mean digit of each class, 0 to 9 (black where a class has no examples)."""
    return charts.image_grid(np.nan_to_num(class_means(ds.X, ds.y)), ds.image_shape, cols=10,
                             titles=[f"mean {d}" for d in range(10)], id_prefix="mean digit ",
                             px_per_row=130)


def count_bars(counts):
    fig = go.Figure(go.Bar(x=[str(d) for d in range(len(counts))], y=counts,
                           marker_color=list(DIGIT_COLOURS[: len(counts)]),
                           hovertemplate="digit %{x}: %{y} examples<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_layout(title="How many examples of each digit", height=300,
                      xaxis_title="digit (label in y)", yaxis_title="number of examples",
                      margin=dict(l=50, r=10, t=40, b=40))
    return fig


def pixel_hist(counts, edges):
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(go.Bar(x=centres, y=counts, width=np.diff(edges), marker_color="#555",
                           customdata=np.column_stack([edges[:-1], edges[1:]]),
                           hovertemplate="%{customdata[0]:.2f} to %{customdata[1]:.2f}: "
                                         "%{y} pixels<extra></extra>"))
    fig.update_yaxes(type="log", dtick=1, title="number of pixels (log scale)")
    fig.update_layout(title="Pixel values (0 = black background, 1 = white ink)", height=300,
                      xaxis_title="pixel value (brightness, 0 to 1)",
                      margin=dict(l=50, r=10, t=40, b=40), bargap=0.05)
    return fig


@st.cache_data(show_spinner="Finding the two main directions (PCA)…", max_entries=8)
def pca_map_data(X, y, seed=0):
    """Up to PCA_POINTS sampled examples: their indices, 2-D PCA positions and explained shares."""
    idx = np.sort(sample_indices(len(X), PCA_POINTS, seed=seed))
    fitted = pca(X[idx], k=2)
    return idx, fitted.transform(X[idx]), fitted.explained_ratio


def pca_scatter(idx, Z, y, ratio, picked=None):
    """The PCA map: one colour (and legend entry) per digit; customdata holds each example's index."""
    fig = go.Figure()
    for d in range(10):
        mask = y[idx] == d
        if not mask.any():
            continue
        fig.add_trace(go.Scattergl(
            x=Z[mask, 0], y=Z[mask, 1], mode="markers", name=f"digit {d}",
            marker=dict(size=5, color=DIGIT_COLOURS[d], opacity=0.75),
            customdata=idx[mask],
            hovertemplate=f"example #%{{customdata}} · digit {d}<extra></extra>",
        ))
    if picked is not None:
        pos = np.searchsorted(idx, picked)
        if pos < len(idx) and idx[pos] == picked:
            fig.add_trace(go.Scatter(x=[Z[pos, 0]], y=[Z[pos, 1]], mode="markers",
                                     name=f"#{picked}", hoverinfo="skip", showlegend=False,
                                     marker=dict(size=16, color="rgba(0,0,0,0)",
                                                 line=dict(width=2, color="black"))))
    share = ratio.sum() if len(ratio) else 0.0
    fig.update_layout(
        title=f"{len(idx)} digits on their two main directions ({share:.0%} of the variance)",
        xaxis_title=(f"principal component 1 ({ratio[0]:.0%} of the variance; pixel-value units)"
                     if len(ratio) > 0 else "principal component 1"),
        yaxis_title=(f"principal component 2 ({ratio[1]:.0%} of the variance; pixel-value units)"
                     if len(ratio) > 1 else "principal component 2"),
        height=480, margin=dict(l=50, r=10, t=40, b=40), legend_title="label",
    )
    return fig


def picked_index(event):
    """The example index of the point clicked on the PCA map, or None."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    for p in points or []:
        data = p.get("customdata")
        if data is not None:
            return int(np.ravel(data)[0])
    return None
