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

All m examples go through at once as matrices: no Python loop over examples.
"""

import numpy as np

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


def cost_and_gradient_arrays(W1, W2, X, Y, lambd):
    """J and (dW1, dW2) for plain arrays; the optimizer's inner loop calls this.

    Inputs are trusted here (checked once by the public functions).
    """
    m = X.shape[0]
    # Forward pass, bias added as a separate term instead of a column of ones.
    a2 = sigmoid(X @ W1[:, 1:].T + W1[:, 0])
    z3 = a2 @ W2[:, 1:].T + W2[:, 0]
    a3 = sigmoid(z3)
    data = float(np.sum(np.logaddexp(0.0, z3) - Y * z3)) / m
    reg = lambd / (2 * m) * (float(np.sum(W1[:, 1:] ** 2)) + float(np.sum(W2[:, 1:] ** 2)))

    # Backward pass. The sigmoid's derivative is taken from its output: a2 (1 - a2).
    delta3 = a3 - Y
    delta2 = (delta3 @ W2[:, 1:]) * a2 * (1.0 - a2)

    dW1 = np.empty_like(W1)
    dW1[:, 0] = delta2.sum(axis=0)
    dW1[:, 1:] = delta2.T @ X
    dW2 = np.empty_like(W2)
    dW2[:, 0] = delta3.sum(axis=0)
    dW2[:, 1:] = delta3.T @ a2
    dW1 /= m
    dW2 /= m
    # Biases are left out of the penalty: shrinking them would not make the model simpler.
    dW1[:, 1:] += (lambd / m) * W1[:, 1:]
    dW2[:, 1:] += (lambd / m) * W2[:, 1:]
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
