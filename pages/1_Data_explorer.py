"""Data explorer: the tutorial's displayData, and a closer look at the digits the wizard studies."""

import streamlit as st

from nn_core import class_counts, pixel_histogram
from ui import charts, data_upload, nav
from ui import explorer_views as views
from ui import figs_explorer as fx
from ui.glossary import explain

st.set_page_config(page_title="Data explorer", page_icon="🔍", layout="wide")
nav.sidebar()
st.title("Data explorer: the digits the wizard studies")
st.write(
    "Before the wizard can read handwriting he studies thousands of examples: each one a small "
    "picture X (one row of pixel values between 0 and 1) and its answer y, the digit 0-9. "
    "Look at the data the way a data scientist would before training anything."
)

# --- which data -------------------------------------------------------------------------
data_upload.upload_ui()
name, ds = views.dataset_ui()

# --- displayData(N, X, random selection) ------------------------------------------------
st.subheader("Random digits, with their labels")
left, right = st.columns([1, 4])
n = left.slider("N × N digits", 2, 10, 5, key="explorer_grid_n")
if left.button("Reshuffle", key="explorer_reshuffle"):
    st.session_state["explorer_grid_seed"] = st.session_state.get("explorer_grid_seed", 0) + 1
seed = st.session_state.get("explorer_grid_seed", 0)
left.caption(f"Random draw number {seed} (seeded: the same draw number shows the same digits). "
             "Each square is one pixel: black 0 (no ink) to white 1 (ink).", help=explain("seed"))
charts.show(right, fx.random_grid(ds, n, seed), width="stretch", key="explorer_grid")

# --- one example, as in the tutorial's predict.py (testNo) --------------------------------
views.one_example(ds, name)

# --- the whole data set at a glance -------------------------------------------------------
st.subheader("The whole data set at a glance")
g1, g2 = st.columns(2)
charts.show(g1, fx.count_bars(class_counts(ds.y)), width="stretch", key="explorer_counts")
charts.show(g2, fx.pixel_hist(*pixel_histogram(ds.X, bins=20)), width="stretch",
            key="explorer_pixels")
charts.show(st, fx.mean_digits(ds), width="stretch", key="explorer_means")
st.caption("The mean digit of each class: every example of that digit averaged pixel by pixel "
           "(0 = black, no ink, to 1 = white ink). "
           "Bright where most writers put ink, grey where they disagree.")

st.subheader("A map of the digits (PCA)")
if len(ds) < 2:
    st.info("A map needs at least two digits: this data set has one.")
    st.stop()
views.pca_map(ds, name)
st.caption("Each dot is one digit. PCA turns its pixels into two numbers: how far it lies along "
           "the two directions in which the digits differ most. Digits that look alike land "
           "close together, so clusters of one colour are digits the wizard will find easy.")

with st.expander("The maths"):
    st.write("Each example is a row of X; displayData reshapes it back into a picture.")
    st.latex(r"X \in \mathbb{R}^{m \times n},\quad a_1 = X_i,\quad y_i \in \{0,\dots,9\}")
    st.write("The mean digit of class d, and the PCA map (centre X, then its SVD):")
    st.latex(r"\bar{x}_d = \frac{1}{m_d}\sum_{i:\,y_i=d} X_i,\qquad "
             r"X - \bar{x} = U S V^T,\qquad \text{map}_i = (X_i - \bar{x})\,[v_1\ v_2]")
    st.markdown("The wizard's guess is the output unit with the largest activation:",
                help=explain("a1", "a3", "W1", "W2", "sigmoid"))
    st.latex(r"a_3 = \mathrm{sigmoid}\big(W_2\,[1;\ \mathrm{sigmoid}(W_1 [1; a_1])]\big),"
             r"\qquad \hat{y} = \arg\max_k a_{3,k}")

st.info("**Experiment to try:** find a digit on the PCA map that sits in another digit's "
        "cluster (say a 4 among the 9s), click it, then type its number into the example box: "
        "does the wizard get it wrong too?")
