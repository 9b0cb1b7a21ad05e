"""The cost J that training minimises, and its gradient, from one forward pass.

How it works
1. Forward: a2 = sigmoid(a1 W1^T), a3 = sigmoid(a2 W2^T) (bias columns first).
2. Cost: cross-entropy between a3 and the one-hot labels Y, averaged over the m
   examples, plus (lambda / 2m) times the sum of squared weights, biases excluded.
3. Backward: delta3 = a3 - Y; delta2 = (delta3 W2[:, 1:]) * a2 (1 - a2).
4. Gradients: dW2 = delta3^T [1, a2] / m, dW1 = delta2^T [1, a1] / m, plus
   (lambda / m) W on the non-bias columns.

    J = -1/m sum_i sum_k [ y_k log a3_k + (1 - y_k) log(1 - a3_k) ]
        + lambda / (2m) (sum W1[:, 1:]^2 + sum W2[:, 1:]^2)

All m examples go through at once as matrices: no Python loop over examples. For speed,
training reuses scratch matrices (Workspace) and runs the two big products in float32.
"""

import numpy as np
from scipy.special import expit

from .errors import DataFormatError
from .network import N_OUTPUTS, Network, sigmoid


def one_hot(y, n_classes=N_OUTPUTS):
    """Labels 0-9 (m,) as rows of a (m, 10) matrix Y with a single 1 in column y."""
    Y = np.zeros((len(y), n_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y


def check_labels(y, m):
    """y as int labels 0-9 of length m, or DataFormatError saying what differs."""
    y = np.asarray(y)
    if y.shape != (m,):
        raise DataFormatError(f"y must hold {m} labels (one per row of X), found shape {y.shape}")
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
        raise DataFormatError("labels must be numbers 0-9, found non-numeric or non-finite values")
    if np.any(y != np.round(y)) or y.min() < 0 or y.max() > 9:
        raise DataFormatError(f"labels must be whole numbers 0-9, found values from {y.min()} to {y.max()}")
    return y.astype(np.intp)


def cost_terms(W1, W2, X, Y, lambd):
    """(data term, regularization term) of J, without the gradient."""
    a2 = sigmoid(X @ W1[:, 1:].T + W1[:, 0])
    z3 = a2 @ W2[:, 1:].T + W2[:, 0]
    m = X.shape[0]
    # -y log(sigmoid z) - (1-y) log(1 - sigmoid z) = log(1 + e^z) - y z, computed by
    # logaddexp without ever taking log(0) when an output saturates at 0 or 1.
    data = float(np.sum(np.logaddexp(0.0, z3) - Y * z3)) / m
    reg = lambd / (2 * m) * (float(np.sum(W1[:, 1:] ** 2)) + float(np.sum(W2[:, 1:] ** 2)))
    return data, reg


def _sigmoid_in_place(z):
    """1 / (1 + e^-z) written over z; numpy's vectorised exp makes it ~2x faster than expit."""
    with np.errstate(over="ignore"):  # e^-z = inf for very negative z gives 1 / inf = 0: right
        np.exp(np.negative(z, out=z), out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


class Workspace:
    """Scratch matrices for one data set, reused by every call the optimizer makes.

    dtype is X's: the two big products (X W1^T and delta2^T X) run in it.
    """

    def __init__(self, m, n_hidden, dtype=np.float64):
        # Fresh (m, h) temporaries on every call cost page faults that took longer than the
        # arithmetic on them (measured in benchmarks/train_speed.py); these are made once.
        self.z2 = np.empty((m, n_hidden), dtype)
        self.a2 = np.empty((m, n_hidden))
        self.delta2 = np.empty((m, n_hidden))
        self.delta2_x = np.empty((m, n_hidden), dtype)
        self.slope = np.empty((m, n_hidden))
        self.z3 = np.empty((m, N_OUTPUTS))
        self.a3 = np.empty((m, N_OUTPUTS))
        self.tmp3 = np.empty((m, N_OUTPUTS))
        self.row = np.empty(m)
        self.ones = np.ones(m)


def cost_and_gradient_arrays(W1, W2, X, Y, lambd, work=None):
    """J and (dW1, dW2) for plain arrays; the optimizer's inner loop calls this.

    Inputs are trusted here (checked once by the public functions). work: a Workspace
    for X's shape to reuse between calls. If X is float32 (training passes it so), the
    two big products run in float32 and everything else in float64.
    """
    m = X.shape[0]
    w = work if work is not None else Workspace(m, W1.shape[0], X.dtype)
    W1x = W1[:, 1:].astype(X.dtype)  # in X's dtype, for the first big product
    W2x = W2[:, 1:]

    # Forward pass, bias added as a separate term instead of a column of ones.
    z2 = np.matmul(X, W1x.T, out=w.z2)
    z2 += W1[:, 0].astype(X.dtype)  # same dtype as z2: a mixed-type add is 2x slower
    a2 = w.a2
    np.copyto(a2, _sigmoid_in_place(z2))
    z3 = np.matmul(a2, W2x.T, out=w.z3)
    z3 += W2[:, 0]
    a3 = expit(z3, out=w.a3)
    # -y log(a3) - (1-y) log(1-a3) = log(1 + e^z3) - y z3, and log(1 + e^z) equals
    # max(z, 0) - log(max(a3, 1 - a3)): a log of numbers in [1/2, 1] only, never log(0),
    # and cheaper than np.logaddexp (measured).
    p = np.maximum(a3, np.subtract(1.0, a3, out=w.tmp3), out=w.tmp3)
    # The log of each row's product instead of 10 logs: 10 numbers >= 1/2 cannot underflow.
    data = -float(np.log(np.prod(p, axis=1, out=w.row)).sum())
    data += float(np.maximum(z3, 0.0, out=w.tmp3).sum()) - float(np.vdot(Y, z3))
    data /= m
    reg = lambd / (2 * m) * (float(np.vdot(W1[:, 1:], W1[:, 1:])) + float(np.vdot(W2x, W2x)))

    # Backward pass. The sigmoid's derivative is taken from its output: a2 (1 - a2).
    delta3 = np.subtract(a3, Y, out=w.a3)
    delta2 = np.matmul(delta3, W2x, out=w.delta2)
    delta2 *= a2
    delta2 *= np.subtract(1.0, a2, out=w.slope)

    dW1 = np.empty_like(W1)
    dW2 = np.empty_like(W2)
    # Column sums as a product with ones: faster than .sum(axis=0) on C-ordered rows.
    dW1[:, 0] = w.ones @ delta2
    np.copyto(w.delta2_x, delta2)  # in X's dtype, for the second big product
    dW1[:, 1:] = w.delta2_x.T @ X
    dW2[:, 0] = w.ones @ delta3
    dW2[:, 1:] = delta3.T @ a2
    dW1 /= m
    dW2 /= m
    # Biases are left out of the penalty: shrinking them would not make the model simpler.
    dW1[:, 1:] += (lambd / m) * W1[:, 1:]
    dW2[:, 1:] += (lambd / m) * W2x
    return data + reg, dW1, dW2


def check_lambda(lambd):
    lambd = float(lambd)
    if not np.isfinite(lambd) or lambd < 0:
        raise DataFormatError(f"lambda must be a finite number >= 0, found {lambd}")
    return lambd


def cost_and_gradient(net, X, y, lambd):
    """The tutorial's regularized cost J and its gradient (dW1, dW2) for Network net.

    y may be labels 0-9 (m,) or a one-hot matrix (m, 10).
    """
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core.Network, found {type(net).__name__}")
    X = net.check_inputs(X)
    y = np.asarray(y)
    Y = y.astype(np.float64) if y.ndim == 2 else one_hot(check_labels(y, X.shape[0]))
    if Y.shape != (X.shape[0], N_OUTPUTS):
        raise DataFormatError(f"one-hot y must have shape ({X.shape[0]}, 10), found {Y.shape}")
    J, dW1, dW2 = cost_and_gradient_arrays(net.W1, net.W2, X, Y, check_lambda(lambd))
    return J, (dW1, dW2)
