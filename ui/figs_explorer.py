"""The Data explorer's figures, and loading the user's own X.in / y.in into the session.

Figures: class counts, pixel histogram, the PCA map (one trace per digit, each
point carrying its example's index so a click can show that digit).
Loading: read_user_files parses uploads or paths in memory with nn_core's readers;
load_into_session puts the result in st.session_state["user_data"] or, on a
DataFormatError, leaves everything as it was and keeps the message to show.
"""

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from nn_core import DataFormatError, pca, read_mat, read_npz, read_seed_data, sample_indices

from . import state

PCA_POINTS = 2000  # points on the PCA map: enough to see the clusters, few enough to stay fast
DIGIT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
ERROR_KEY = "explorer_load_error"


# --- loading the user's data --------------------------------------------------------------

def read_user_files(x_src, y_src=None):
    """A Dataset from X.in + y.in (text), or from one .mat / .npz holding X and y.

    Sources are paths, bytes or uploaded files; nothing is written to disk.
    Raises DataFormatError saying what was expected and what was found.
    """
    if x_src is None:
        raise DataFormatError("no X file: expected X.in (one digit per row), a .mat or a .npz file")
    name = str(getattr(x_src, "name", x_src if isinstance(x_src, (str, Path)) else "X.in"))
    suffix = Path(name).suffix.lower()
    if suffix in (".mat", ".npz"):
        reader = read_mat if suffix == ".mat" else read_npz
        ds = reader(x_src).get("data")
        if ds is None:
            shown = getattr(x_src, "name", None) or Path(name).name  # an upload's name is not a path
            raise DataFormatError(f"{shown} holds no digits: expected arrays named X and y, "
                                  "found weights only or other names")
    else:
        if y_src is None:
            raise DataFormatError("y.in is missing: expected both X.in (one digit per row) and "
                                  "y.in (its labels), found only X")
        ds = read_seed_data(x_src, y_src)
    # The picker, the runs and the training cache tell data sets apart by name: give each
    # distinct upload its own, with a short fingerprint of its contents.
    h = hashlib.sha1(np.ascontiguousarray(ds.X).data)  # the buffer itself: no copy of X
    h.update(np.ascontiguousarray(ds.y).data)
    tag = h.hexdigest()[:6]
    return dataclasses.replace(ds, name=f"{ds.name or 'your data'} · {len(ds):,} digits · {tag}")


def load_into_session(x_src, y_src=None, picker_key="explorer_dataset"):
    """Parse the files; on success make them the session's user_data and pick them.

    On DataFormatError nothing changes except the error message kept under ERROR_KEY
    (the active model and the runs are never touched here). Returns the Dataset or None.
    """
    try:
        ds = read_user_files(x_src, y_src)
    except DataFormatError as err:
        st.session_state[ERROR_KEY] = str(err)
        return None
    st.session_state.pop(ERROR_KEY, None)
    st.session_state["user_data"] = ds
    st.session_state[picker_key] = ds.name
    return ds


def data_dir_files():
    """(X.in, y.in) paths in the repository's data/ folder, or None if either is missing."""
    x, y = state.DATA_DIR / "X.in", state.DATA_DIR / "y.in"
    return (x, y) if x.is_file() and y.is_file() else None


# --- figures ------------------------------------------------------------------------------

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
                      xaxis_title="pixel value", margin=dict(l=50, r=10, t=40, b=40), bargap=0.05)
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
        xaxis_title=f"principal component 1 ({ratio[0]:.0%})" if len(ratio) > 0 else "PC 1",
        yaxis_title=f"principal component 2 ({ratio[1]:.0%})" if len(ratio) > 1 else "PC 2",
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
