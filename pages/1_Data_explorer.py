"""Data explorer: the tutorial's displayData, and a closer look at the digits the wizard studies."""

import numpy as np
import streamlit as st

from nn_core import (
    MAX_DIGITS,
    MAX_PIXELS,
    MAX_X_BYTES,
    class_counts,
    class_means,
    pixel_histogram,
    sample_indices,
)
from ui import charts, nav, state
from ui import figs_explorer as fx
from ui.text import literal

st.set_page_config(page_title="Data explorer", page_icon="🔍", layout="wide")
nav.sidebar()
st.title("Data explorer: the digits the wizard studies")
st.write(
    "Before the wizard can read handwriting he studies thousands of examples: each one a small "
    "picture X (one row of pixel values between 0 and 1) and its answer y, the digit 0-9. "
    "Look at the data the way a data scientist would before training anything."
)

# --- which data -------------------------------------------------------------------------
with st.expander("Use your own X.in and y.in (or a .mat / .npz with X and y)"):
    st.caption("The tutorial's layout: X.in has one digit per row (comma-separated pixels, "
               "20x20 stored column by column), y.in the labels (10 means digit 0). "
               "Files are read in memory, never saved.")
    side = int(MAX_PIXELS**0.5)
    st.caption(f"At most {MAX_DIGITS:,} digits of at most {MAX_PIXELS:,} pixels ({side}x{side}), and "
               f"{MAX_X_BYTES // 1024**2} MB in all as 64-bit floats (digits x pixels x 8).")
    up1, up2 = st.columns(2)
    up1.file_uploader("X.in (or .mat / .npz)", type=["in", "txt", "csv", "mat", "npz"],
                      key="explorer_x_upload")
    up2.file_uploader("y.in", type=["in", "txt", "csv"], key="explorer_y_upload")
    st.button("Load these files", key="explorer_load", on_click=lambda: fx.load_into_session(
        st.session_state.get("explorer_x_upload"), st.session_state.get("explorer_y_upload")))
    if fx.data_dir_files():
        st.button("Use data/X.in and data/y.in", key="explorer_load_repo",
                  on_click=lambda: fx.load_into_session(*fx.data_dir_files()))
if fx.ERROR_KEY in st.session_state:
    st.error(f"Could not read your files: {literal(st.session_state[fx.ERROR_KEY].rstrip('.'))}. "
             "Nothing was changed: the data and your models are as they were.")

names = state.dataset_names()
if st.session_state.get("explorer_dataset") not in names:  # start with the active model's data
    trained_on = state.active_run().settings.dataset
    st.session_state["explorer_dataset"] = trained_on if trained_on in names else names[0]
name = st.selectbox("Data set", names, key="explorer_dataset")
ds = state.get_dataset(name)
m, shape = len(ds), ds.image_shape
c1, c2, c3 = st.columns(3)
c1.metric("examples m", f"{m:,}")
c2.metric("image size", f"{shape[0]} × {shape[1]}")
c3.metric("inputs n (pixels)", ds.n_inputs)
st.caption(f"Source: {ds.source or 'your own files'}")

# --- displayData(N, X, random selection) ------------------------------------------------
st.subheader("Random digits, with their labels")
left, right = st.columns([1, 4])
n = left.slider("N × N digits", 2, 10, 5, key="explorer_grid_n")
if left.button("Reshuffle", key="explorer_reshuffle"):
    st.session_state["explorer_grid_seed"] = st.session_state.get("explorer_grid_seed", 0) + 1
seed = st.session_state.get("explorer_grid_seed", 0)
left.caption(f"Random draw number {seed} (seeded: the same draw number shows the same digits).")
sel = sample_indices(m, n * n, seed=seed)
charts.show(right,
    charts.image_grid(ds.X[sel], shape, cols=n, titles=[f"{ds.y[i]}" for i in sel], ids=sel,
                      id_prefix="example #", px_per_row=max(60, 480 // n)),
    width="stretch", key="explorer_grid")

# --- one example, as in the tutorial's predict.py (testNo) --------------------------------
st.subheader("One example, and what the active model says")
if st.session_state.get("explorer_index_of") != name:  # a new data set starts at testNo again
    st.session_state["explorer_index"] = 3402 if m > 3402 else 0
    st.session_state["explorer_index_of"] = name
idx = int(st.number_input(f"Example number (testNo, 0 to {m - 1})", 0, m - 1,
                          key="explorer_index"))
img_col, info_col = st.columns([1, 2])
charts.show(img_col, charts.digit_image(ds.X[idx], shape, title=f"example #{idx}", height=320),
                     width="stretch", key="explorer_one")
run = state.active_run()
net = run.network
with info_col:
    a, b = st.columns(2)
    a.metric("label y (the answer)", int(ds.y[idx]))
    if net.n_inputs == ds.n_inputs:
        p = net.predict_proba(ds.X[idx])[0]
        b.metric("the wizard says", int(np.argmax(p)), f"{p.max():.0%} sure", delta_color="off",
                 delta_arrow="off")
        charts.show(st, charts.probability_bars(p, title=f"Output a3 of {run.label}"),
                        width="stretch", key="explorer_proba")
    else:
        st.info(
            f"The active model ({run.label}) takes {net.n_inputs} inputs, but these digits have "
            f"{ds.n_inputs} pixels ({shape[0]}×{shape[1]}), so it cannot read them. To see a "
            f"prediction here, train a model on **{name}** on the Train page (it becomes the "
            "active model), or pick the data set that model was trained on."
        )

# --- the whole data set at a glance -------------------------------------------------------
st.subheader("The whole data set at a glance")
g1, g2 = st.columns(2)
charts.show(g1, fx.count_bars(class_counts(ds.y)), width="stretch", key="explorer_counts")
charts.show(g2, fx.pixel_hist(*pixel_histogram(ds.X, bins=20)), width="stretch",
                key="explorer_pixels")
charts.show(st, charts.image_grid(np.nan_to_num(class_means(ds.X, ds.y)), shape, cols=10,
                                  titles=[f"mean {d}" for d in range(10)], id_prefix="mean digit ",
                                  px_per_row=130),
                width="stretch", key="explorer_means")
st.caption("The mean digit of each class: every example of that digit averaged pixel by pixel. "
           "Bright where most writers put ink, grey where they disagree.")

st.subheader("A map of the digits (PCA)")
if m < 2:
    st.info("A map needs at least two digits: this data set has one.")
    st.stop()
pidx, Z, ratio = fx.pca_map_data(ds.X, ds.y)
map_col, pick_col = st.columns([3, 1])
event_key = f"explorer_pca_{name}"
picked = fx.picked_index(st.session_state.get(event_key))
with map_col:
    charts.show(st, fx.pca_scatter(pidx, Z, ds.y, ratio, picked), width="stretch",
                    on_select="rerun", selection_mode="points", key=event_key)
with pick_col:
    if picked is None:
        st.info("Click a point on the map to see its digit here.")
    else:
        charts.show(st, charts.digit_image(ds.X[picked], shape, height=240,
                                           title=f"#{picked}: label {ds.y[picked]}"),
                        width="stretch", key="explorer_picked")
st.caption("Each dot is one digit. PCA turns its pixels into two numbers: how far it lies along "
           "the two directions in which the digits differ most. Digits that look alike land "
           "close together, so clusters of one colour are digits the wizard will find easy.")

with st.expander("The maths"):
    st.write("Each example is a row of X; displayData reshapes it back into a picture.")
    st.latex(r"X \in \mathbb{R}^{m \times n},\quad a_1 = X_i,\quad y_i \in \{0,\dots,9\}")
    st.write("The mean digit of class d, and the PCA map (centre X, then its SVD):")
    st.latex(r"\bar{x}_d = \frac{1}{m_d}\sum_{i:\,y_i=d} X_i,\qquad "
             r"X - \bar{x} = U S V^T,\qquad \text{map}_i = (X_i - \bar{x})\,[v_1\ v_2]")
    st.write("The wizard's guess is the output unit with the largest activation:")
    st.latex(r"a_3 = \mathrm{sigmoid}\big(W_2\,[1;\ \mathrm{sigmoid}(W_1 [1; a_1])]\big),"
             r"\qquad \hat{y} = \arg\max_k a_{3,k}")

st.info("**Experiment to try:** find a digit on the PCA map that sits in another digit's "
        "cluster (say a 4 among the 9s), click it, then type its number into the example box: "
        "does the wizard get it wrong too?")
