"""Backprop taken apart for teaching: broken variants to catch, and one digit's full journey.

How it works
1. BUGS maps a plain-English name to a cost function cost_fn(W1, W2, X, Y, lambd) -> (J, dW1, dW2).
   "correct" is the real one; every other entry computes the same cost J but makes one classic
   backprop mistake in the gradient, so gradient_check(cost_fn=...) shows what a bug looks like.
2. backprop_one(net, x, label) runs one example forward and backward and keeps every
   intermediate (a1, z2, a2, z3, a3, delta3, delta2) and the example's gradients dW1, dW2:
       delta3 = a3 - y,   delta2 = (W2[:, 1:]^T delta3) * a2 (1 - a2),
       dW1 = delta2 [1, a1]^T,   dW2 = delta3 [1, a2]^T   (+ lambd W on non-bias columns, m = 1).
3. Row j of dW1 without its bias is delta2_j * a1: hidden unit j's gradient has the shape of
   the input image, so the dashboard can draw it.
"""

from dataclasses import dataclass

import numpy as np

from .cost import check_labels, check_lambda, cost_and_gradient_arrays, cost_terms, one_hot
from .errors import DataFormatError
from .network import N_OUTPUTS, sigmoid


def _buggy(bug):
    """A cost function with the true J and a gradient that makes mistake `bug`."""

    def cost_fn(W1, W2, X, Y, lambd):
        data, reg = cost_terms(W1, W2, X, Y, lambd)  # J itself is always right
        m = X.shape[0]
        a2 = sigmoid(X @ W1[:, 1:].T + W1[:, 0])
        a3 = sigmoid(a2 @ W2[:, 1:].T + W2[:, 0])
        delta3 = (Y - a3) if bug == "sign" else (a3 - Y)
        delta2 = delta3 @ W2[:, 1:]
        if bug != "no sigmoid derivative":
            delta2 = delta2 * a2 * (1.0 - a2)
        dW1 = delta2.T @ np.column_stack([np.ones(m), X])
        dW2 = delta3.T @ np.column_stack([np.ones(m), a2])
        if bug != "no 1/m":
            dW1, dW2 = dW1 / m, dW2 / m
        first = 0 if bug == "bias penalised" else 1  # the bug penalises column 0 (the bias) too
        dW1[:, first:] += (lambd / m) * W1[:, first:]
        dW2[:, first:] += (lambd / m) * W2[:, first:]
        return data + reg, dW1, dW2

    return cost_fn


BUGS = {
    "correct backprop": cost_and_gradient_arrays,
    "forget the sigmoid derivative": _buggy("no sigmoid derivative"),
    "regularize the bias too": _buggy("bias penalised"),
    "forget to divide by m": _buggy("no 1/m"),
    "use delta3 = y - a3 (sign error)": _buggy("sign"),
}

BUG_EXPLANATIONS = {
    "correct backprop": "The gradient of the cost J exactly as the cost defines it.",
    "forget the sigmoid derivative": (
        "delta2 = W2ᵀ delta3 without the factor a2 (1 − a2): the error is passed back "
        "as if the hidden units were straight lines, not sigmoids."
    ),
    "regularize the bias too": (
        "The gradient adds (λ/m)·W on the bias column as well, but J never penalised the biases. "
        "With λ = 0 this bug is invisible: the check only catches it when λ > 0."
    ),
    "forget to divide by m": (
        "The data part of the gradient is summed over the m examples but not averaged, while J is "
        "an average: every arrow is m times too long."
    ),
    "use delta3 = y - a3 (sign error)": (
        "The output error has the wrong sign, so the data part of the gradient points uphill: "
        "training would make the network worse at every step."
    ),
}


@dataclass(frozen=True)
class Backprop:
    """One example's forward and backward pass, every vector named as in the tutorial."""

    a1: np.ndarray  # (n,) the pixels
    z2: np.ndarray  # (h,)
    a2: np.ndarray  # (h,)
    z3: np.ndarray  # (10,)
    a3: np.ndarray  # (10,) the outputs
    y: np.ndarray  # (10,) one-hot label
    delta3: np.ndarray  # (10,) a3 - y
    delta2: np.ndarray  # (h,)
    dW1: np.ndarray  # (h, n+1) this example's gradient of J for W1 (m = 1)
    dW2: np.ndarray  # (10, h+1)
    J: float  # this example's cost (m = 1)
    lambd: float

    def unit_gradient(self, j):
        """Hidden unit j's input-weight gradient without the bias: delta2_j * a1 (+ lambd W1 part)."""
        return self.dW1[j, 1:]


def backprop_one(net, x, label, lambd=0.0):
    """Forward and backward pass of one example x (n,) with true digit label (0-9)."""
    x = net.check_inputs(x)
    if x.shape[0] != 1:
        raise DataFormatError(f"backprop_one takes one example, found {x.shape[0]} rows")
    label = int(check_labels(np.atleast_1d(label), 1)[0])
    lambd = check_lambda(lambd)
    act = net.forward(x)
    a1, z2, a2, z3, a3 = (v[0] for v in (act.a1, act.z2, act.a2, act.z3, act.a3))
    y = one_hot([label], N_OUTPUTS)[0]
    delta3 = a3 - y
    # The sigmoid's derivative from its own output: sigmoid'(z2) = a2 (1 - a2).
    delta2 = (net.W2[:, 1:].T @ delta3) * a2 * (1.0 - a2)
    dW1 = np.outer(delta2, np.concatenate([[1.0], a1]))
    dW2 = np.outer(delta3, np.concatenate([[1.0], a2]))
    dW1[:, 1:] += lambd * net.W1[:, 1:]
    dW2[:, 1:] += lambd * net.W2[:, 1:]
    data, reg = cost_terms(net.W1, net.W2, x, y[None, :], lambd)
    return Backprop(a1, z2, a2, z3, a3, y, delta3, delta2, dW1, dW2, data + reg, lambd)
