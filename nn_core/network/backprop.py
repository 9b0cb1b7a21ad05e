"""The forward pass and the backward pass (backprop), side by side: the only copy of each.

How it works
1. Forward: z2 = a1 W1[:, 1:]^T + W1[:, 0], a2 = g(z2), z3 = a2 W2[:, 1:]^T + W2[:, 0],
   a3 = g(z3), with g the activation (the sigmoid) and one example per row. Each bias is added
   on its own rather than gluing a column of ones onto a1 (a copy of the whole data set).
2. Output error: delta3 = a3 - y. For sigmoid outputs and the cross-entropy J, this is
   exactly dJ/dz3 of each example: the log's and the sigmoid's derivatives cancel.
3. Hidden error: delta2 = (delta3 W2[:, 1:]) * g'(z2), the slope g'(z2) taken from a2.
4. Gradients: dW2 = delta3^T [1, a2] / m and dW1 = delta2^T [1, a1] / m, plus (lambda / m) W
   on the non-bias columns.

Training passes a Workspace: scratch matrices made once for its data set and reused by every
call the optimizer makes. With float32 inputs a1 (training passes X so), the two big products
a1 W1^T and delta2^T a1 run in float32 and everything else in float64. Without a Workspace the
passes allocate their results. backward(bug=...) makes one of the classic mistakes of MISTAKES
on purpose, for the gradient-check demo (teaching.py).
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS

MISTAKES = ("no derivative", "bias penalised", "no 1/m", "sign")


@dataclass(frozen=True)
class Activations:
    """Every layer of one forward pass, named as in the tutorial (rows are examples)."""

    a1: np.ndarray
    z2: np.ndarray
    a2: np.ndarray
    z3: np.ndarray
    a3: np.ndarray


@dataclass(frozen=True)
class Gradients:
    """What the backward pass finds: the errors delta3 (m, 10), delta2 (m, h) and dW1, dW2."""

    delta3: np.ndarray
    delta2: np.ndarray
    dW1: np.ndarray
    dW2: np.ndarray


class Workspace:
    """Scratch matrices for m examples and h hidden units; dtype is that of the inputs a1."""

    def __init__(self, m, hidden_size, dtype=np.float64, n_outputs=10):
        # Fresh (m, h) temporaries on every call cost page faults that took longer than the
        # arithmetic on them (measured in benchmarks/train_speed.py); these are made once.
        wide = np.dtype(dtype) == np.float64
        self.z2 = np.empty((m, hidden_size), dtype)
        self.a2 = np.empty((m, hidden_size))
        self.a2_x = self.a2 if wide else np.empty((m, hidden_size), dtype)
        self.z3 = np.empty((m, n_outputs))
        self.a3 = np.empty((m, n_outputs))
        self.delta3 = np.empty((m, n_outputs))
        self.delta2 = np.empty((m, hidden_size))
        self.delta2_x = self.delta2 if wide else np.empty((m, hidden_size), dtype)
        self.slope = np.empty((m, hidden_size))
        self.terms = np.empty((m, n_outputs))  # for the cost's terms (cost.py)
        self.row = np.empty(m)
        self.ones = np.ones(m)


def forward(W1, W2, a1, activation="sigmoid", work=None):
    """Activations a1, z2, a2, z3, a3 for the rows of a1 (trusted here: Network.forward checks)."""
    g = ACTIVATIONS[activation].function
    w = work if work is not None else Workspace(a1.shape[0], W1.shape[0], a1.dtype, W2.shape[0])
    z2 = np.matmul(a1, W1[:, 1:].astype(a1.dtype).T, out=w.z2)
    z2 += W1[:, 0].astype(a1.dtype)  # same dtype as z2: a mixed-type add is 2x slower
    a2 = g(z2, out=w.a2_x)
    if a2 is not w.a2:  # computed in a1's dtype (float32); a2 is float64 from here on
        a2 = w.a2
        np.copyto(a2, w.a2_x)
    z3 = np.matmul(a2, W2[:, 1:].T, out=w.z3)
    z3 += W2[:, 0]
    return Activations(a1, z2, a2, z3, g(z3, out=w.a3))


def hidden_error(delta3, W2, a2, activation="sigmoid", bug=None, work=None):
    """delta2 = (delta3 W2[:, 1:]) * g'(z2): an output error carried back to the hidden units.

    Saliency (saliency.py) calls it too, with one row of delta3 per output unit.
    """
    delta2 = np.matmul(delta3, W2[:, 1:], out=None if work is None else work.delta2)
    if bug != "no derivative":
        # The slope from the activation a2 = g(z2) itself: for the sigmoid, a2 (1 - a2).
        delta2 *= ACTIVATIONS[activation].derivative(a2, out=None if work is None else work.slope)
    return delta2


def backward(W1, W2, act, Y, lambd, activation="sigmoid", work=None, bug=None):
    """delta3, delta2 and J's gradient dW1, dW2 from the Activations act of a forward pass.

    Y: the one-hot labels (m, 10). bug: None (the true gradient) or one of MISTAKES.
    """
    if bug is not None and bug not in MISTAKES:
        raise ValueError(f"bug must be None or one of {', '.join(MISTAKES)}, found {bug!r}")
    m = act.a1.shape[0]
    w = work if work is not None else Workspace(m, W1.shape[0], act.a1.dtype, W2.shape[0])
    delta3 = np.subtract(act.a3, Y, out=w.delta3)
    if bug == "sign":  # y - a3: the data part of the gradient points uphill
        np.negative(delta3, out=delta3)
    delta2 = hidden_error(delta3, W2, act.a2, activation, bug, w)

    dW1 = np.empty_like(W1)
    dW2 = np.empty_like(W2)
    # Column sums as a product with ones: faster than .sum(axis=0) on C-ordered rows.
    dW1[:, 0] = w.ones @ delta2
    if w.delta2_x is not delta2:
        np.copyto(w.delta2_x, delta2)  # in a1's dtype, for the second big product
    dW1[:, 1:] = w.delta2_x.T @ act.a1
    dW2[:, 0] = w.ones @ delta3
    dW2[:, 1:] = delta3.T @ act.a2
    if bug != "no 1/m":
        dW1 /= m
        dW2 /= m
    # Biases are left out of the penalty: shrinking them would not make the model simpler.
    first = 0 if bug == "bias penalised" else 1  # the bug penalises column 0, the bias, too
    dW1[:, first:] += (lambd / m) * W1[:, first:]
    dW2[:, first:] += (lambd / m) * W2[:, first:]
    return Gradients(delta3, delta2, dW1, dW2)
