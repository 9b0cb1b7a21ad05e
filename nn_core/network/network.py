"""The tutorial's network: inputs -> hidden sigmoid layer -> 10 sigmoid outputs.

How it works
1. a1 is one example's pixels (n values); W1 (h x n+1) turns it into z2 = W1 [1; a1].
2. a2 = sigmoid(z2) is the hidden layer: h numbers between 0 and 1.
3. z3 = W2 [1; a2] with W2 (10 x h+1), and a3 = sigmoid(z3) are the 10 outputs.
4. Output unit d stands for digit d; the prediction is the unit with the largest a3.

The bias column is the first column of W1 and W2, as in the tutorial's W1.in / W2.in.
The forward pass itself, and the backward pass next to it, are in backprop.py.
"""

import numpy as np

from ..errors import DataFormatError
from .backprop import forward

N_OUTPUTS = 10
# The hidden-layer sizes the project trains and every page can draw (the Grade page shows each
# unit's W1 row as an image). The tutorial uses 25; 400 hidden units are as many as pixels.
HIDDEN_RANGE = (1, 400)


def check_hidden_size(h, what="hidden_size"):
    """h if it is a whole number in HIDDEN_RANGE, else DataFormatError saying expected and found."""
    lo, hi = HIDDEN_RANGE
    if not (isinstance(h, (int, np.integer)) and not isinstance(h, bool) and lo <= h <= hi):
        raise DataFormatError(f"{what}: expected a whole number of hidden units from {lo} to {hi}, "
                              f"found {h!r}")
    return int(h)


class Network:
    """Weights W1 (h, n+1) and W2 (10, h+1), bias column first; row d of W2 is digit d."""

    def __init__(self, W1, W2):
        W1 = np.array(W1, dtype=np.float64)
        W2 = np.array(W2, dtype=np.float64)
        if W1.ndim != 2 or W1.shape[1] < 2:
            raise DataFormatError(f"W1 must be a 2-D array (hidden, inputs + 1), found shape {W1.shape}")
        if W2.ndim != 2 or W2.shape[0] != N_OUTPUTS:
            raise DataFormatError(f"W2 must have {N_OUTPUTS} rows (one per digit), found shape {W2.shape}")
        if W2.shape[1] != W1.shape[0] + 1:
            raise DataFormatError(
                f"W2 must have {W1.shape[0] + 1} columns for {W1.shape[0]} hidden units "
                f"(bias first), found {W2.shape[1]}"
            )
        if not (np.isfinite(W1).all() and np.isfinite(W2).all()):
            raise DataFormatError("weights must be finite numbers, found NaN or infinity")
        self.W1 = W1
        self.W2 = W2

    @classmethod
    def random(cls, n_inputs, hidden_size, n_outputs=N_OUTPUTS, seed=0):
        """Uniform in +-sqrt(6)/sqrt(L_in + L_out) per layer, from a seeded generator.

        Small random weights break the symmetry between hidden units: if they all
        started equal they would all learn the same thing.
        """
        if n_outputs != N_OUTPUTS:
            raise DataFormatError(f"the network has {N_OUTPUTS} outputs (digits 0-9), asked for {n_outputs}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        eps1 = np.sqrt(6) / np.sqrt(n_inputs + hidden_size)
        eps2 = np.sqrt(6) / np.sqrt(hidden_size + n_outputs)
        W1 = rng.uniform(-eps1, eps1, size=(hidden_size, n_inputs + 1))
        W2 = rng.uniform(-eps2, eps2, size=(n_outputs, hidden_size + 1))
        return cls(W1, W2)

    @property
    def n_inputs(self):
        return self.W1.shape[1] - 1

    @property
    def hidden_size(self):
        return self.W1.shape[0]

    @property
    def layer_sizes(self):
        return (self.n_inputs, self.hidden_size, N_OUTPUTS)

    def copy(self):
        return Network(self.W1.copy(), self.W2.copy())

    def check_inputs(self, X):
        """X as a float (m, n) array matching W1, or DataFormatError saying what differs."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise DataFormatError(
                f"the network takes {self.n_inputs} inputs per example, found data of shape {X.shape}"
            )
        return X

    def forward(self, X):
        """All activations a1, z2, a2, z3, a3 for the rows of X (the dashboard draws them)."""
        return forward(self.W1, self.W2, self.check_inputs(X))

    def predict_proba(self, X):
        """The 10 output activations a3 per example, shape (m, 10)."""
        return self.forward(X).a3

    def predict(self, X):
        """The digit (0-9) whose output unit is largest, per example."""
        return np.argmax(self.predict_proba(X), axis=1)

    def accuracy(self, X, y):
        """Fraction of examples whose predicted digit equals y; NaN when there are none (a data
        set too small to set validation or test digits aside has empty parts)."""
        y = np.asarray(y)
        if y.size == 0:
            return float("nan")
        return float(np.mean(self.predict(X) == y))

    def __eq__(self, other):
        return (
            isinstance(other, Network)
            and np.array_equal(self.W1, other.W1)
            and np.array_equal(self.W2, other.W2)
        )

    def __repr__(self):
        n, h, k = self.layer_sizes
        return f"Network({n}-{h}-{k})"


def pack(W1, W2):
    """W1 and W2 as one flat vector: only the optimizer sees the weights this way."""
    return np.concatenate([W1.ravel(), W2.ravel()])


def unpack(theta, n_inputs, hidden_size):
    """The inverse of pack: views into theta shaped as W1 (h, n+1) and W2 (10, h+1)."""
    split = hidden_size * (n_inputs + 1)
    W1 = theta[:split].reshape(hidden_size, n_inputs + 1)
    W2 = theta[split:].reshape(N_OUTPUTS, hidden_size + 1)
    return W1, W2
