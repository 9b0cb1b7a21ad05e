"""Saliency maps: the analytic pixel gradients agree with finite differences and a worked example."""

import numpy as np
import pytest

from nn_core import DataFormatError, Network
from nn_core.lessons.saliency import contrast, contributions, jacobian, saliency


def _net(n=12, h=5, seed=3, scale=4.0):
    """A small network with weights large enough that the sigmoids are not all near-linear."""
    base = Network.random(n, h, seed=seed)
    return Network(base.W1 * scale, base.W2 * scale)


def _numerical(net, x, digit, output, eps=1e-5):
    """Central differences: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), pixel by pixel."""
    def f(v):
        act = net.forward(v)
        return getattr(act, output)[0, digit]

    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        grad[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad


@pytest.mark.parametrize("output", ["z3", "a3"])
@pytest.mark.parametrize("digit", [0, 4, 9])
def test_matches_central_differences(output, digit):
    net = _net()
    x = np.random.default_rng(7).uniform(0, 1, net.n_inputs)
    analytic = saliency(net, x, digit, output=output)
    numerical = _numerical(net, x, digit, output)
    rel = np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical)
    assert rel < 1e-6, rel
    assert np.linalg.norm(analytic) > 1e-3  # a real gradient, not two zeros agreeing


def test_hand_worked_example():
    # One pixel, one hidden unit: W1 = [bias 0, weight 2]; output d has bias 0 and weight d.
    # At x = 0: z2 = 0, a2 = sigmoid(0) = 0.5, a2 (1 - a2) = 0.25.
    # d z3_d / d a1 = W2[d, 1] * 0.25 * W1[0, 1] = d * 0.25 * 2 = 0.5 d.
    W1 = np.array([[0.0, 2.0]])
    W2 = np.column_stack([np.zeros(10), np.arange(10.0)])
    net = Network(W1, W2)
    J = jacobian(net, np.array([0.0]))
    assert J.shape == (10, 1)
    np.testing.assert_allclose(J[:, 0], 0.5 * np.arange(10))
    # Digit 2: z3 = 2 * 0.5 = 1, a3 = sigmoid(1) = 0.7310586, a3 (1 - a3) = 0.1966119,
    # so d a3_2 / d a1 = 0.1966119 * 1.0.
    np.testing.assert_allclose(saliency(net, [0.0], 2, output="a3"), [0.1966119], rtol=1e-6)


def test_contrast_is_the_difference_of_two_maps():
    net = _net()
    x = np.random.default_rng(1).uniform(0, 1, net.n_inputs)
    np.testing.assert_allclose(contrast(net, x, 7, 1), saliency(net, x, 7) - saliency(net, x, 1))
    assert np.allclose(contrast(net, x, 3, 3), 0.0)


def test_a3_map_fades_when_the_network_is_sure():
    # The reason z3 is the default: a confident output's probability barely moves.
    W1 = np.array([[0.0, 2.0]])
    W2 = np.column_stack([np.full(10, 12.0), np.ones(10)])  # z3 near 12.5: a3 near 1
    net = Network(W1, W2)
    assert abs(saliency(net, [0.0], 5, output="a3")[0]) < 1e-4 * abs(saliency(net, [0.0], 5)[0])


def test_bad_arguments_say_what_was_expected():
    net = _net()
    x = np.zeros(net.n_inputs)
    with pytest.raises(DataFormatError, match="digit must be a whole number 0-9, found 10"):
        saliency(net, x, 10)
    with pytest.raises(DataFormatError, match="output must be one of z3, a3"):
        saliency(net, x, 1, output="z2")
    with pytest.raises(DataFormatError, match="12 inputs"):
        saliency(net, np.zeros(5), 1)
    with pytest.raises(DataFormatError, match="one example"):
        jacobian(net, np.zeros((2, net.n_inputs)))


def test_contributions_add_up_to_the_score():
    net = _net()
    x = np.random.default_rng(2).uniform(0, 1, net.n_inputs)
    z3 = net.forward(x).z3[0]
    for d in (0, 6):
        terms = contributions(net, x, d)
        assert terms.shape == (net.hidden_size,)
        assert np.isclose(terms.sum() + net.W2[d, 0], z3[d])
