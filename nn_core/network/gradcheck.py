"""Gradient checking: does backprop agree with the slope measured by brute force?

How it works
1. Flatten the weight matrices W1, W2, ... into one vector theta.
2. For each weight theta_i, nudge it by +-eps and evaluate J twice:
   numerical_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps).
3. Compare with the analytic gradient from backprop by the relative difference
   |num - ana| / |num + ana|; a correct backprop gives about 1e-9 or less.

It costs two cost evaluations per weight, so it is run on a small network
(the dashboard uses 3-5-3-like sizes); training never needs it.
"""

from dataclasses import dataclass

import numpy as np

from .cost import check_labels, check_lambda, cost_and_gradient_arrays, one_hot
from .network import Network, pack, unpack


@dataclass(frozen=True)
class GradientCheck:
    analytic: np.ndarray  # flat, in pack(W1, W2, ...) order
    numerical: np.ndarray
    relative_difference: float

    @property
    def ok(self):
        return self.relative_difference < 1e-7


def gradient_check(net, X, y, lambd, eps=1e-4, cost_fn=None):
    """Compare backprop's gradient with central differences for every weight of net.

    cost_fn(weights, X, Y, lambd, activation, output) -> (J, (dW1, dW2, ...)) defaults to the
    real one; the dashboard passes deliberately broken versions to show what a bug looks like.
    """
    cost_fn = cost_fn or cost_and_gradient_arrays
    X = net.check_inputs(X)
    Y = one_hot(check_labels(y, X.shape[0]))
    lambd = check_lambda(lambd)
    sizes, g, out = net.layer_sizes, net.activation, net.output

    def J(theta):
        return cost_fn(unpack(theta, sizes), X, Y, lambd, g, out)[0]

    theta = pack(*net.weights)
    analytic = pack(*cost_fn(net.weights, X, Y, lambd, g, out)[1])
    numerical = np.empty_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + eps
        plus = J(theta)
        theta[i] = old - eps
        minus = J(theta)
        theta[i] = old
        numerical[i] = (plus - minus) / (2 * eps)
    denom = np.linalg.norm(numerical + analytic)
    diff = np.linalg.norm(numerical - analytic) / denom if denom > 0 else 0.0
    return GradientCheck(analytic, numerical, float(diff))


def small_problem(n_inputs=3, hidden_size=5, m=5, seed=0, activation="sigmoid", output="sigmoid"):
    """A fixed little network and data set for checking gradients quickly. hidden_size: an int,
    or a tuple for several hidden layers."""
    rng = np.random.default_rng(seed)
    net = Network.random(n_inputs, hidden_size, seed=rng, activation=activation, output=output)
    X = rng.uniform(0, 1, size=(m, n_inputs))
    y = np.arange(m) % 10
    return net, X, y
