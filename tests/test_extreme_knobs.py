"""Every knob pushed to its end: hidden 1 and 400, λ 0 and 100, maxiter 1 and 1000, and a
learning rate that makes gradient descent blow up. Nothing crashes; divergence is caught,
training stops, and the Train page says what happened and what to try.

nn_core is tested on 300 digits (the expensive ends cost well under a second there); the Train
page runs each end in AppTest, on the full training split where cheap and on the 8x8 digits
for the 1000 iterations.
"""


import numpy as np
import pytest
from canvas_values import CANVAS_KEY, canvas_value
from conftest import ROOT
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core.digits.datasets import load_dataset, split_dataset, stratified_subset
from ui import state
from ui.jobs import wait_for_jobs
from ui.settings import LAMBDA_MAX, LR_MAX, MAXITER_MAX, Settings

PAGE = str(ROOT / "pages" / "2_Train.py")
HIDDEN_MAX = nn_core.HIDDEN_RANGE[1]


@pytest.fixture(scope="module")
def small():
    """300 training digits (30 of each), 20x20."""
    train = split_dataset(load_dataset("mnist-20x20"), seed=0).train
    idx = stratified_subset(train.y, 300, seed=0)
    return train.X[idx], train.y[idx]


def finite(net):
    return np.isfinite(net.W1).all() and np.isfinite(net.W2).all()


# --- nn_core ------------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden", [1, HIDDEN_MAX])
def test_the_smallest_and_largest_hidden_layers_train(small, hidden):
    X, y = small
    result = nn_core.train(X, y, hidden_size=hidden, maxiter=3, seed=1)
    net = result.network
    assert net.W1.shape == (hidden, 401) and net.W2.shape == (10, hidden + 1)
    assert finite(net) and not result.diverged and result.n_iterations == 3
    assert result.history[-1].cost < result.history[0].cost or hidden == 1
    assert set(np.unique(net.predict(X))) <= set(range(10))


def test_lambda_0_and_100_both_train_and_100_keeps_the_weights_small(small):
    X, y = small
    free = nn_core.train(X, y, hidden_size=10, lambd=0.0, maxiter=20, seed=2)
    tied = nn_core.train(X, y, hidden_size=10, lambd=LAMBDA_MAX, maxiter=20, seed=2)
    for r in (free, tied):
        assert finite(r.network) and not r.diverged and np.isfinite(r.final_cost)

    def size(net):
        return np.sum(net.W1[:, 1:] ** 2) + np.sum(net.W2[:, 1:] ** 2)

    assert size(tied.network) < size(free.network) / 10  # the penalty did its job
    assert free.network.accuracy(X, y) > tied.network.accuracy(X, y)  # and costs accuracy here


def test_maxiter_1_is_one_step_and_1000_is_honoured(small):
    X, y = small
    one = nn_core.train(X, y, hidden_size=5, maxiter=1)
    assert one.n_iterations == 1 and "maxiter = 1 " in one.message + " "
    lbfgs = nn_core.train(X, y, hidden_size=5, maxiter=MAXITER_MAX, seed=3)
    assert 1 <= lbfgs.n_iterations <= MAXITER_MAX and finite(lbfgs.network)
    assert lbfgs.converged or lbfgs.n_iterations == MAXITER_MAX
    crawl = nn_core.train(X[:50], y[:50], hidden_size=2, maxiter=MAXITER_MAX, method="GD",
                          learning_rate=1e-4)  # never converges: runs to the cap exactly
    assert crawl.n_iterations == MAXITER_MAX and not crawl.converged and not crawl.diverged
    assert "maxiter = 1000" in crawl.message


@pytest.mark.parametrize("lambd", [0.0, 1.0, LAMBDA_MAX])
def test_gd_with_the_largest_learning_rate_is_caught_diverging_and_stops(small, lambd):
    X, y = small
    seen = []
    result = nn_core.train(X, y, hidden_size=25, lambd=lambd, maxiter=200, method="GD",
                           learning_rate=LR_MAX, callback=lambda step, net: seen.append(step))
    assert result.diverged and not result.converged
    assert result.n_iterations < 200  # stopped, not carried on to maxiter
    assert len(seen) < result.n_iterations + 1  # the callback is not called after the blow-up
    assert "learning rate" in result.message and "smaller" in result.message  # advice
    assert finite(result.network)  # the weights handed back can still be drawn
    start = nn_core.Network.random(X.shape[1], 25, seed=0)  # where train() started
    J0 = nn_core.cost_and_gradient(start, X, y, lambd)[0]
    assert result.history[-1].cost > 10 * J0 or not np.isfinite(result.history[-1].cost)


def test_a_learning_rate_that_is_fine_does_not_count_as_divergence(small):
    X, y = small
    result = nn_core.train(X, y, hidden_size=10, maxiter=30, method="GD", learning_rate=1.0)
    assert not result.diverged and result.final_cost < result.history[0].cost


@pytest.mark.parametrize("knobs, words", [
    ({"hidden_size": 0}, "hidden_size"), ({"hidden_size": 100_000}, "hidden_size"),
    ({"maxiter": 0}, "maxiter"), ({"maxiter": 10**6}, "maxiter"),
    ({"lambd": -1}, "lambda"), ({"lambd": float("nan")}, "lambda"), ({"lambd": float("inf")}, "lambda"),
    ({"method": "GD", "learning_rate": 0}, "learning_rate"),
    ({"method": "GD", "learning_rate": float("inf")}, "learning_rate"),
    ({"method": "SGD"}, "method"),
])
def test_knobs_beyond_their_ends_are_refused_with_a_message(small, knobs, words):
    X, y = small
    with pytest.raises(nn_core.DataFormatError, match=words):
        nn_core.train(X, y, **knobs)


# --- the Train page ------------------------------------------------------------------------------

def page(**knobs):
    """The Train page with these knobs set (widget key suffix -> value)."""
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    for key in ("dataset", "method"):
        if key in knobs:
            getattr(at, "selectbox" if key == "dataset" else "radio")(key=f"train_{key}").set_value(
                knobs.pop(key))
            at.run()
    if "lambd" in knobs:
        at.select_slider(key="train_lambd").set_value(knobs.pop("lambd"))
    if "lr" in knobs:
        at.number_input(key="train_lr").set_value(knobs.pop("lr"))
    for key, value in knobs.items():
        (at.number_input if key == "seed" else at.slider)(key=f"train_{key}").set_value(value)
    return at.run()


def train(at):
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["runs"][-1]


def shown(at):
    return {kind: " ".join(m.value for m in getattr(at, kind)) for kind in ("success", "warning", "error")}


@pytest.mark.parametrize("hidden, maxiter", [(1, 2), (HIDDEN_MAX, 1)])
def test_page_trains_1_and_400_hidden_units(hidden, maxiter):
    at = page(hidden_size=hidden, maxiter=maxiter, seed=11)
    run = train(at)
    assert run.network.hidden_size == hidden and run.result.n_iterations == maxiter
    assert at.session_state["active_run_id"] == run.id
    assert any(run.label in m.value for m in at.markdown)  # the page shows it as the active model
    assert f"maxiter = {maxiter}" in shown(at)["warning"]  # "more iterations may help"


@pytest.mark.parametrize("lambd", [0.0, LAMBDA_MAX])
def test_page_trains_with_lambda_0_and_100(lambd):
    at = page(lambd=lambd, hidden_size=5, maxiter=3, seed=12)
    run = train(at)
    assert run.settings.lambd == lambd and np.isfinite(run.result.final_cost)
    assert not shown(at)["error"]


def test_page_maxiter_1_and_1000():
    run = train(page(hidden_size=3, maxiter=1, seed=13))
    assert run.result.n_iterations == 1
    # maxiter at its end, where it is cheap: 2 hidden units on the 8x8 digits, which L-BFGS-B
    # settles before the cap (1000 forced iterations are tested in nn_core above).
    at = page(dataset="sklearn-8x8", hidden_size=2, maxiter=MAXITER_MAX, seed=13)
    run = train(at)
    assert run.settings == Settings(dataset="sklearn-8x8", hidden_size=2, maxiter=1000, seed=13)
    assert 1 <= run.result.n_iterations <= MAXITER_MAX and not run.result.diverged
    assert (f"after {run.result.n_iterations} iterations" in shown(at)["success"]
            or "maxiter = 1000" in shown(at)["warning"])


def test_page_says_a_diverging_run_blew_up_stops_it_and_keeps_the_previous_model():
    at = page(hidden_size=5, maxiter=2, seed=14)
    good = train(at)
    at.radio(key="train_method").set_value("GD").run()
    at.number_input(key="train_lr").set_value(LR_MAX)
    at.slider(key="train_maxiter").set_value(MAXITER_MAX)
    bad = train(at.run())
    assert bad.result.diverged and bad.result.n_iterations < MAXITER_MAX  # stopped early
    error = shown(at)["error"]
    assert "blew up" in error and "iteration" in error  # what happened, and when
    assert "smaller" in error and "learning rate" in error and "L-BFGS-B" in error  # what to try
    assert "previous model stays active" in error
    assert at.session_state["active_run_id"] == good.id  # the user's model is still in use
    assert [r.id for r in at.session_state["runs"]] == [good.id, bad.id]  # kept to compare


# --- every page with the extreme models active ---------------------------------------------------

def canvas_payload():
    """What the browser's canvas sends for a drawn "1": a white bar on black, as a PNG."""
    img = np.zeros((300, 300, 4), np.uint8)
    img[..., 3] = 255
    img[40:260, 135:165, :3] = 255
    return canvas_value(img)


@pytest.fixture(scope="module")
def extreme_runs(small):
    X, y = small
    runs = {}
    for hidden in (1, HIDDEN_MAX):
        result = nn_core.train(X, y, hidden_size=hidden, maxiter=2, seed=5)
        state.freeze(result.network)
        runs[hidden] = state.make_run(Settings(hidden_size=hidden, maxiter=2, seed=5), result)
    return runs


EXTREME_PAGES = [(page_file, hidden) for hidden in (1, HIDDEN_MAX)
                 for page_file in ("3_Hidden_units.py", "6_Inside_the_network.py", "4_Draw_and_predict.py")]
# The Grade page draws every hidden unit's image at once: 400 take seconds (reported), so 1 only.
EXTREME_PAGES.append(("7_Grade_weights.py", 1))


@pytest.mark.parametrize("page_file, hidden", EXTREME_PAGES)
def test_pages_that_draw_hidden_units_cope_with_1_and_400(extreme_runs, page_file, hidden):
    run = extreme_runs[hidden]
    at = AppTest.from_file(str(ROOT / "pages" / page_file), default_timeout=60)
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = run.id
    if page_file.startswith("4_"):  # a drawing, so the hidden units' votes and saliency are drawn
        at.session_state[CANVAS_KEY] = canvas_payload()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page_file.startswith("4_"):
        assert any("which hidden units voted" in h.value for h in at.subheader)
    assert at.session_state["runs"] == [run] and at.session_state["active_run_id"] == run.id
    assert not any("Traceback" in e.value for e in at.error)
