"""The guided tour: each question is checked against what the app shows, a miss gives a hint,
and the tour follows the learner from page to page."""

import numpy as np
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core import load_dataset
from ui import tour
from ui.jobs import wait_for_jobs


def home():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def question(at):
    return next(m.value for m in at.sidebar.markdown if m.value.startswith("**Tour · question"))


def reply(at, value):
    step = at.session_state["tour"]["step"]
    box = at.sidebar.number_input(key=f"tour_answer_{step}") if tour.STEPS[step].kind == "number" \
        else at.sidebar.radio(key=f"tour_answer_{step}")
    box.set_value(value).run()  # the browser reruns on the new answer; then Check is pressed
    return at.sidebar.button(key="tour_check").click().run()


def hints(at):
    return [w.value for w in at.sidebar.warning]


def test_the_tour_starts_from_home_checks_answers_and_follows_page_switches():
    at = home()
    assert not at.exception and "tour" not in at.session_state
    at.button(key="tour_start").click().run()
    assert question(at) == f"**Tour · question 1 of {len(tour.STEPS)}**"
    # 400 pixels + bias to 25 hidden units, 25 + bias to 10 outputs: counted here, not by the app.
    reply(at, 401 * 25)
    assert at.session_state["tour"]["step"] == 0 and hints(at)  # W2 forgotten: a hint
    assert "Multiply, then add" in hints(at)[0]
    reply(at, 401 * 25 + 26 * 10)
    assert question(at).startswith("**Tour · question 2") and not hints(at)

    at.switch_page("pages/1_Data_explorer.py").run()
    assert not at.exception and question(at).startswith("**Tour · question 2")  # it followed
    sevens = int(np.sum(load_dataset("mnist-20x20").y == 7))
    reply(at, sevens + 1)
    assert hints(at) and at.session_state["tour"]["step"] == 1
    reply(at, sevens)
    assert question(at).startswith("**Tour · question 3")


def test_a_question_about_something_not_done_yet_says_what_to_do_first():
    at = home()
    at.session_state["tour"] = {"step": 4, "missed": 0, "hint": None}  # "Draw a 7 …"
    at.switch_page("pages/4_Draw_and_predict.py").run()
    reply(at, 0.5)
    assert hints(at) == ["Not quite. Draw a 7 on the Draw and predict page first."]
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.run()
    shown = next(c.value for c in at.caption if c.value.startswith("a3 = "))  # "a3 = 0.65 for 7; …"
    reply(at, float(shown.split()[2]))
    assert question(at).startswith("**Tour · question 6")


def test_the_gradient_check_question_accepts_only_the_bug_hidden_by_lambda_0():
    at = home()
    at.session_state["tour"] = {"step": len(tour.STEPS) - 1, "missed": 0, "hint": None}
    at.run()
    reply(at, "use delta3 = y - a3 (sign error)")
    assert hints(at)
    reply(at, "regularize the bias too")  # with λ = 0 the penalty, and so its bias mistake, is 0
    assert any("Tour done" in m.value for m in at.sidebar.markdown)
    at.sidebar.button(key="tour_leave").click().run()
    assert "tour" not in at.session_state and at.button(key="tour_start")


def test_the_experiments_questions_wait_for_their_results_then_check_them():
    at = home()
    at.session_state["tour"] = {"step": 5, "missed": 0, "hint": None}  # "Run the λ sweep …"
    at.switch_page("pages/5_Experiments.py").run()
    assert any("Run the λ sweep on the Experiments page first" in c.value for c in at.sidebar.caption)
    assert "tour_check" not in [b.key for b in at.sidebar.button]  # nothing to answer with yet
    at.selectbox(key="exp_dataset").set_value("sklearn-8x8")
    at.number_input(key="exp_maxiter").set_value(3)
    at.run()
    for name in ("lambda", "seeds"):
        at.button(key=f"exp_{name}_run").click().run()
        wait_for_jobs(at.session_state)
        at.run()
    sweep = at.session_state["exp_outcomes"]["lambda"].result
    spread = at.session_state["exp_outcomes"]["seeds"].result
    best = sweep.values[int(np.argmax(sweep.validation_accuracy))]
    worst = next(v for v in sweep.values if v != best)
    reply(at, f"λ = {worst:g}")
    assert hints(at)
    reply(at, f"λ = {best:g}")
    assert question(at).startswith("**Tour · question 7")
    gap = np.max(sweep.validation_accuracy) - np.min(sweep.validation_accuracy)
    right = "yes" if gap > np.ptp(spread.validation_accuracy) else "no"
    reply(at, "no" if right == "yes" else "yes")
    assert hints(at)
    reply(at, right)
    assert question(at).startswith("**Tour · question 8")
