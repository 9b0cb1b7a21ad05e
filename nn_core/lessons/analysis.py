"""Looking at data and at what a trained network learned: counts, means, PCA, hidden units.

How it works
1. Class counts and class means: group the rows of X by their label y and
   count them or average them (the "mean digit" of each class).
2. PCA: centre X (subtract the mean digit), take the SVD  X_c = U S V^T.
   The rows of V^T are the principal directions, orthonormal, ordered by the
   variance they explain, S^2 / (m - 1). Each digit's 2-D map position is its
   centred pixels times the first two directions: X_c V[:, :2].
3. Hidden units: the activations a2 = g(z2) of every example (from
   Network.forward). The examples that excite unit j most are the rows with the
   largest a2[:, j]; its mean activation per class is a2[:, j] averaged by label.
   A deeper layer is looked at the same way: pass its activations, Activations.a[l].
4. Anything random (which digits to show, which to sample) takes a seed.

Pure numpy: no plotting here; the dashboard's pages draw what these return.
"""

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import DataFormatError
from ..network.network import N_OUTPUTS


def class_counts(y, n_classes=N_OUTPUTS):
    """How many examples of each digit 0..n_classes-1."""
    return np.bincount(np.asarray(y, dtype=np.intp), minlength=n_classes)[:n_classes]


def class_means(X, y, n_classes=N_OUTPUTS):
    """Row d is the average of the examples labelled d (NaN where digit d has no examples)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    means = np.full((n_classes, X.shape[1]), np.nan)
    for d in range(n_classes):
        rows = X[y == d]
        if len(rows):
            means[d] = rows.mean(axis=0)
    return means


def pixel_histogram(X, bins=20):
    """Counts of all pixel values in `bins` equal bins over their range: (counts, edges)."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = float(X.min()), float(X.max())
    if hi <= lo:  # every pixel the same: one bin of width 1 around it
        lo, hi = lo - 0.5, hi + 0.5
    return np.histogram(X, bins=bins, range=(lo, hi))


@dataclass(frozen=True)
class PCA:
    """A fitted principal component analysis; transform() maps new rows to the same axes."""

    mean: np.ndarray  # (n,) the mean digit
    components: np.ndarray  # (k, n) orthonormal directions, most variance first
    explained_variance: np.ndarray  # (k,) variance along each direction
    explained_ratio: np.ndarray  # (k,) share of the total variance

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.mean) @ self.components.T


def pca(X, k=2):
    """The first k principal directions of the rows of X, from the SVD of the centred data."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) < 2:
        raise DataFormatError(f"PCA needs a 2-D array with at least 2 rows, found shape {X.shape}")
    k = int(min(k, *X.shape))
    mean = X.mean(axis=0)
    # full_matrices=False: V^T is (min(m, n), n), never the huge (n, n) or (m, m) bases.
    # One BLAS thread: on a busy 2-core server, threads fighting each other made it 10x slower.
    with threadpool_limits(limits=1, user_api="blas"):
        _, S, Vt = np.linalg.svd(X - mean, full_matrices=False)
    variance = S**2 / (len(X) - 1)
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    return PCA(mean, Vt[:k], variance[:k], ratio[:k])


def sample_indices(m, size, seed=0):
    """`size` distinct indices out of range(m) (all of them, shuffled, if size >= m), seeded."""
    rng = np.random.default_rng(seed)
    return rng.permutation(m)[: min(int(size), m)]


def top_activating(a2, unit, k=12):
    """Indices of the k examples with the largest activation of hidden unit `unit`, largest first."""
    column = np.asarray(a2)[:, unit]
    k = min(int(k), len(column))
    # Stable sort of -a so that ties keep index order: the result is reproducible.
    return np.argsort(-column, kind="stable")[:k]


def mean_activation_per_class(a2, y, n_classes=N_OUTPUTS):
    """(n_classes, h): row d is the hidden layer's average activation over the examples of digit d."""
    return class_means(a2, y, n_classes)
