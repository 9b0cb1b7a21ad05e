"""Training: reaches the tutorial's accuracy, is reproducible, stops when asked, reports divergence."""

import numpy as np
import pytest

from nn_core import DataFormatError, Network, train
from nn_core.digits.datasets import load_dataset, split_dataset


@pytest.fixture(scope="module")
def split():
    return split_dataset(load_dataset("mnist-20x20"), seed=0)


@pytest.fixture(scope="module")
def default_result(split):
    return train(split.train.X, split.train.y)


def test_defaults_reach_the_tutorials_accuracy(split, default_result):
    net = default_result.network
    assert net.layer_sizes == (400, 25, 10)
    assert net.accuracy(split.train.X, split.train.y) >= 0.95
    held_out = np.concatenate([split.validation.y, split.test.y])
    X_held = np.vstack([split.validation.X, split.test.X])
    assert net.accuracy(X_held, held_out) >= 0.91


def test_history_records_every_iteration(default_result):
    h = default_result.history
    assert [s.iteration for s in h] == list(range(1, 51))
    assert h[-1].cost < h[0].cost
    assert all(b.n_evals >= a.n_evals for a, b in zip(h, h[1:]))
    assert all(b.seconds >= a.seconds for a, b in zip(h, h[1:]))
    assert "maxiter" in default_result.message and not default_result.converged


def test_same_seed_same_weights_and_init_is_not_changed(split):
    X, y = split.train.X[:500], split.train.y[:500]
    start = Network.random(400, 8, seed=3)
    before = start.copy()
    a = train(X, y, hidden_size=8, maxiter=10, init=start)
    b = train(X, y, hidden_size=8, maxiter=10, init=start)
    assert a.network == b.network
    assert start == before
    c = train(X, y, hidden_size=8, maxiter=10, seed=1)
    assert c.network != a.network


@pytest.mark.parametrize("method", ["CG", "TNC", "GD"])
def test_other_methods_lower_the_cost(split, method):
    X, y = split.train.X[:500], split.train.y[:500]
    result = train(X, y, hidden_size=10, maxiter=15, method=method, learning_rate=2.0)
    costs = [s.cost for s in result.history]
    assert len(costs) == 15
    assert costs[-1] < costs[0]


def test_callback_can_stop_and_the_weights_reached_are_kept(split):
    X, y = split.train.X[:500], split.train.y[:500]
    seen = []

    def stop_at_five(step, network):
        seen.append(network)
        return step.iteration == 5

    result = train(X, y, hidden_size=10, maxiter=100, callback=stop_at_five)
    assert result.stopped and not result.converged and result.n_iterations == 5
    assert "stopped" in result.message
    assert result.network == seen[-1]


def test_divergence_is_detected_and_explained(split):
    X, y = split.train.X[:300], split.train.y[:300]
    with np.errstate(all="ignore"):
        result = train(X, y, hidden_size=5, maxiter=200, lambd=0, method="GD", learning_rate=1e6)
    assert result.diverged and not result.converged
    assert "learning rate" in result.message
    assert np.isfinite(result.network.W1).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hidden_size": 0}, "hidden_size"),
        ({"maxiter": 0}, "maxiter"),
        ({"lambd": -1}, "lambda"),
        ({"method": "Adam"}, "method"),
        ({"method": "GD", "learning_rate": 0}, "learning_rate"),
        ({"init": Network.random(3, 2)}, "401 columns"),
    ],
)
def test_bad_settings_are_refused(split, kwargs, message):
    with pytest.raises(DataFormatError, match=message):
        train(split.train.X[:20], split.train.y[:20], **kwargs)


def test_a_diverged_run_keeps_the_weights_from_before_the_blow_up(split):
    X, y = split.train.X[:300], split.train.y[:300]
    start = Network.random(400, 5, seed=0)
    with np.errstate(all="ignore"):
        result = train(X, y, hidden_size=5, maxiter=200, lambd=0, method="GD",
                       learning_rate=1e6, init=start)
    assert result.diverged
    # The blow-up came on the first step, so what is kept is the start: still a usable model.
    assert result.network == start


def test_the_result_carries_the_start_cost_so_nobody_recomputes_it(split, default_result):
    from nn_core import cost_and_gradient

    start = Network.random(400, 25, seed=0)  # the default start: 25 hidden units, seed 0
    J0 = cost_and_gradient(start, split.train.X, split.train.y, 1.0)[0]
    assert default_result.start_cost == pytest.approx(J0, rel=1e-5)  # X in float32 while training
    assert default_result.final_cost < default_result.start_cost and not default_result.went_uphill


def test_a_learning_rate_that_overshoots_is_reported_as_uphill(split):
    part = split.train.subset(np.arange(300))
    result = train(part.X, part.y, hidden_size=5, lambd=0.0, maxiter=3, method="GD", learning_rate=100.0)
    assert result.went_uphill or result.diverged
    if not result.diverged:
        assert result.final_cost > result.start_cost


def test_a_hidden_size_that_contradicts_the_start_weights_is_refused(split):
    part = split.train.subset(np.arange(50))
    start = Network.random(400, 7, seed=1)
    with pytest.raises(DataFormatError, match="hidden_size=25 contradicts the start weights.*7 rows"):
        train(part.X, part.y, hidden_size=25, init=start, maxiter=1)
    # Given once, either way, it trains: the start weights' size, or the asked size from random.
    assert train(part.X, part.y, init=start, maxiter=1).network.hidden_size == 7
    assert train(part.X, part.y, hidden_size=7, init=start, maxiter=1).network.hidden_size == 7
    assert train(part.X, part.y, maxiter=1).network.hidden_size == 25
