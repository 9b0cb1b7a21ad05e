"""A guided first visit: questions a learner answers with the app, checked, with a hint after a miss.

How it works
1. STEPS is the tour, in order. Each Step names the page where its answer is found, asks a
   question, and has a check(answer) that works the true answer out from what this session shows
   (the active model, its data, the user's runs and drawings), never from a stored number.
2. The tour lives in the sidebar that every page draws (ui.nav.sidebar calls sidebar_box), so it
   follows the learner from page to page; its progress is kept in st.session_state["tour"] and
   survives page switches.
3. A check returns (right, hint): a wrong answer shows the step's hint, or a hint of the check's
   own when something must be done first ("draw a 7 first").
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from nn_core import BUGS, class_counts, gradient_check, mean_activation_per_class, small_problem

from . import experiment_runs, state

KEY = "tour"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Step:
    page: str  # the file whose page shows the answer
    page_label: str
    question: str
    kind: str  # "number" or "choice"
    check: Callable  # check(answer) -> (right, hint or None)
    hint: str
    options: Callable = None  # for "choice": options() -> list of str
    step: float = 1.0  # for "number": the answer box's step


def _weights(answer):
    return round(answer) == sum(w.size for w in state.active_run().network.weights), None


def _sevens(answer):
    y = state.get_dataset("mnist-20x20").y
    return round(answer) == int(class_counts(y)[7]), None


def _lambda_race(answer):
    by_lambda = {}
    for run in state.runs():  # oldest first: the newest run of each λ wins
        if run.settings.lambd in (0.0, 3.0) and state.measured(run.accuracy["validation"]):
            by_lambda[run.settings.lambd] = run.accuracy["validation"]
    if len(by_lambda) < 2:
        return False, "Train both first: one run with λ = 0 and one with λ = 3, the rest the same."
    best = max(by_lambda, key=by_lambda.get)
    return answer == f"λ = {best:g}", None


def _zero_detector(answer):
    run = state.active_run()
    try:
        split = state.get_split(run.settings.dataset)
    except ValueError:
        return False, "The active model's digits are not in this session: train a model first."
    means = mean_activation_per_class(run.network.forward(split.train.X).a2, split.train.y)
    # How much more the unit fires for 0s than for the other digits, on average.
    for_zero = means[0] - np.nanmean(means[1:], axis=0)
    top = np.argsort(-for_zero)[:3]
    unit = round(answer)
    return unit in top, None if 0 <= unit < len(for_zero) else (
        f"The units are numbered 0 to {len(for_zero) - 1}.")


def _sure_of_seven(answer):
    x = st.session_state.get("draw_vector")
    if x is None:
        return False, "Draw a 7 on the Draw and predict page first."
    p = state.active_run().network.predict_proba(x)[0]
    if int(np.argmax(p)) != 7:
        return False, f"The network reads your drawing as {int(np.argmax(p))}, not 7: draw the 7 again."
    return abs(answer - float(p.max())) <= 0.02, None


def _broken_but_passing(answer):
    net, X, y = small_problem(3, 5, 5)
    passing = [bug for bug in _bugs() if gradient_check(net, X, y, 0.0, cost_fn=BUGS[bug])
               .relative_difference < 1e-7]
    return answer in passing, None


def _sweep(name):
    outcome = experiment_runs.outcomes().get(name)
    return None if outcome is None else outcome.result


def _lambda_options():
    sweep = _sweep("lambda")
    return [f"λ = {v:g}" for v in sweep.values] if sweep is not None else []


def _best_lambda(answer):
    sweep = _sweep("lambda")
    if sweep is None or sweep.best is None:
        return False, "Run the λ sweep on the Experiments page first."
    return answer == f"λ = {sweep.values[sweep.best]:g}", None


def _beats_noise(answer):
    sweep, spread = _sweep("lambda"), _sweep("seeds")
    if sweep is None or spread is None or not len(sweep.values) or not len(spread.values):
        return False, "Run both the λ sweep and the seed spread on the Experiments page first."
    gap = np.max(sweep.validation_accuracy) - np.min(sweep.validation_accuracy)
    noise = np.ptp(spread.validation_accuracy)
    return answer == ("yes" if gap > noise else "no"), None


def _bugs():
    return [b for b in BUGS if b != "correct backprop"]


STEPS = (
    Step("app.py", "Home",
         "How many weights (W1 and W2 together, biases included) does the active network have?",
         "number", _weights,
         "W1 has one row per hidden unit and one column per pixel plus one for the bias; W2 one "
         "row per digit and one column per hidden unit plus the bias. Multiply, then add."),
    Step("pages/1_Data_explorer.py", "Data explorer",
         "How many 7s are there in the mnist-20x20 data set?", "number", _sevens,
         "The class counts chart has one bar per digit: hover over the bar of the 7."),
    Step("pages/2_Train.py", "Train",
         "Train two models that differ only in λ: λ = 0 and λ = 3. Which reaches the higher "
         "validation accuracy?", "choice", _lambda_race,
         "Look at the runs chart under the training: the validation bars of the two runs.",
         options=lambda: ["λ = 0", "λ = 3"]),
    Step("pages/3_Hidden_units.py", "Hidden units",
         "Find a hidden unit of the active model that fires for 0s. What is its number?",
         "number", _zero_detector,
         "Pick a unit and look at its mean activation per digit: the bar of the 0 should stand "
         "out above the others."),
    Step("pages/4_Draw_and_predict.py", "Draw and predict",
         "Draw a 7. How sure is the network (the a3 of the digit it says, from 0 to 1)?",
         "number", _sure_of_seven,
         "The number under the answer reads 'a3 = … for 7'.", step=0.01),
    Step("pages/5_Experiments.py", "Experiments",
         "Run the λ sweep. Which λ reads the validation digits best?", "choice", _best_lambda,
         "The λ sweep's chart marks the best validation accuracy; hover over the highest point.",
         options=_lambda_options),
    Step("pages/5_Experiments.py", "Experiments",
         "Now run the seed spread too. Is the gap between the best and the worst λ bigger than "
         "the spread between the best and the worst seed?", "choice", _beats_noise,
         "Compare the λ sweep's highest and lowest validation accuracy with the height of the "
         "seed spread's box plot, whiskers included.", options=lambda: ["yes", "no"]),
    Step("pages/6_Inside_the_network.py", "Inside the network",
         "Set λ = 0 for the gradient check. Which broken backprop then passes the check?",
         "choice", _broken_but_passing,
         "Try each broken backprop with λ = 0: one of them only goes wrong when λ is not 0.",
         options=_bugs),
)


def progress():
    """{"step": index into STEPS (len(STEPS) when done), "missed": wrong answers to this step}."""
    return st.session_state.get(KEY)


def start():
    st.session_state[KEY] = {"step": 0, "missed": 0, "hint": None}


def leave():
    st.session_state.pop(KEY, None)


def answer():
    """Check the answer to the current step (Check's callback, so the answer box holds what the
    learner typed): right moves on, wrong keeps the step with a hint."""
    tour = progress()
    step = STEPS[tour["step"]]
    right, hint = step.check(st.session_state[f"tour_answer_{tour['step']}"])
    if right:
        st.session_state[KEY] = {"step": tour["step"] + 1, "missed": 0, "hint": None}
    else:
        st.session_state[KEY] = {**tour, "missed": tour["missed"] + 1, "hint": hint or step.hint}


def sidebar_box():
    """The current step in the sidebar: question, answer, Check; a link to the page it is about."""
    tour = progress()
    if tour is None:
        return
    i = tour["step"]
    with st.container(border=True):
        if i >= len(STEPS):
            st.markdown("**Tour done!** You found every answer with the app itself.")
            st.button("Close the tour", key="tour_leave", on_click=leave)
            return
        step = STEPS[i]
        st.markdown(f"**Tour · question {i + 1} of {len(STEPS)}**")
        st.write(step.question)
        try:
            st.page_link(str(ROOT / step.page), label=f"Answer it on {step.page_label}",
                         icon=":material/arrow_forward:")
        except StreamlitPageNotFoundError:  # a page run on its own (AppTest): no other pages
            st.caption(f"The answer is on {step.page_label}.")
        key = f"tour_answer_{i}"
        options = step.options() if step.kind == "choice" else None
        if step.kind == "number":
            value = st.number_input("Your answer", min_value=0.0, step=step.step, format="%g", key=key,
                                    value=None)
        elif options:
            value = st.radio("Your answer", options, key=key, index=None)
        else:  # the options come from a result this session does not have yet
            value = None
            st.caption(step.check(None)[1])
        if step.kind == "number" or options:
            st.button("Check", key="tour_check", on_click=answer, disabled=value is None)
        if tour["hint"]:
            st.warning(f"Not quite. {tour['hint']}")
        st.button("Leave the tour", key="tour_leave", on_click=leave)
