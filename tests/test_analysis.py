"""nn_core.lessons.analysis against independent computations: loops, eigh, explicit sigmoid."""

from collections import Counter

import numpy as np
import pytest

from nn_core import DataFormatError, Network
from nn_core.lessons.analysis import (
    class_counts,
    class_means,
    mean_activation_per_class,
    pca,
    pixel_histogram,
    sample_indices,
    top_activating,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    # Correlated columns so the principal directions are well separated.
    X = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6)) * np.array([5, 3, 2, 1, 0.5, 0.1])
    y = rng.integers(0, 10, size=300)
    return X, y


def test_class_counts_match_a_counter():
    y = np.array([3, 3, 1, 9, 3, 0])
    counts = Counter(y.tolist())
    assert class_counts(y).tolist() == [counts.get(d, 0) for d in range(10)]


def test_class_means_are_averages_of_each_class_and_nan_when_empty():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [10.0, 0.0]])
    y = np.array([2, 2, 5])
    M = class_means(X, y)
    assert M.shape == (10, 2)
    np.testing.assert_allclose(M[2], [2.0, 3.0])  # (1+3)/2, (2+4)/2
    np.testing.assert_allclose(M[5], [10.0, 0.0])
    assert np.isnan(M[0]).all() and np.isnan(M[9]).all()


def test_class_means_equal_sums_over_rows_divided_by_counts(data):
    X, y = data
    sums, counts = np.zeros((10, X.shape[1])), np.zeros(10)
    for row, label in zip(X, y, strict=True):  # one example at a time, as by hand
        sums[label] += row
        counts[label] += 1
    np.testing.assert_allclose(class_means(X, y), sums / counts[:, None])


def test_pca_components_are_orthonormal_and_ordered(data):
    X, _ = data
    p = pca(X, k=4)
    assert p.components.shape == (4, 6)
    np.testing.assert_allclose(p.components @ p.components.T, np.eye(4), atol=1e-10)
    assert np.all(np.diff(p.explained_variance) <= 0)
    assert 0 < p.explained_ratio.sum() <= 1


def test_pca_matches_the_eigenvectors_of_the_covariance(data):
    X, _ = data
    p = pca(X, k=3)
    evals, evecs = np.linalg.eigh(np.cov(X, rowvar=False))
    order = np.argsort(evals)[::-1]
    np.testing.assert_allclose(p.explained_variance, evals[order][:3], rtol=1e-8)
    np.testing.assert_allclose(p.explained_ratio, evals[order][:3] / evals.sum(), rtol=1e-8)
    for j in range(3):
        # Eigenvectors are defined up to sign.
        assert abs(abs(p.components[j] @ evecs[:, order[j]]) - 1) < 1e-8


def test_pca_projection_is_centred_and_has_the_component_variance(data):
    X, _ = data
    p = pca(X, k=2)
    Z = p.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(Z.var(axis=0, ddof=1), p.explained_variance, rtol=1e-8)


def test_pca_rejects_too_little_data():
    with pytest.raises(DataFormatError, match="at least 2 rows"):
        pca(np.zeros((1, 5)))


def test_pca_of_constant_data_does_not_divide_by_zero():
    p = pca(np.ones((5, 3)), k=2)
    assert np.all(np.isfinite(p.explained_ratio))


def test_top_activating_are_the_repeated_argmax_of_independent_activations():
    rng = np.random.default_rng(3)
    net = Network.random(16, 5, seed=3)
    X = rng.uniform(size=(80, 16))
    # Activations computed here by hand, not with the library's forward pass.
    a2 = 1 / (1 + np.exp(-(X @ net.W1[:, 1:].T + net.W1[:, 0])))
    for unit in range(5):
        got = top_activating(net.forward(X).a2, unit, k=12)
        remaining = a2[:, unit].copy()
        expected = []
        for _ in range(12):
            i = int(np.argmax(remaining))
            expected.append(i)
            remaining[i] = -np.inf
        assert got.tolist() == expected


def test_top_activating_with_k_larger_than_m_returns_everything():
    a2 = np.array([[0.1], [0.9], [0.5]])
    assert top_activating(a2, 0, k=12).tolist() == [1, 2, 0]


def test_mean_activation_per_class_by_loop():
    rng = np.random.default_rng(5)
    a2 = rng.uniform(size=(50, 4))
    y = np.arange(50) % 10
    M = mean_activation_per_class(a2, y)
    assert M.shape == (10, 4)
    for d in range(10):
        for j in range(4):
            values = [a2[i, j] for i in range(50) if y[i] == d]
            assert M[d, j] == pytest.approx(sum(values) / len(values))


def test_pixel_histogram_counts_every_pixel():
    X = np.array([[0.0, 0.0, 1.0], [0.5, 1.0, 0.0]])
    counts, edges = pixel_histogram(X, bins=2)
    assert counts.tolist() == [3, 3]  # [0, 0.5): three zeros; [0.5, 1]: 0.5, 1, 1
    assert edges[0] == 0.0 and edges[-1] == 1.0
    counts, _ = pixel_histogram(np.zeros((3, 3)), bins=4)
    assert counts.sum() == 9


def test_sample_indices_are_distinct_seeded_and_capped():
    a, b = sample_indices(100, 10, seed=1), sample_indices(100, 10, seed=1)
    c = sample_indices(100, 10, seed=2)
    assert len(set(a.tolist())) == 10 and a.tolist() == b.tolist() and a.tolist() != c.tolist()
    assert sorted(sample_indices(5, 50).tolist()) == [0, 1, 2, 3, 4]

