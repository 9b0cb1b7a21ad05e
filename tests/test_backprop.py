"""The one forward and backward pass: against an independent implementation, float32 against
float64, the activation next to its derivative, and each deliberate mistake's exact effect."""

import warnings

import numpy as np
import pytest
from scipy.special import expit

from nn_core import Network, cost_and_gradient, sigmoid, train
from nn_core.digits.datasets import load_dataset
from nn_core.network.activations import ACTIVATIONS, sigmoid_derivative
from nn_core.network.backprop import MISTAKES, Workspace, backward, forward
from nn_core.network.cost import cost_and_gradient_arrays, one_hot
from nn_core.network.gradcheck import small_problem


def plain_numpy(W1, W2, X, y, lambd):
    """The tutorial's J and gradient written out independently: columns of ones glued on,
    the log of the probabilities themselves, 1 / (1 + e^-z) spelled out."""
    m = X.shape[0]
    Y = np.eye(10)[y]
    a1 = np.hstack([np.ones((m, 1)), X])
    a2 = 1.0 / (1.0 + np.exp(-(a1 @ W1.T)))
    a2b = np.hstack([np.ones((m, 1)), a2])
    a3 = 1.0 / (1.0 + np.exp(-(a2b @ W2.T)))
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    J += lambd / (2 * m) * (np.sum(W1[:, 1:] ** 2) + np.sum(W2[:, 1:] ** 2))
    d3 = a3 - Y
    d2 = (d3 @ W2)[:, 1:] * a2 * (1 - a2)
    D1 = d2.T @ a1 / m
    D2 = d3.T @ a2b / m
    D1[:, 1:] += lambd / m * W1[:, 1:]
    D2[:, 1:] += lambd / m * W2[:, 1:]
    return J, D1, D2, np.argmax(a3, axis=1)


@pytest.fixture(scope="module")
def digits():
    ds = load_dataset("mnist-20x20")
    return np.asarray(ds.X[:1000]), np.asarray(ds.y[:1000])


@pytest.fixture(scope="module")
def default_networks(digits):
    """The default 400-25-10 network at its seeded start and after 20 L-BFGS-B iterations."""
    start = Network.random(400, 25, seed=0)
    return [start, train(*digits, hidden_size=25, lambd=1.0, maxiter=20, init=start).network]


@pytest.mark.parametrize("which", [0, 1])
def test_default_network_matches_an_independent_implementation(digits, default_networks, which):
    X, y = digits
    net = default_networks[which]
    J_ref, D1, D2, predicted = plain_numpy(net.W1, net.W2, X, y, 1.0)
    J, (dW1, dW2) = cost_and_gradient(net, X, y, 1.0)
    assert J == pytest.approx(J_ref, rel=1e-12)
    np.testing.assert_allclose(dW1, D1, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(dW2, D2, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(net.predict(X), predicted)
    assert net.accuracy(X, y) == np.mean(predicted == y)
    if which == 1:  # trained: the accuracy is a real one, not chance
        assert net.accuracy(X, y) > 0.85


@pytest.mark.parametrize("which", [0, 1])
def test_float32_fast_path_agrees_with_float64(digits, default_networks, which):
    X, y = digits
    net = default_networks[which]
    J64, (a1, a2) = cost_and_gradient(net, X, y, 1.0)
    J32, (b1, b2) = cost_and_gradient(net, X, y, 1.0, dtype=np.float32)
    assert J32 == pytest.approx(J64, rel=1e-6)
    g64, g32 = np.concatenate([a1.ravel(), a2.ravel()]), np.concatenate([b1.ravel(), b2.ravel()])
    assert np.linalg.norm(g32 - g64) < 1e-6 * np.linalg.norm(g64)
    np.testing.assert_allclose(g32, g64, rtol=1e-6, atol=1e-6 * np.abs(g64).max())
    assert J32 != J64  # the products really ran in float32


def _flat(J_grads):
    J, grads = J_grads
    return (J, *grads)


def test_training_workspace_gives_the_same_numbers_on_every_call(digits, default_networks):
    # Training passes one Workspace and float32 X to every evaluation, as here.
    X, y = digits
    net = default_networks[1]
    X32, Y = X.astype(np.float32), one_hot(y)
    work = Workspace(len(X), net.hidden_size, np.float32)
    first = _flat(cost_and_gradient_arrays(net.weights, X32, Y, 1.0, work=work))
    other = Network.random(400, 25, seed=5)  # another call in between overwrites the scratch
    cost_and_gradient_arrays(other.weights, X32, Y, 1.0, work=work)
    again = _flat(cost_and_gradient_arrays(net.weights, X32, Y, 1.0, work=work))
    fresh = _flat(cost_and_gradient_arrays(net.weights, X32, Y, 1.0))
    for a, b, c in zip(first, again, fresh):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_forward_keeps_z2_and_a2_apart_in_float32(digits, default_networks):
    X, _ = digits
    net = default_networks[1]
    act = forward(net.weights, X.astype(np.float32), work=Workspace(len(X), 25, np.float32))
    assert act.z2.dtype == np.float32 and act.a2.dtype == np.float64
    np.testing.assert_allclose(act.a2, expit(act.z2.astype(np.float64)), rtol=1e-6)
    np.testing.assert_allclose(act.a3, net.forward(X).a3, rtol=1e-5, atol=1e-7)


def test_sigmoid_and_its_derivative_side_by_side():
    np.testing.assert_array_equal(sigmoid(np.linspace(-30, 30, 601)), expit(np.linspace(-30, 30, 601)))
    z = np.linspace(-8, 8, 161)  # beyond, 1 - a loses the digits a central difference needs
    eps = 1e-5
    numerical = (sigmoid(z + eps) - sigmoid(z - eps)) / (2 * eps)
    np.testing.assert_allclose(sigmoid_derivative(sigmoid(z)), numerical, rtol=1e-7)
    assert sigmoid_derivative(np.array(0.5)) == 0.25  # slope at z = 0
    act = ACTIVATIONS["sigmoid"]
    assert act.function is sigmoid and act.derivative is sigmoid_derivative


def test_sigmoid_in_place_and_at_the_extremes():
    z = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = sigmoid(z, out=z)
    assert a is z and a.dtype == np.float32
    np.testing.assert_allclose(a, [0.0, 0.0, 4.248354e-18, 0.5, 1.0, 1.0, 1.0], rtol=1e-6)
    assert sigmoid([0, 0]).dtype == np.float64  # whole numbers come back as floats


def _true_and_buggy(bug, lambd=2.0):
    net, X, y = small_problem(4, 3, 6, seed=9)
    Y = one_hot(y)
    act = forward(net.weights, X)
    return net, act, backward(net.weights, act, Y, lambd), backward(net.weights, act, Y, lambd,
                                                                         bug=bug)


def test_each_mistake_changes_exactly_what_it_says():
    lambd, m = 2.0, 6
    net, act, good, bad = _true_and_buggy("no 1/m")
    reg1, reg2 = lambd / m * net.W1[:, 1:], lambd / m * net.W2[:, 1:]
    np.testing.assert_allclose(bad.dW1[:, 1:] - reg1, m * (good.dW1[:, 1:] - reg1))
    np.testing.assert_allclose(bad.dW2[:, 0], m * good.dW2[:, 0])

    net, act, good, bad = _true_and_buggy("sign")
    np.testing.assert_allclose(bad.delta3, -good.delta3)
    np.testing.assert_allclose(bad.dW2[:, 1:] - reg2, -(good.dW2[:, 1:] - reg2))

    net, act, good, bad = _true_and_buggy("bias penalised")
    np.testing.assert_allclose(bad.dW1[:, 0] - good.dW1[:, 0], lambd / m * net.W1[:, 0])
    np.testing.assert_allclose(bad.dW2[:, 1:], good.dW2[:, 1:])

    net, act, good, bad = _true_and_buggy("no derivative")
    np.testing.assert_allclose(bad.delta2, good.delta3 @ net.W2[:, 1:])
    np.testing.assert_allclose(good.delta2, bad.delta2 * act.a2 * (1 - act.a2))
    np.testing.assert_allclose(bad.dW2, good.dW2)


def test_an_unknown_mistake_is_refused():
    net, X, y = small_problem()
    act = forward(net.weights, X)
    with pytest.raises(ValueError, match="no derivative"):
        backward(net.weights, act, one_hot(y), 1.0, bug="no sigmoid")
    assert len(MISTAKES) == 4
