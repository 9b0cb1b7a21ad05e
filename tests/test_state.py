"""ui.state's run history: bounded per session, but the active run is never dropped."""

from types import SimpleNamespace

import streamlit as st

from ui import state
from ui.settings import Settings


def test_history_is_bounded_and_keeps_the_active_run():
    st.session_state["runs"] = []
    for i in range(state.MAX_RUNS + 10):
        state.add_run(SimpleNamespace(id=i), activate=(i == 0))
    ids = [r.id for r in state.runs()]
    assert len(ids) == state.MAX_RUNS
    assert st.session_state["active_run_id"] == 0 and 0 in ids
    assert ids[-1] == state.MAX_RUNS + 9  # the newest runs are the ones kept
    assert ids[1] == 11


def test_a_run_is_labelled_with_the_iterations_it_ran():
    asked = Settings(maxiter=1000)
    stopped = state.Run(1, asked, SimpleNamespace(n_iterations=37), accuracy={})
    assert "· 37 of 1000 it ·" in stopped.label and "· 1000 it" not in stopped.label
    full = state.Run(2, asked, SimpleNamespace(n_iterations=1000), accuracy={})
    assert "· 1000 it ·" in full.label  # ran all it was asked: no "of"
    assert "· 1000 it ·" in asked.label()  # settings alone: the maxiter asked
