"""The forward pass and the backward pass (backprop), side by side: the only copy of each.

How it works
1. Forward: z2 = a1 W1[:, 1:]^T + W1[:, 0], a2 = g(z2), z3 = a2 W2[:, 1:]^T + W2[:, 0], ...
   layer after layer, with g the hidden activation and the output function (sigmoid or
   softmax) on the last layer; one example per row. Each bias is added on its own rather than
   gluing a column of ones onto a1 (a copy of the whole data set).
2. Output error: delta_L = a_L - y (delta3 in the tutorial's one-hidden-layer network). For
   sigmoid outputs with the cross-entropy, and for softmax with the multinomial one, this is
   exactly dJ/dz_L of each example: the log's and the output function's derivatives cancel.
3. Hidden errors, from the last hidden layer back: delta_l = (delta_l+1 W_l[:, 1:]) * g'(z_l),
   the slope g'(z_l) taken from a_l (delta2 = (delta3 W2[:, 1:]) * a2 (1 - a2) in the tutorial).
4. Gradients: dW_l = delta_l+1^T [1, a_l] / m, plus (lambda / m) W_l on the non-bias columns.

Training passes a Workspace: scratch matrices made once for its data set and reused by every
call the optimizer makes. With float32 inputs a1 (training passes X so), the two big products
a1 W1^T and delta2^T a1 run in float32 and everything else in float64. Without a Workspace the
passes allocate their results. backward(bug=...) makes one of the classic mistakes of MISTAKES
on purpose, in every layer, for the gradient-check demo (teaching.py).
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, OUTPUTS

MISTAKES = ("no derivative", "bias penalised", "no 1/m", "sign")


@dataclass(frozen=True)
class Activations:
    """Every layer of one forward pass (rows are examples): a = (a1, a2, ..., aL) and
    z = (z2, ..., zL), with the tutorial's names as properties; output is aL."""

    a: tuple
    z: tuple

    a1 = property(lambda self: self.a[0])
    a2 = property(lambda self: self.a[1])
    a3 = property(lambda self: self.a[2])  # the output only for one hidden layer
    z2 = property(lambda self: self.z[0])
    z3 = property(lambda self: self.z[1])
    output = property(lambda self: self.a[-1])


@dataclass(frozen=True)
class Gradients:
    """What the backward pass finds: the errors deltas = (delta2, ..., deltaL) and grads, one
    dW per weight matrix (dW1, dW2, ...)."""

    deltas: tuple
    grads: tuple

    delta2 = property(lambda self: self.deltas[0])
    delta3 = property(lambda self: self.deltas[1])
    dW1 = property(lambda self: self.grads[0])
    dW2 = property(lambda self: self.grads[1])


class Workspace:
    """Scratch matrices for m examples and the hidden layer sizes (an int or a tuple); dtype is
    that of the inputs a1."""

    def __init__(self, m, hidden_size, dtype=np.float64, n_outputs=10):
        # Fresh (m, h) temporaries on every call cost page faults that took longer than the
        # arithmetic on them (measured in benchmarks/train_speed.py); these are made once.
        sizes = (hidden_size,) if np.ndim(hidden_size) == 0 else tuple(hidden_size)
        layers = (*sizes, n_outputs)
        wide = np.dtype(dtype) == np.float64
        self.z = [np.empty((m, layers[0]), dtype)] + [np.empty((m, k)) for k in layers[1:]]
        self.a = [np.empty((m, k)) for k in layers]  # a2 ... aL
        self.a2_x = self.a[0] if wide else np.empty((m, sizes[0]), dtype)
        self.delta = [np.empty((m, k)) for k in layers]  # delta2 ... deltaL
        self.delta2_x = self.delta[0] if wide else np.empty((m, sizes[0]), dtype)
        self.slope = [np.empty((m, k)) for k in sizes]
        self.terms = np.empty((m, n_outputs))  # for the cost's terms (cost.py)
        self.row = np.empty(m)
        self.ones = np.ones(m)


def _workspace(weights, a1):
    return Workspace(a1.shape[0], [W.shape[0] for W in weights[:-1]], a1.dtype, weights[-1].shape[0])


def forward(weights, a1, activation="sigmoid", output="sigmoid", work=None):
    """Activations (a1, a2, ..., aL) and (z2, ..., zL) for the rows of a1, given the weight
    matrices [W1, W2, ...] (trusted here: Network.forward checks)."""
    g = ACTIVATIONS[activation].function
    w = work if work is not None else _workspace(weights, a1)
    W1 = weights[0]
    z = np.matmul(a1, W1[:, 1:].astype(a1.dtype).T, out=w.z[0])
    z += W1[:, 0].astype(a1.dtype)  # same dtype as z2: a mixed-type add is 2x slower
    a = g(z, out=w.a2_x)
    if a is not w.a[0]:  # computed in a1's dtype (float32); a2 is float64 from here on
        a = w.a[0]
        np.copyto(a, w.a2_x)
    a_s, z_s = [a1, a], [z]
    last = len(weights) - 1
    for l in range(1, last + 1):
        W = weights[l]
        z = np.matmul(a, W[:, 1:].T, out=w.z[l])
        z += W[:, 0]
        a = (OUTPUTS[output] if l == last else g)(z, out=w.a[l])
        a_s.append(a)
        z_s.append(z)
    return Activations(tuple(a_s), tuple(z_s))


def hidden_error(delta_next, W_next, a, activation="sigmoid", bug=None, out=None, slope=None):
    """delta_l = (delta_l+1 W_l[:, 1:]) * g'(z_l): the next layer's error carried back to the
    hidden units a (delta2 = (delta3 W2[:, 1:]) * g'(z2) in the tutorial).

    Saliency (saliency.py) calls it too, with one row of the output error per output unit.
    """
    delta = np.matmul(delta_next, W_next[:, 1:], out=out)
    if bug != "no derivative":
        # The slope from the activation a = g(z) itself: for the sigmoid, a (1 - a).
        delta *= ACTIVATIONS[activation].derivative(a, out=slope)
    return delta


def backward(weights, act, Y, lambd, activation="sigmoid", work=None, bug=None):
    """The errors delta2..deltaL and J's gradient dW1..dWL from the Activations act of a
    forward pass. Y: the one-hot labels (m, 10). bug: None (the true gradient) or one of
    MISTAKES. The output function needs no name here: delta_L = a_L - y for both.
    """
    if bug is not None and bug not in MISTAKES:
        raise ValueError(f"bug must be None or one of {', '.join(MISTAKES)}, found {bug!r}")
    m = act.a1.shape[0]
    w = work if work is not None else _workspace(weights, act.a1)
    L = len(weights)
    deltas = [np.subtract(act.output, Y, out=w.delta[L - 1])]
    if bug == "sign":  # y - aL: the data part of the gradient points uphill
        np.negative(deltas[0], out=deltas[0])
    for l in range(L - 1, 0, -1):  # weights[l] carries layer l+2's error back to layer l+1
        deltas.insert(0, hidden_error(deltas[0], weights[l], act.a[l], activation, bug,
                                      w.delta[l - 1], w.slope[l - 1]))
    grads = []
    for l, W in enumerate(weights):
        dW = np.empty_like(W)
        # Column sums as a product with ones: faster than .sum(axis=0) on C-ordered rows.
        dW[:, 0] = w.ones @ deltas[l]
        if l == 0 and w.delta2_x is not deltas[0]:
            np.copyto(w.delta2_x, deltas[0])  # in a1's dtype, for the second big product
        dW[:, 1:] = (w.delta2_x if l == 0 else deltas[l]).T @ act.a[l]
        if bug != "no 1/m":
            dW /= m
        # Biases are left out of the penalty: shrinking them would not make the model simpler.
        first = 0 if bug == "bias penalised" else 1  # the bug penalises column 0, the bias, too
        dW[:, first:] += (lambd / m) * W[:, first:]
        grads.append(dW)
    return Gradients(tuple(deltas), tuple(grads))
