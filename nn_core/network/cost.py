"""The cost J that training minimises, and its gradient, from one forward pass.

How it works
1. Forward pass (backprop.forward): the layers a1, z2, a2, ..., aL of all m examples at once.
2. Cost: the output's cross-entropy with the one-hot labels Y, averaged over the m examples,
   plus (lambda / 2m) times the sum of squared weights, biases excluded.
3. Backward pass (backprop.backward) on the same activations: the deltas and one dW per matrix.
4. cost_and_gradient returns (J, (dW1, dW2, ...)), what scipy's minimize(jac=True) asks for.

Sigmoid outputs (the tutorial's): ten yes/no questions, each with its own cross-entropy
    J = -1/m sum_i sum_k [ y_k log a_k + (1 - y_k) log(1 - a_k) ] + lambda/(2m) sum_l ||W_l[:, 1:]||^2
Softmax outputs: one ten-way question, the multinomial cross-entropy
    J = -1/m sum_i sum_k y_k log a_k + the same penalty.

No Python loop over examples. Training passes a Workspace and float32 X: the same functions
then reuse scratch matrices and run the two big products in float32 (backprop.py).
"""

import numpy as np

from ..errors import DataFormatError
from .backprop import Workspace, backward, forward
from .knobs import check_lambda
from .network import N_OUTPUTS, Network

__all__ = ["Workspace", "check_lambda", "cost_and_gradient", "cost_and_gradient_arrays",
           "cost_terms", "one_hot", "check_labels", "terms"]


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


def cost_terms(*args):
    """(data term, regularization term) of J: cost_terms(net, X, Y, lambd) for any Network,
    or the tutorial's cost_terms(W1, W2, X, Y, lambd); Y one-hot."""
    if isinstance(args[0], Network):
        net, X, Y, lambd = args
        weights, activation, output = net.weights, net.activation, net.output
    else:
        W1, W2, X, Y, lambd = args
        weights, activation, output = [W1, W2], "sigmoid", "sigmoid"
    act = forward(weights, np.asarray(X, dtype=np.float64), activation, output)
    return terms(weights, act, Y, lambd, output)


def terms(weights, act, Y, lambd, output="sigmoid", work=None):
    """J's (data term, regularization term) from a forward pass's Activations act.

    Sigmoid: -y log(a) - (1-y) log(1-a) = log(1 + e^z) - y z, and log(1 + e^z) equals
    max(z, 0) - log(max(a, 1 - a)): a log of numbers in [1/2, 1] only, never log(0) when
    an output saturates at 0 or 1, and cheaper than np.logaddexp (measured).
    Softmax: -log a_y = log sum_k e^z_k - z_y, the log-sum taken after subtracting the row's
    largest z, so that it can neither overflow nor take log(0).
    """
    z, a = act.z[-1], act.output
    m = z.shape[0]
    t = work.terms if work is not None else np.empty_like(a)
    row = work.row if work is not None else np.empty(m)
    if output == "softmax":
        top = np.max(z, axis=1, out=row)
        np.exp(np.subtract(z, top[:, None], out=t), out=t)
        data = float(np.log(t.sum(axis=1)).sum()) + float(top.sum()) - float(np.vdot(Y, z))
    else:
        p = np.maximum(a, np.subtract(1.0, a, out=t), out=t)
        # The log of each row's product instead of 10 logs: 10 numbers >= 1/2 cannot underflow.
        data = -float(np.log(np.prod(p, axis=1, out=row)).sum())
        data += float(np.maximum(z, 0.0, out=t).sum()) - float(np.vdot(Y, z))
    # Biases are left out of the penalty: shrinking them would not make the model simpler.
    squares = 0.0
    for W in weights:
        Wx = W[:, 1:]
        squares += float(np.vdot(Wx, Wx))
    return data / m, lambd / (2 * m) * squares


def cost_and_gradient_arrays(weights, X, Y, lambd, activation="sigmoid", output="sigmoid",
                             work=None, bug=None):
    """J and (dW1, ..., dWL) for plain arrays: one forward pass, J, one backward pass.

    The optimizer's inner loop calls this; inputs are trusted (checked once by the public
    functions). work: a Workspace for X's shape, reused between calls; with float32 X the two
    big products run in float32 (backprop.py). bug: a deliberate mistake for the gradient-check
    demo (backprop.MISTAKES).
    """
    act = forward(weights, X, activation, output, work)
    data, reg = terms(weights, act, Y, lambd, output, work)
    grad = backward(weights, act, Y, lambd, activation, work, bug)
    return data + reg, grad.grads


def cost_and_gradient(net, X, y, lambd, dtype=np.float64):
    """The regularized cost J and its gradient (dW1, dW2, ...), one per matrix, for net.

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
    J, grads = cost_and_gradient_arrays(net.weights, X.astype(dtype, copy=False), Y,
                                        check_lambda(lambd), net.activation, net.output)
    return J, tuple(grads)
