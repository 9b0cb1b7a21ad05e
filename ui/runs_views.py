"""The Train page's "Your runs": the table of this session's runs, the runs chart, the verdict
of a one-knob comparison (run_comparison), the picker that makes a run active, and the button
that shares the active run with the session's class (class_board)."""

import streamlit as st

from . import charts, class_board, experiment_runs, figs_train, run_comparison, state
from .glossary import explain

HISTORY_COLUMNS = {
    "run": st.column_config.NumberColumn("run", format="#%d", width="small"),
    "active": st.column_config.CheckboxColumn("active", width="small"),
    "train": st.column_config.NumberColumn("train %", format="%.1f"),
    "validation": st.column_config.NumberColumn("validation %", format="%.1f"),
    "test": st.column_config.NumberColumn("test %", format="%.1f"),
    "seconds": st.column_config.NumberColumn("seconds", format="%.1f"),
    "settings": st.column_config.TextColumn("settings", width="large"),
    "message": st.column_config.TextColumn("message", width="large",
                                           help="What the optimizer said when it stopped."),
}


def history_rows(runs, active_id):
    """One row per run for st.dataframe: settings, accuracies (%), iterations, time, message."""
    return [{"run": r.id, "active": r.id == active_id, "settings": r.settings.label(r.result.n_iterations),
             "train": 100 * r.accuracy["train"], "validation": 100 * r.accuracy["validation"],
             "test": 100 * r.accuracy["test"], "iterations": r.result.n_iterations,
             "seconds": r.result.seconds, "message": r.result.message} for r in runs]



def _seed_spread():
    """Validation accuracies of the seed spread experiment, if it ran in this session."""
    outcome = experiment_runs.outcomes().get("seeds")
    return None if outcome is None else getattr(outcome.result, "validation_accuracy", None)


def your_runs(run):
    """Every run of the session (the default model first) compared, and a way to switch."""
    st.subheader("Your runs", help=explain("overfitting"))
    every = [state.default_run()] + state.runs()
    st.dataframe(history_rows(every, run.id), hide_index=True, column_config=HISTORY_COLUMNS,
                 key="train_history")
    compared = every if len(every) <= 2 else every[1:]  # two runs of yours: without the default
    knob = run_comparison.knob_that_differs(compared)
    shown = compared if knob else every
    labels, order = run_comparison.chart_axis(shown, knob)
    charts.show(st, figs_train.runs_chart(history_rows(shown, run.id), labels, order,
                                          run_comparison.KNOB_NAMES.get(knob, "run")),
                key="train_runs_chart")
    verdict = run_comparison.verdict(compared, knob, run_comparison.seed_noise(compared, _seed_spread()))
    if verdict:
        st.info(verdict)
    st.caption("Validation accuracy decides between runs. The test digits are kept for the end: look "
               "at the test accuracy once, for the run you chose, so that choosing cannot flatter it.")
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    labels = {r.id: r.label for r in every}
    chosen = pick_col.selectbox("model", [r.id for r in reversed(every)], format_func=labels.get,
                                key="train_pick")
    if button_col.button("Make it the active model", key="train_activate", disabled=chosen == run.id):
        state.set_active(chosen)
        st.rerun()
    class_board.share_ui(run)  # "Share this run with my class", when the session is in a class
