"""The Data explorer's longer sections, each drawn by one function.

- dataset_ui: the data set picker (starting on the active model's data) and its size.
- one_example: the tutorial's predict.py testNo: one digit, its label and the active model's answer.
- pca_map: every digit (up to figs_explorer.PCA_POINTS) on its two main directions; a click
  shows that digit.
"""

import streamlit as st

from . import charts, state
from . import figs_explorer as fx
from .glossary import explain

TEST_NO = 3402  # the example the tutorial's predict.py looks at first


def dataset_ui():
    """The picked data set's name and Dataset; a fresh session starts on the active model's data."""
    names = state.dataset_names()
    if st.session_state.get("explorer_dataset") not in names:
        trained_on = state.active_run().settings.dataset
        st.session_state["explorer_dataset"] = trained_on if trained_on in names else names[0]
    name = st.selectbox("Data set", names, key="explorer_dataset")
    ds = state.get_dataset(name)
    c1, c2, c3 = st.columns(3)
    c1.metric("examples m", f"{len(ds):,}")
    c2.metric("image size", f"{ds.image_shape[0]} × {ds.image_shape[1]}")
    c3.metric("inputs n (pixels)", ds.n_inputs)
    st.caption(f"Source: {ds.source or 'your own files'}")
    return name, ds


def one_example(ds, name):
    """Example number testNo (explorer_index), its label, and what the active model says."""
    st.subheader("One example, and what the active model says")
    m, shape = len(ds), ds.image_shape
    if st.session_state.get("explorer_index_of") != name:  # a new data set starts at testNo again
        st.session_state["explorer_index"] = TEST_NO if m > TEST_NO else 0
        st.session_state["explorer_index_of"] = name
    idx = int(st.number_input(f"Example number (testNo, 0 to {m - 1})", 0, m - 1,
                              key="explorer_index"))
    img_col, info_col = st.columns([1, 2])
    charts.show(img_col, charts.digit_image(ds.X[idx], shape, title=f"example #{idx}", height=320),
                width="stretch", key="explorer_one")
    img_col.caption(f"{shape[0]} × {shape[1]} pixels, one square each: black 0 (no ink) to white 1 "
                    "(ink).", help=explain("a1"))
    run = state.active_run()
    net = run.network
    with info_col:
        a, b = st.columns(2)
        a.metric("label y (the answer)", int(ds.y[idx]))
        if net.n_inputs != ds.n_inputs:
            st.info(
                f"The active model ({run.label}) takes {net.n_inputs} inputs, but these digits have "
                f"{ds.n_inputs} pixels ({shape[0]}×{shape[1]}), so it cannot read them. To see a "
                f"prediction here, train a model on **{name}** on the Train page (it becomes the "
                "active model), or pick the data set that model was trained on."
            )
            return
        p = net.predict_proba(ds.X[idx])[0]
        b.metric("the wizard says", int(p.argmax()), f"{p.max():.0%} sure", delta_color="off",
                 delta_arrow="off")
        bars = charts.probability_bars(p, title=f"Output a3 of {run.label}")
        bars.update_yaxes(title="activation a3 (0 to 1)")
        charts.show(st, bars, width="stretch", key="explorer_proba")
        st.caption("Each bar is one output unit's activation a3, from 0 (no) to 1 (sure): the "
                   "answer is the tallest.", help=explain("a3", "sigmoid", "L-BFGS-B", "seed"))


def pca_map(ds, name):
    """The PCA map (key explorer_pca_{name}) and, beside it, the digit last clicked on it."""
    pidx, Z, ratio = fx.pca_map_data(ds.X, ds.y)
    map_col, pick_col = st.columns([3, 1])
    event_key = f"explorer_pca_{name}"
    picked = fx.picked_index(st.session_state.get(event_key))
    with map_col:
        charts.show(st, fx.pca_scatter(pidx, Z, ds.y, ratio, picked), width="stretch",
                    on_select="rerun", selection_mode="points", key=event_key)
        st.caption("What to see: digits that look alike land close together, so each digit's colour "
                   "forms its own cloud; where two clouds overlap (often 4 and 9, or 3, 5 and 8) the "
                   "digits are hard to tell apart, for the network too.",
                   help=explain("PCA", "principal component"))
    with pick_col:
        if picked is None:
            st.info("Click a point on the map to see its digit here.")
        else:
            charts.show(st, charts.digit_image(ds.X[picked], ds.image_shape, height=240,
                                               title=f"#{picked}: label {ds.y[picked]}"),
                        width="stretch", key="explorer_picked")
