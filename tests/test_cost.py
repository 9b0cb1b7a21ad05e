"""The cost J and its gradient: hand-worked numbers, gradient check, regularization, stability."""

import warnings

import numpy as np
import pytest

from nn_core import DataFormatError, Network, cost_and_gradient, gradient_check
from nn_core.network.gradcheck import small_problem


def test_hand_worked_cost():
    # One input, one hidden unit. W1 = [bias 0, weight 0], so z2 = 0 and a2 = sigmoid(0) = 0.5.
    # Every output unit has bias 3 and weight 2: z3 = 3 + 2 * 0.5 = 4, a3 = sigmoid(4) = 0.98201.
    # For one example of digit 7 the data term is
    #   -[log(0.98201) + 9 * log(1 - 0.98201)] = 0.018150 + 9 * 4.018150 = 36.181499.
    # The penalty counts the ten non-bias weights of W2 (2^2 each) and W1's weight (0), not biases:
    #   lambda / (2 m) * 10 * 4 = 20 for lambda = 1, m = 1.
    W1 = np.array([[0.0, 0.0]])
    W2 = np.column_stack([np.full(10, 3.0), np.full(10, 2.0)])
    net = Network(W1, W2)
    a3 = 1 / (1 + np.exp(-4.0))
    data = -(np.log(a3) + 9 * np.log(1 - a3))
    assert data == pytest.approx(36.181499, abs=1e-6)
    J0, _ = cost_and_gradient(net, [[0.5]], [7], lambd=0.0)
    J1, _ = cost_and_gradient(net, [[0.5]], [7], lambd=1.0)
    assert J0 == pytest.approx(36.181499, abs=1e-6)
    assert J1 - J0 == pytest.approx(20.0)


@pytest.mark.parametrize("lambd", [0.0, 1.0, 10.0])
@pytest.mark.parametrize("shape", [(3, 5, 5), (4, 2, 12), (1, 1, 3)])
def test_gradient_matches_numerical(shape, lambd):
    n, h, m = shape
    net, X, y = small_problem(n, h, m, seed=n + h + m)
    check = gradient_check(net, X, y, lambd)
    assert check.relative_difference < 1e-7
    assert check.ok


def test_gradient_check_catches_a_broken_backprop():
    from nn_core.network.cost import cost_and_gradient_arrays

    def forgets_half_the_gradient(weights, X, Y, lambd, activation, output):
        J, (dW1, dW2) = cost_and_gradient_arrays(weights, X, Y, lambd, activation, output)
        return J, (dW1 * 0.5, dW2)

    net, X, y = small_problem()
    assert gradient_check(net, X, y, 1.0, cost_fn=forgets_half_the_gradient).relative_difference > 1e-3


def test_regularization_leaves_biases_alone():
    net, X, y = small_problem(4, 6, 8, seed=3)
    _, (g0W1, g0W2) = cost_and_gradient(net, X, y, 0.0)
    _, (g5W1, g5W2) = cost_and_gradient(net, X, y, 5.0)
    m = len(X)
    np.testing.assert_allclose(g5W1[:, 0], g0W1[:, 0])
    np.testing.assert_allclose(g5W2[:, 0], g0W2[:, 0])
    np.testing.assert_allclose(g5W1[:, 1:] - g0W1[:, 1:], 5.0 / m * net.W1[:, 1:])
    # Changing only the biases does not change the penalty.
    shifted = Network(net.W1 + np.eye(1, net.W1.shape[1]) * 7, net.W2)
    J_a = cost_and_gradient(net, X, y, 5.0)[0] - cost_and_gradient(net, X, y, 0.0)[0]
    J_b = cost_and_gradient(shifted, X, y, 5.0)[0] - cost_and_gradient(shifted, X, y, 0.0)[0]
    assert J_a == pytest.approx(J_b)


def per_example_cost(net, X, y, lambd):
    """An independent, slow reference: one example at a time, bias columns glued on."""
    J = 0.0
    for x, label in zip(X, y):
        a2 = 1 / (1 + np.exp(-(net.W1 @ np.concatenate([[1.0], x]))))
        a3 = 1 / (1 + np.exp(-(net.W2 @ np.concatenate([[1.0], a2]))))
        t = np.eye(10)[label]
        J -= np.sum(t * np.log(a3) + (1 - t) * np.log(1 - a3))
    m = len(X)
    return J / m + lambd / (2 * m) * (np.sum(net.W1[:, 1:] ** 2) + np.sum(net.W2[:, 1:] ** 2))


def test_vectorized_cost_equals_per_example_loop():
    net, X, y = small_problem(6, 4, 30, seed=7)
    assert cost_and_gradient(net, X, y, 2.0)[0] == pytest.approx(per_example_cost(net, X, y, 2.0))


def test_one_hot_labels_give_the_same_cost():
    net, X, y = small_problem(3, 3, 10, seed=1)
    Y = np.eye(10)[y]
    assert cost_and_gradient(net, X, Y, 1.0)[0] == pytest.approx(cost_and_gradient(net, X, y, 1.0)[0])


def test_saturated_outputs_stay_finite_without_warnings():
    net = Network(np.full((3, 5), 50.0), np.full((10, 4), -80.0))
    X = np.ones((4, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J, (dW1, dW2) = cost_and_gradient(net, X, [0, 1, 2, 3], 1.0)
    assert np.isfinite(J) and J > 100
    assert np.isfinite(dW1).all() and np.isfinite(dW2).all()


@pytest.mark.parametrize(
    "X, y, lambd, message",
    [
        (np.zeros((2, 5)), [0, 1], 1.0, "takes 3 inputs"),
        (np.zeros((2, 3)), [0], 1.0, "2 labels"),
        (np.zeros((2, 3)), [0, 10], 1.0, "0-9"),
        (np.zeros((2, 3)), [0, 1], -1.0, "lambda"),
        (np.zeros((2, 3)), [0, 1], float("nan"), "lambda"),
    ],
)
def test_bad_arguments_say_what_was_expected(X, y, lambd, message):
    net = Network.random(3, 2)
    with pytest.raises(DataFormatError, match=message):
        cost_and_gradient(net, X, y, lambd)
