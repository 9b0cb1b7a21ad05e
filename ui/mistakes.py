"""Where a model goes wrong on the validation digits: a confusion matrix to click, the digits of
the chosen cell, and the most confident mistakes (the Train page's section)."""

import numpy as np
import streamlit as st

import nn_core

from . import charts, figs_train


def show_mistakes(net, val):
    """The validation confusion matrix (click a cell: those digits) and the most confident mistakes."""
    proba = net.predict_proba(val.X)
    pred = proba.argmax(axis=1)
    C = nn_core.confusion_matrix(val.y, pred)
    st.subheader("Where it goes wrong (validation digits)")
    left, right = st.columns([1, 1])
    with left:
        event = charts.show(st, figs_train.clickable_confusion(C), on_select="rerun",
                                selection_mode="points", key="train_confusion",
                                config={"displayModeBar": False})
    cell = figs_train.clicked_cell(event)
    if cell is not None and cell != st.session_state.get("train_clicked"):
        st.session_state["train_clicked"] = cell
        st.session_state["train_true"], st.session_state["train_pred"] = cell
    if "train_true" not in st.session_state:  # start on the most frequent confusion
        off = C - np.diag(np.diag(C))
        st.session_state["train_true"], st.session_state["train_pred"] = map(
            int, np.unravel_index(off.argmax(), C.shape))
    with right:
        st.write("Click a cell of the matrix, or pick one here:")
        t_col, p_col = st.columns(2)
        t = t_col.selectbox("true digit", range(10), key="train_true")
        p = p_col.selectbox("predicted as", range(10), key="train_pred")
        picked = np.flatnonzero((val.y == t) & (pred == p))
        if len(picked):
            many = len(picked) > 1
            st.caption(f"{len(picked)} validation digit{'s' * many} {'are' if many else 'is'} {t} and "
                       f"{'were' if many else 'was'} read as {p}"
                       + (" (the first 12)" if len(picked) > 12 else "") + ":")
            charts.show(st, figs_train.digits_with_answers(val.X, val.image_shape, val.y, pred, proba,
                                                           picked[:12], cols=4), key="train_cell_digits")
        else:
            st.info(f"No validation digit {t} was read as {p}.")

    wrong = nn_core.mistakes(val.y, pred)
    st.subheader(f"Its most confident mistakes: {len(wrong)} of {len(val)} validation digits are wrong")
    if len(wrong):
        worst = wrong[np.argsort(-proba[wrong, pred[wrong]])][:16]
        charts.show(st, figs_train.digits_with_answers(val.X, val.image_shape, val.y, pred, proba, worst),
                        key="train_mistakes")
        st.caption("The number is the output unit's activation a3 for the digit it said.")
