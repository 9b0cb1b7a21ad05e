"""The cost J that training minimises, and its gradient, from one forward pass.

How it works
1. Forward pass (backprop.forward): the layers a1, z2, a2, z3, a3 of all m examples at once.
2. Cost: cross-entropy between a3 and the one-hot labels Y, averaged over the m
   examples, plus (lambda / 2m) times the sum of squared weights, biases excluded.
3. Backward pass (backprop.backward) on the same activations: delta3, delta2, dW1, dW2.
4. cost_and_gradient returns (J, (dW1, dW2)), what scipy's minimize(jac=True) asks for.

    J = -1/m sum_i sum_k [ y_k log a3_k + (1 - y_k) log(1 - a3_k) ]
        + lambda / (2m) (sum W1[:, 1:]^2 + sum W2[:, 1:]^2)

No Python loop over examples. Training passes a Workspace and float32 X: the same functions
then reuse scratch matrices and run the two big products in float32 (backprop.py).
"""

import numpy as np

from ..errors import DataFormatError
from .backprop import Workspace, backward, forward
from .network import N_OUTPUTS, Network


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
    """(data term, regularization term) of J for the weights W1, W2 on X, Y."""
    return terms(W1, W2, forward(W1, W2, np.asarray(X, dtype=np.float64)), Y, lambd)


def terms(W1, W2, act, Y, lambd, work=None):
    """J's (data term, regularization term) from a forward pass's Activations act.

    -y log(a3) - (1-y) log(1-a3) = log(1 + e^z3) - y z3, and log(1 + e^z) equals
    max(z, 0) - log(max(a3, 1 - a3)): a log of numbers in [1/2, 1] only, never log(0) when
    an output saturates at 0 or 1, and cheaper than np.logaddexp (measured).
    """
    z3, a3 = act.z3, act.a3
    m = z3.shape[0]
    t = work.terms if work is not None else np.empty_like(a3)
    row = work.row if work is not None else np.empty(m)
    p = np.maximum(a3, np.subtract(1.0, a3, out=t), out=t)
    # The log of each row's product instead of 10 logs: 10 numbers >= 1/2 cannot underflow.
    data = -float(np.log(np.prod(p, axis=1, out=row)).sum())
    data += float(np.maximum(z3, 0.0, out=t).sum()) - float(np.vdot(Y, z3))
    # Biases are left out of the penalty: shrinking them would not make the model simpler.
    W1x, W2x = W1[:, 1:], W2[:, 1:]
    reg = lambd / (2 * m) * (float(np.vdot(W1x, W1x)) + float(np.vdot(W2x, W2x)))
    return data / m, reg


def cost_and_gradient_arrays(W1, W2, X, Y, lambd, work=None, bug=None):
    """J and (dW1, dW2) for plain arrays: one forward pass, J, one backward pass.

    The optimizer's inner loop calls this; inputs are trusted (checked once by the public
    functions). work: a Workspace for X's shape, reused between calls; with float32 X the two
    big products run in float32 (backprop.py). bug: a deliberate mistake for the gradient-check
    demo (backprop.MISTAKES).
    """
    work = work if work is not None else Workspace(X.shape[0], W1.shape[0], X.dtype, W2.shape[0])
    act = forward(W1, W2, X, work=work)
    data, reg = terms(W1, W2, act, Y, lambd, work)
    grad = backward(W1, W2, act, Y, lambd, work=work, bug=bug)
    return data + reg, grad.dW1, grad.dW2


def check_lambda(lambd):
    lambd = float(lambd)
    if not np.isfinite(lambd) or lambd < 0:
        raise DataFormatError(f"lambda must be a finite number >= 0, found {lambd}")
    return lambd


def cost_and_gradient(net, X, y, lambd, dtype=np.float64):
    """The tutorial's regularized cost J and its gradient (dW1, dW2) for Network net.

    y may be labels 0-9 (m,) or a one-hot matrix (m, 10). dtype=np.float32 runs the two big
    products in float32, as training does; J and the gradient agree to about 1e-6 relative.
    """
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core.Network, found {type(net).__name__}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise DataFormatError(f"dtype must be float32 or float64, found {np.dtype(dtype)}")
    X = net.check_inputs(X)
    y = np.asarray(y)
    Y = y.astype(np.float64) if y.ndim == 2 else one_hot(check_labels(y, X.shape[0]))
    if Y.shape != (X.shape[0], N_OUTPUTS):
        raise DataFormatError(f"one-hot y must have shape ({X.shape[0]}, 10), found {Y.shape}")
    J, dW1, dW2 = cost_and_gradient_arrays(net.W1, net.W2, X.astype(dtype, copy=False), Y,
                                           check_lambda(lambd))
    return J, (dW1, dW2)
