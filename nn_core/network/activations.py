"""Activation functions, each next to its derivative.

How it works
1. A layer's weighted sums z become its activations a = g(z); the network uses the sigmoid.
2. Backprop needs the slope g'(z). It is taken from the output a the forward pass already
   has, not from z: for the sigmoid, g'(z) = a (1 - a), with no exponential to recompute.
3. ACTIVATIONS maps a name to an Activation(function, derivative); the forward and the
   backward pass both look the name up, so another activation (tanh, relu) is one entry.

    sigmoid(z) = 1 / (1 + e^-z),        sigmoid'(z) = a (1 - a)   where a = sigmoid(z)
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


@dataclass(frozen=True)
class Activation:
    """g(z, out=None) -> a, and g'(z) computed from a: derivative(a, out=None)."""

    function: Callable
    derivative: Callable


ACTIVATIONS = {"sigmoid": Activation(sigmoid, sigmoid_derivative)}
