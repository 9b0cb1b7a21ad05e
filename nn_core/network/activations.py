"""Activation functions, each next to its derivative, and the two output layers.

How it works
1. A layer's weighted sums z become its activations a = g(z). The tutorial's network uses the
   sigmoid everywhere; hidden layers may also use tanh or relu.
2. Backprop needs the slope g'(z). It is taken from the output a the forward pass already
   has, not from z: for the sigmoid a (1 - a), for tanh 1 - a^2, for relu 1 where a > 0.
3. ACTIVATIONS maps a hidden activation's name to an Activation(function, derivative); the
   forward and the backward pass both look the name up.
4. OUTPUTS maps an output layer's name to its function: "sigmoid" (ten independent yes/no
   units, the tutorial's) or "softmax" (ten probabilities that sum to 1). Each is paired with
   its own cross-entropy (cost.py), and for both pairs the output error is delta_L = a_L - y:
   the log's derivative cancels the output function's.

    sigmoid(z) = 1 / (1 + e^-z)      sigmoid' = a (1 - a)
    tanh(z)                          tanh'    = 1 - a^2
    relu(z)    = max(z, 0)           relu'    = 1 if a > 0 else 0
    softmax(z)_k = e^z_k / sum_j e^z_j
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np


def sigmoid(z, out=None):
    """1 / (1 + e^-z), written into out if given (it may be z itself).

    The same numbers as scipy's expit for float64 (its formula), and faster for float32.
    """
    if out is None:
        z = np.asarray(z)
        out = np.array(z, dtype=z.dtype if z.dtype.kind == "f" else np.float64)
    np.negative(z, out=out)
    with np.errstate(over="ignore"):  # e^-z = inf for very negative z gives 1 / inf = 0: right
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_derivative(a, out=None):
    """sigmoid'(z) from the sigmoid's output a = sigmoid(z): a (1 - a)."""
    out = np.subtract(1.0, a, out=out)
    out *= a
    return out


def tanh(z, out=None):
    """tanh(z): like the sigmoid, but from -1 to 1 and centred on 0."""
    return np.tanh(z, out=out)


def tanh_derivative(a, out=None):
    """tanh'(z) from a = tanh(z): 1 - a^2."""
    out = np.multiply(a, a, out=out)
    return np.subtract(1.0, out, out=out)


def relu(z, out=None):
    """max(z, 0): zero for negative sums, the sum itself otherwise."""
    return np.maximum(z, 0.0, out=out)


def relu_derivative(a, out=None):
    """relu'(z) from a = relu(z): 1 where the unit is on (a > 0), else 0."""
    return np.greater(a, 0.0, out=out, casting="unsafe") if out is not None else (a > 0) * 1.0


def softmax(z, out=None):
    """e^z_k / sum_j e^z_j per row. The row's largest z is subtracted first: the same result,
    and e^z never overflows."""
    out = np.subtract(z, np.max(z, axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class Activation:
    """g(z, out=None) -> a, and g'(z) computed from a: derivative(a, out=None)."""

    function: Callable
    derivative: Callable


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, sigmoid_derivative),
    "tanh": Activation(tanh, tanh_derivative),
    "relu": Activation(relu, relu_derivative),
}

# The output layer's function; the cost that goes with each is in cost.py (terms).
OUTPUTS = {"sigmoid": sigmoid, "softmax": softmax}
