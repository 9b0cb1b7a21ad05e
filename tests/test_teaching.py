"""Teaching aids: each deliberate backprop bug fails the gradient check, one digit's backprop is exact."""

import numpy as np
import pytest

from nn_core import DataFormatError, Network, cost_and_gradient, gradient_check
from nn_core.lessons.teaching import BUGS, backprop_one
from nn_core.network.gradcheck import small_problem

WRONG = [name for name in BUGS if name != "correct backprop"]


def test_the_four_bugs_the_page_offers():
    assert set(WRONG) == {
        "forget the sigmoid derivative",
        "regularize the bias too",
        "forget to divide by m",
        "use delta3 = y - a3 (sign error)",
    }


def test_every_variant_runs_the_code_that_trains():
    # Not copies of backprop: the training's own function, each wrong one with one switch on.
    from nn_core.network.cost import cost_and_gradient_arrays

    assert BUGS["correct backprop"] is cost_and_gradient_arrays
    for name in WRONG:
        assert BUGS[name].func is cost_and_gradient_arrays and set(BUGS[name].keywords) == {"bug"}
    assert len({BUGS[name].keywords["bug"] for name in WRONG}) == 4


def test_correct_backprop_passes_the_check():
    net, X, y = small_problem(3, 5, 5)
    check = gradient_check(net, X, y, 1.0, cost_fn=BUGS["correct backprop"])
    assert check.relative_difference < 1e-7
    assert check.ok


@pytest.mark.parametrize("bug", WRONG)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_bug_fails_the_check(bug, seed):
    net, X, y = small_problem(3, 5, 5, seed=seed)
    check = gradient_check(net, X, y, 1.0, cost_fn=BUGS[bug])
    assert check.relative_difference > 1e-3
    assert not check.ok


@pytest.mark.parametrize("bug", WRONG)
def test_bugs_leave_the_cost_itself_alone(bug):
    # Only the gradient is wrong: the numerical side of the check (built from J) is unchanged.
    net, X, y = small_problem(4, 3, 6, seed=5)
    right = gradient_check(net, X, y, 1.0)
    wrong = gradient_check(net, X, y, 1.0, cost_fn=BUGS[bug])
    np.testing.assert_allclose(wrong.numerical, right.numerical)


def test_bias_bug_is_invisible_without_regularization():
    net, X, y = small_problem(3, 5, 5)
    assert gradient_check(net, X, y, 0.0, cost_fn=BUGS["regularize the bias too"]).ok


def test_forgetting_m_makes_the_gradient_m_times_longer_without_lambda():
    net, X, y = small_problem(3, 5, 5)
    right = gradient_check(net, X, y, 0.0)
    wrong = gradient_check(net, X, y, 0.0, cost_fn=BUGS["forget to divide by m"])
    np.testing.assert_allclose(wrong.analytic, 5 * right.analytic)
    # |5a - a| / |5a + a| = 4/6 for a perfect gradient a.
    assert wrong.relative_difference == pytest.approx(4 / 6, rel=1e-6)


@pytest.mark.parametrize("lambd", [0.0, 1.0, 3.0])
@pytest.mark.parametrize("index", [0, 3])
def test_one_example_matches_cost_and_gradient_with_m_1(lambd, index):
    net, X, y = small_problem(6, 4, 5, seed=11)
    b = backprop_one(net, X[index], y[index], lambd=lambd)
    J, (dW1, dW2) = cost_and_gradient(net, X[index:index + 1], y[index:index + 1], lambd)
    assert b.J == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(b.dW1, dW1, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(b.dW2, dW2, rtol=1e-10, atol=1e-14)


def test_one_example_layers_and_errors():
    net, X, y = small_problem(6, 4, 5, seed=11)
    b = backprop_one(net, X[2], 7)
    act = net.forward(X[2:3])
    for name in ("a1", "z2", "a2", "z3", "a3"):
        np.testing.assert_allclose(getattr(b, name), getattr(act, name)[0])
    np.testing.assert_array_equal(b.y, np.eye(10)[7])
    np.testing.assert_allclose(b.delta3, act.a3[0] - np.eye(10)[7])
    # Hidden unit j's gradient (no bias, no lambda) is delta2_j times the image.
    for j in range(net.hidden_size):
        np.testing.assert_allclose(b.unit_gradient(j), b.delta2[j] * X[2])


def test_hand_worked_delta2():
    # One input, one hidden unit with z2 = 0, so a2 = 0.5 and sigmoid'(z2) = 0.25.
    # Every output weight is 2 and bias 3: a3_k = sigmoid(4) = 0.982014 for all k.
    # For digit 7: delta3 = a3 - y has nine entries 0.982014 and one (k = 7) -0.017986,
    # so W2^T delta3 = 2 * (9 * 0.982014 - 0.017986) = 2 * 8.820138 = 17.640276 and
    # delta2 = 17.640276 * 0.25 = 4.410069; dW1 = delta2 * [1, a1] = [4.410069, 2.205034] for a1 = 0.5.
    net = Network([[0.0, 0.0]], np.column_stack([np.full(10, 3.0), np.full(10, 2.0)]))
    b = backprop_one(net, [0.5], 7)
    assert b.delta2[0] == pytest.approx(4.410069, abs=1e-6)
    np.testing.assert_allclose(b.dW1, [[4.410069, 2.205034]], atol=1e-6)
    # The two factors the Inside page shows: the error sent back and the sigmoid's slope.
    assert b.back[0] == pytest.approx(17.640276, abs=1e-6)
    assert b.slope[0] == pytest.approx(0.25)
    assert b.largest_error_unit == 0


def test_delta2_is_the_error_sent_back_times_the_slope():
    net, X, y = small_problem(6, 4, 5, seed=3)
    b = backprop_one(net, X[1], 4)
    act = net.forward(X[1:2])
    np.testing.assert_allclose(b.slope, act.a2[0] * (1 - act.a2[0]))
    np.testing.assert_allclose(b.back * b.slope, b.delta2, rtol=1e-12)
    assert np.all((b.slope > 0) & (b.slope <= 0.25))  # a sigmoid's slope is at most 1/4
    assert b.prediction == int(np.argmax(net.predict_proba(X[1])[0]))
    assert abs(b.delta2[b.largest_error_unit]) == np.abs(b.delta2).max()


def test_one_example_rejects_wrong_input():
    net, X, y = small_problem(3, 2, 4)
    with pytest.raises(DataFormatError, match="3 inputs"):
        backprop_one(net, np.zeros(5), 1)
    with pytest.raises(DataFormatError, match="one example"):
        backprop_one(net, X, 1)
    with pytest.raises(DataFormatError, match="0-9"):
        backprop_one(net, X[0], 12)
