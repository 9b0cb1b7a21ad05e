"""Experiments 7-10 (activation race, depth, output layer, input scale): what their lessons rely on.

Trainings on scikit-learn's 8x8 digits (64 inputs), a few hidden units and few iterations; each
number a lesson quotes is checked against one computed here another way.
"""

import numpy as np
import pytest
from scipy.special import expit

from nn_core import Network, train
from nn_core import experiments as ex
from nn_core.digits.datasets import load_dataset, split_dataset
from nn_core.lessons.parallel import Job

BASE = ex.Base(hidden_size=8, lambd=1.0, maxiter=15, seed=0)


@pytest.fixture(scope="module")
def split():
    return split_dataset(load_dataset("sklearn-8x8"), seed=0)


# --- 7. activation race -------------------------------------------------------------------------

def test_dead_units_are_hidden_units_that_are_zero_on_every_digit():
    W1 = np.array([[-100.0, 1.0, 1.0],  # bias far below what two pixels in [0, 1] can add: dead
                   [0.0, 1.0, -1.0],  # on for some digits
                   [-1.5, 1.0, 1.0]])  # on only where both pixels are bright
    net = Network(W1, np.zeros((10, 4)), activation="relu")
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.2, 0.3]])
    assert ex.dead_units(net, X) == 2  # units 0 and 2: on no row
    assert ex.dead_units(net, np.vstack([X, [[1.0, 1.0]]])) == 1  # a bright pair wakes unit 2


def test_activation_race_counts_dead_relu_units_as_a_count_by_hand_does(split):
    race = ex.activation_race(split, BASE)
    assert race.complete and race.names == ("sigmoid", "tanh", "relu") and race.hidden_units == 8
    assert [len(c) for c in race.cost] == [15, 15, 15]  # the same budget for each
    relu = train(split.train.X, split.train.y, hidden_size=8, lambd=1.0, maxiter=15, seed=0,
                 activation="relu").network
    z2 = split.train.X @ relu.W1[:, 1:].T + relu.W1[:, 0]
    assert race.dead[2] == np.sum(np.all(z2 <= 0, axis=0))  # relu(z) = 0 exactly where z <= 0
    assert race.dead[0] == race.dead[1] == 0  # a sigmoid or tanh unit is never exactly 0 here
    tanh = train(split.train.X, split.train.y, hidden_size=8, lambd=1.0, maxiter=15, seed=0,
                 activation="tanh").network  # each from its own seeded start, as train draws it
    assert race.validation_accuracy[1] == tanh.accuracy(split.validation.X, split.validation.y)


def test_the_race_and_depth_study_the_same_stratified_digits_when_asked_for_fewer(split):
    race = ex.activation_race(split, BASE, activations=("relu",), digits=300)
    rows = ex.study_rows(split, 300, seed=0)
    assert race.studied == len(rows) == 300 and len(set(rows)) == 300
    relu = train(split.train.X[rows], split.train.y[rows], hidden_size=8, lambd=1.0, maxiter=15, seed=0,
                 activation="relu").network
    assert race.validation_accuracy[0] == relu.accuracy(split.validation.X, split.validation.y)
    assert race.dead[0] == ex.dead_units(relu, split.train.X[rows])  # dead on the digits it studied
    assert ex.study_rows(split, None) is None and ex.study_rows(split, 10**6) is None
    assert ex.depth(split, BASE, depths=(1,), digits=300).studied == 300
    assert ex.depth(split, BASE, depths=(1,)).studied == len(split.train.y)  # fewer than 2,000: all


def test_a_stopped_race_keeps_what_finished(split):
    race = ex.activation_race(split, BASE, progress=lambda done, total: True, workers=1)
    assert not race.complete and race.planned == 3 and len(race.names) < 3
    assert len(race.dead) == len(race.names) == len(race.validation_accuracy)


# --- 8. depth -----------------------------------------------------------------------------------

def test_weight_count_adds_inputs_plus_bias_times_outputs_per_layer():
    assert ex.weight_count((400, 25, 10)) == 25 * 401 + 10 * 26 == 10285  # the tutorial's network
    assert ex.weight_count((64, 7, 7, 10)) == 7 * 65 + 7 * 8 + 10 * 8


@pytest.mark.parametrize("n, hidden", [(64, 8), (400, 25), (400, 100), (64, 30)])
def test_depth_shapes_keep_the_weights_within_ten_percent(n, hidden):
    shapes, reference = ex.depth_shapes(n, hidden)
    assert reference == ex.weight_count((n, hidden, 10))
    assert [len(s) - 2 for s in shapes] == [1, 2, 3]
    assert shapes[0] == (n, hidden, 10)
    for s in shapes:
        assert len(set(s[1:-1])) == 1  # equal widths
        assert abs(ex.weight_count(s) / reference - 1) <= 0.10


def test_depth_trains_each_shape_and_reports_its_weights(split):
    d = ex.depth(split, BASE)
    assert d.complete and d.names == ("1 hidden layer", "2 hidden layers", "3 hidden layers")
    assert [ex.weight_count(s) for s in d.shapes] == d.weights.tolist()
    assert np.all(np.abs(d.weights / d.reference - 1) <= 0.10)
    assert [len(c) for c in d.cost] == [15, 15, 15]
    alone = train(split.train.X, split.train.y, hidden_size=d.shapes[1][1:-1], lambd=1.0, maxiter=15,
                  seed=0)
    assert d.validation_accuracy[1] == alone.network.accuracy(split.validation.X, split.validation.y)


def test_a_job_weighs_deep_networks_by_their_hidden_units():
    assert Job(dict(hidden_size=(7, 7), maxiter=10)).weight == 140


# --- 9. output layer ----------------------------------------------------------------------------

def test_softmax_outputs_sum_to_one_and_sigmoid_outputs_do_not(split):
    o = ex.output_layer(split, BASE)
    assert o.complete and o.names == ("sigmoid", "softmax")
    sigmoid, softmax = o.output_sum
    assert len(softmax) == len(split.validation)
    assert np.abs(softmax - 1).max() < 1e-9
    assert np.abs(sigmoid - 1).max() > 0.05
    for k in range(2):  # right + wrong = every validation digit, split as the accuracy says
        right, wrong = o.right_confidence[k], o.wrong_confidence[k]
        assert len(right) + len(wrong) == len(split.validation)
        assert len(right) == round(o.validation_accuracy[k] * len(split.validation))
        assert np.all((wrong > 0) & (wrong <= 1)) and np.all(right <= 1)


# --- 10. input scale ----------------------------------------------------------------------------

def test_raw_pixels_saturate_the_sigmoids_and_training_reaches_a_higher_cost(split):
    s = ex.input_scale(split, BASE)
    assert s.complete and s.scales.tolist() == [1.0, 255.0]
    assert s.names == ("pixels 0 to 1", "pixels 0 to 255")
    assert s.cost[1][-1] > s.cost[0][-1]  # the raw scale ends at a higher J
    assert s.validation_accuracy[1] < s.validation_accuracy[0]
    # The saturated share at the shared start, by hand: a sigmoid's slope a (1 - a) below 4 %
    # of its steepest, 0.25.
    start = Network.random(64, 8, seed=0)
    for scale, measured in zip((1, 255), s.flat_start):
        a2 = expit(split.train.X * scale @ start.W1[:, 1:].T + start.W1[:, 0])
        assert measured == pytest.approx(np.mean(a2 * (1 - a2) < 0.01))
    assert s.flat_start[1] > 0.5 > s.flat_start[0]
    # Each training is measured on its own scale's validation pixels.
    raw = train(split.train.X * 255, split.train.y, lambd=1.0, maxiter=15, init=start).network
    assert s.validation_accuracy[1] == raw.accuracy(split.validation.X * 255, split.validation.y)
    assert s.start_cost[1] == pytest.approx(
        train(split.train.X * 255, split.train.y, maxiter=1, init=start).start_cost)
