"""Which way round are these weights? Find layout mistakes by trying every reading on real digits.

How it works
1. Start from W1 and W2 exactly as found in the files (before any conversion).
2. List every reading that fits their shapes: W1's pixel columns in row-major or column-major
   (Octave) order; W2's rows in digit order 0..9, class order 1..10 (the tutorial's: digit 0 is
   the last row) or shifted twice; W1 and W2 with their bias column first, missing (taken as 0),
   or with one extra column at the front or at the end.
3. Build the network each reading gives and measure its accuracy (and cost J at lambda = 0) on
   a sample of digits: the reading the weights were really written in reads the digits best.
4. Compare the best reading with the one the file format promises, and say what to fix.
"""

from dataclasses import dataclass, field
from itertools import product

import numpy as np

from ..digits.datasets import stratified_subset
from ..errors import DataFormatError, check_finite
from ..network.cost import check_labels, cost_terms, one_hot
from ..network.network import N_OUTPUTS, Network
from .archives import load_mat, load_npz, read_npz

# The fixes name layout.to_column_major / to_row_major: seed_files' own pixel-order conversions.
from .seed_files import to_column_major, to_row_major  # noqa: F401

# The raw arrays come from the same readers (and size checks) as every other file or upload.
from .sources import read_bytes
from .tables import read_table

PIXELS = {
    "column-major": "W1's pixel columns go column by column (Octave/MATLAB order)",
    "row-major": "W1's pixel columns go row by row (numpy's order)",
}
# How far W2's rows are rolled from digit order: app row d = file row (d - shift) mod 10.
ROWS = {
    "class order 1..10": 1,  # row j is class j + 1, so digit 0 (class 10) is the last row
    "digit order 0..9": 0,  # row d is digit d
    "class order, converted twice": 2,  # the 0..9 -> 1..10 conversion applied twice
}
COLUMNS = ("bias first", "bias missing", "extra first column", "extra last column")
CHANCE = 0.3  # below this accuracy no reading can be said to read digits
MARGIN = 0.02  # the promised reading counts as fitting when within this of the best


@dataclass(frozen=True)
class Reading:
    """One way to interpret raw W1/W2 arrays."""

    pixels: str = "column-major"
    rows: str = "class order 1..10"
    w1_columns: str = "bias first"
    w2_columns: str = "bias first"

    def describe(self):
        return (f"pixels {self.pixels} · W2 rows in {self.rows} · W1 {self.w1_columns} · "
                f"W2 {self.w2_columns}")


TUTORIAL = Reading()  # W1.in / W2.in and Coursera's Theta1 / Theta2
DIGIT_ORDER = Reading("row-major", "digit order 0..9")  # the dashboard's own layout (row d = digit d)


@dataclass(frozen=True)
class Candidate:
    reading: Reading
    network: Network
    accuracy: float
    cost: float  # data term of J (lambda = 0) on the sample
    expected: bool


@dataclass(frozen=True)
class LayoutReport:
    candidates: list  # Candidate, best first
    expected: Candidate | None  # the reading the file format promises, if its shapes fit
    status: str  # "as expected", "mistake" or "unclear"
    message: str
    fixes: list = field(default_factory=list)  # one plain sentence per thing to change

    @property
    def best(self):
        return self.candidates[0]

    @property
    def offers_choice(self):
        """True when the promised reading fits the shapes but another reads the digits better."""
        return self.status == "mistake" and self.expected is not None


@dataclass(frozen=True)
class RawWeights:
    """W1 and W2 exactly as a file holds them, and the reading its format promises. A deeper
    network (or one with other activations) comes whole in `network`: its file says how to read
    it, and no layout is guessed, since the readings tried here are those of the tutorial's files."""

    W1: np.ndarray
    W2: np.ndarray
    expected: Reading
    source: str
    network: Network | None = None  # set when the file holds more than the tutorial's network


def _raw(W1, W2, expected, source, names):
    out = []
    for W, name in zip((W1, W2), names):
        W = np.asarray(W)
        if W.dtype.kind not in "biuf" or W.ndim != 2:
            raise DataFormatError(f"{name} must be a 2-D matrix of numbers, found {W.dtype} with "
                                  f"shape {W.shape}")
        W = W.astype(np.float64)
        check_finite(W, f"{name} ({source})")
        out.append(W)
    return RawWeights(out[0], out[1], expected, source)


def raw_seed_weights(w1_source, w2_source, source="your W1.in / W2.in"):
    """The tutorial's W1.in / W2.in as found: column-major pixels, W2 rows in class order 1..10."""
    W1, W2 = read_table(w1_source, "W1.in"), read_table(w2_source, "W2.in")
    return _raw(W1, W2, TUTORIAL, source, ("W1.in", "W2.in"))


def raw_mat_weights(source_file, source="your .mat file"):
    """Theta1 / Theta2 of a Coursera .mat file as found (the tutorial's layout)."""
    found = load_mat(source_file)
    return _raw(*_pick(found, ("Theta1", "Theta2"), ".mat"), TUTORIAL, source, ("Theta1", "Theta2"))


def raw_npz_weights(source_file, source="your .npz file"):
    """W1 / W2 of an .npz file as found (the dashboard's layout: row-major, digit order); a deeper
    network (W3, W4, or activation / output other than sigmoid) read whole by archives.read_npz,
    which checks that its shapes chain and its names are known."""
    data = read_bytes(source_file, "the .npz file")
    found = load_npz(data)  # shapes checked before unpacking
    if not _tutorial_npz(found):
        net = read_npz(data)["network"]
        if net is None:
            _pick(found, ("W1", "W2"), ".npz")  # says what the file holds instead
        return RawWeights(net.W1, net.W2, DIGIT_ORDER, source, network=net)
    return _raw(*_pick(found, ("W1", "W2"), ".npz"), DIGIT_ORDER, source, ("W1", "W2"))


def _tutorial_npz(found):
    """Whether an .npz's arrays can only be the tutorial's network: no W3 on, sigmoids only."""
    if any(k[:1] == "W" and k[1:].isdigit() and int(k[1:]) >= 3 for k in found):
        return False
    names = [found.get(key, np.array("sigmoid")) for key in ("activation", "output")]
    return all(a.dtype.kind == "U" and a.ndim == 0 and str(a) == "sigmoid" for a in names)


def _pick(found, keys, kind):
    missing = [k for k in keys if k not in found]
    if missing:
        names = ", ".join(k for k in found if not k.startswith("__")) or "nothing"
        raise DataFormatError(f"expected the {kind} file to hold {' and '.join(keys)}, found {names}")
    return [found[k] for k in keys]


def input_sizes(w1_width):
    """The input sizes n that a W1 this wide can fit: bias first (n + 1), missing, or one extra."""
    return (w1_width - 1, w1_width, w1_width - 2)


def _columns(W, kind):
    """W with a bias column first, for the given column reading."""
    if kind == "bias missing":
        return np.column_stack([np.zeros(len(W)), W])
    if kind == "extra first column":
        return W[:, 1:]
    if kind == "extra last column":
        return W[:, :-1]
    return W


def _width_fits(width, needed, kind):
    return width == needed + {"bias first": 1, "bias missing": 0}.get(kind, 2)


def read_as(W1_raw, W2_raw, reading, image_shape):
    """The Network that raw W1, W2 give under one reading (DataFormatError if shapes do not fit)."""
    W1_raw, W2_raw = np.asarray(W1_raw, dtype=np.float64), np.asarray(W2_raw, dtype=np.float64)
    n = int(np.prod(image_shape))
    if not _width_fits(W1_raw.shape[1], n, reading.w1_columns):
        raise DataFormatError(f"W1 with '{reading.w1_columns}' needs a different width for {n} inputs, "
                              f"found {W1_raw.shape[1]} columns")
    W1 = _columns(W1_raw, reading.w1_columns)
    if reading.pixels == "column-major":
        W1 = np.column_stack([W1[:, 0], to_row_major(W1[:, 1:], image_shape)])
    W2 = np.roll(_columns(W2_raw, reading.w2_columns), ROWS[reading.rows], axis=0)
    return Network(W1, W2)


def readings_for(W1_raw, W2_raw, n_inputs):
    """Every reading whose shapes fit raw arrays of these shapes and n_inputs pixels."""
    (h, w1), (k, w2) = np.shape(W1_raw), np.shape(W2_raw)
    if k != N_OUTPUTS:
        raise DataFormatError(f"W2 must have {N_OUTPUTS} rows (one per digit), found shape {(k, w2)}")
    out = []
    for pixels, rows, c1, c2 in product(PIXELS, ROWS, COLUMNS, COLUMNS):
        if _width_fits(w1, n_inputs, c1) and _width_fits(w2, h, c2):
            out.append(Reading(pixels, rows, c1, c2))
    if not out:
        raise DataFormatError(
            f"W1 ({h} x {w1}) and W2 ({k} x {w2}) do not fit {n_inputs} inputs in any reading: "
            f"W1 needs {n_inputs + 1} columns (or {n_inputs} / {n_inputs + 2}) and W2 {h + 1} "
            f"(or {h} / {h + 2})")
    return out


def diagnose_layout(W1_raw, W2_raw, X, y, image_shape, expected=TUTORIAL, sample=1000, seed=0):
    """Try every reading of the raw arrays on (a sample of) X, y; a LayoutReport, best first."""
    X = np.asarray(X, dtype=np.float64)
    y = check_labels(y, len(X))
    if len(X) > sample:
        idx = stratified_subset(y, sample, seed=seed)
        X, y = X[idx], y[idx]
    Y = one_hot(y)
    candidates = []
    for reading in readings_for(W1_raw, W2_raw, X.shape[1]):
        net = read_as(W1_raw, W2_raw, reading, image_shape)
        data, _ = cost_terms(net, X, Y, 0.0)
        candidates.append(Candidate(reading, net, net.accuracy(X, y), data, reading == expected))
    # Best accuracy first; ties go to the promised reading, then to the lower cost.
    candidates.sort(key=lambda c: (-c.accuracy, not c.expected, c.cost))
    promised = next((c for c in candidates if c.expected), None)
    return _verdict(candidates, promised, expected, image_shape)


def _verdict(candidates, promised, expected, image_shape):
    best = candidates[0]
    if best.accuracy < CHANCE:
        return LayoutReport(candidates, promised, "unclear", (
            f"No reading of these weights reads the digits (the best gets {best.accuracy:.0%}), so "
            "the layout cannot be told from the data: the weights may be untrained, or made for "
            "other data."))
    if promised is not None and promised.accuracy >= best.accuracy - MARGIN:
        return LayoutReport(candidates, promised, "as expected", (
            f"As expected: the weights are laid out as their format promises "
            f"({promised.reading.describe()}), and read {promised.accuracy:.1%} of the sample correctly."))
    fixes = _fixes(best.reading, expected, image_shape, best.network.n_inputs, best.network.hidden_size)
    lost = f" instead of {promised.accuracy:.1%} as promised" if promised is not None else ""
    return LayoutReport(candidates, promised, "mistake", (
        f"The weights fit the data best as: {best.reading.describe()} "
        f"({best.accuracy:.1%} correct{lost})."), fixes)


def _fixes(found, want, image_shape, n, h):
    fixes = []
    if found.rows != want.rows:
        k = (ROWS[found.rows] - ROWS[want.rows]) % N_OUTPUTS
        where = {"class order 1..10": "class order 1..10; digit 0 is the last row (the tutorial's layout)",
                 "digit order 0..9": "digit order 0..9; digit 0 is the first row (the dashboard's layout)",
                 "class order, converted twice": "class order shifted twice (digit 0 is row 8, digit 1 "
                                                 "the last): the 0..9 -> 1..10 conversion was applied twice"}
        fixes.append(f"Your W2 rows are in {where[found.rows]}, but this format expects "
                     f"{want.rows}. Fix: roll the rows as found in the file, "
                     f"W2 = np.roll(W2, {k if k <= 5 else k - 10}, axis=0), and save again.")
    if found.pixels != want.pixels:
        fn = "to_column_major" if want.pixels == "column-major" else "to_row_major"
        fixes.append(f"{PIXELS[found.pixels]}, but this format expects {want.pixels}: each hidden "
                     f"unit's image comes out transposed. Fix: W1[:, 1:] = layout.{fn}(W1[:, 1:], "
                     f"{tuple(image_shape)}) (transpose each unit's image).")
    for name, kind, size in (("W1", found.w1_columns, n), ("W2", found.w2_columns, h)):
        fixes.extend(_column_fix(name, kind, size))
    return fixes


def _column_fix(name, kind, size):
    what = "inputs" if name == "W1" else "hidden units"
    if kind == "bias missing":
        return [f"{name} has {size} columns for {size} {what}: its bias column is missing (expected "
                f"{size + 1}, bias first). Reading it with a bias of 0 fits best; save it with the "
                f"bias column, or insert a column of zeros at the front: np.insert({name}, 0, 0, axis=1)."]
    if kind == "extra first column":
        return [f"{name} has {size + 2} columns for {size} {what}: one too many. Dropping the first "
                f"fits best (a bias column saved twice, or an index column?). Fix: {name} = {name}[:, 1:]."]
    if kind == "extra last column":
        return [f"{name} has {size + 2} columns for {size} {what}: one too many. Dropping the last "
                f"fits best. Fix: {name} = {name}[:, :-1]."]
    return []
