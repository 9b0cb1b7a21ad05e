"""The tutorial's own files (X.in, y.in, W1.in, W2.in), read and written bit for bit.

How it works
1. The tutorial's files are comma-separated numbers laid out the Octave way: a row of X.in
   is a 20x20 image stored column by column; y.in's column j (from 0) means class j + 1,
   and class 10 is digit 0; row j of W2.in is class j + 1, so digit 0 is its last row.
2. Inside the project an image is stored row by row (X[i].reshape(20, 20) is upright) and
   row d of W2 is digit d. So at the boundary each image is put row by row (to_row_major, and
   with it the pixel columns W1[:, 1:]) and W2's last row moves to the top; writing undoes both.
3. Writing uses np.savetxt's full precision, as the tutorial does, so file -> Network ->
   file gives back the same text.
4. A file is read by tables.read_table, then checked against the layout: a bad one raises
   DataFormatError saying what was expected and what was found, with the row and column.

A source is a path, bytes, or a binary file object such as an upload, read in memory.
.mat files in the Coursera exercise's layout and .npz files in the project's layout are read
in archives.py, which uses the conversions here (read_mat, read_npz and network_npz_bytes can
still be imported from this module).
"""

import io
import math
from pathlib import Path

import numpy as np

from ..digits.datasets import Dataset
from ..errors import DataFormatError
from ..network.cost import one_hot
from ..network.network import N_OUTPUTS, Network
from .sources import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, check_digits  # noqa: F401  (importable here, as before)
from .tables import read_table


def square_side(n, message):
    """s for square s x s images of n pixels, or DataFormatError(message)."""
    s = math.isqrt(max(n, 0))
    if s < 2 or s * s != n:
        raise DataFormatError(message)
    return s


def to_row_major(pixels, image_shape):
    """Rows of pixels (one image a row) stored column by column (Octave order) put row by row."""
    rows, cols = image_shape
    return pixels.reshape(-1, cols, rows).transpose(0, 2, 1).reshape(len(pixels), rows * cols)


def to_column_major(pixels, image_shape):
    """The inverse of to_row_major: each row's image put column by column, as Octave stores it."""
    rows, cols = image_shape
    return pixels.reshape(-1, rows, cols).transpose(0, 2, 1).reshape(len(pixels), rows * cols)


def _images_from_tutorial(A, what):
    check_digits(len(A), A.shape[1], what)
    s = square_side(A.shape[1], f"{what} must hold one square image a row (400 values for 20x20, "
                                f"784 for 28x28), found {A.shape[1]} values a row, not a square number")
    return to_row_major(A, (s, s)), (s, s)


def _labels_from_tutorial(A, what):
    """Digits 0-9 from one-hot rows (column 10 = digit 0) or one column of labels 1-10 or 0-9."""
    if A.shape[1] == N_OUTPUTS:
        bad = np.flatnonzero(~np.isin(A, (0, 1)).all(axis=1) | (A.sum(axis=1) != 1))
        if bad.size:
            row = ",".join(f"{v:g}" for v in A[bad[0]])
            raise DataFormatError(f"{what}: row {bad[0] + 1} must be one-hot (nine 0s and one 1), "
                                  f"found {row}")
        return (A.argmax(axis=1) + 1) % 10
    if A.shape[1] != 1:
        raise DataFormatError(f"{what} must have 10 columns (one-hot, the 10th is digit 0) or one "
                              f"column of labels, found {A.shape[1]} columns")
    v = A[:, 0]
    tens, zeros = np.flatnonzero(v == 10), np.flatnonzero(v == 0)
    if tens.size and zeros.size:
        raise DataFormatError(f"{what}: expected labels 1-10 (10 = digit 0) or 0-9, found both "
                              f"0 (row {zeros[0] + 1}) and 10 (row {tens[0] + 1})")
    lo = 1 if tens.size else 0
    bad = np.flatnonzero((v != np.round(v)) | (v < lo) | (v > lo + 9))
    if bad.size:
        raise DataFormatError(f"{what}: row {bad[0] + 1}: expected a whole-number label 0-9, or "
                              f"1-10 with 10 meaning digit 0, found {v[bad[0]]:g}")
    return v.astype(np.intp) % 10


def dataset_from_tutorial(X, Y, names, name, source):
    """X and Y as found in the files named names, as a Dataset (images row by row, digits 0-9)."""
    X, shape = _images_from_tutorial(X, names[0])
    y = _labels_from_tutorial(Y, names[1])
    if len(y) != len(X):
        raise DataFormatError(f"{names[0]} has {len(X)} rows but {names[1]} has {len(y)}: "
                              "expected one label per image")
    return Dataset(X, y, shape, name, source)


def _w1_side(width, n_inputs, n1):
    """s for W1 of this many columns (bias + s x s pixels), or DataFormatError."""
    if n_inputs is not None and width != n_inputs + 1:
        raise DataFormatError(f"{n1} must have {n_inputs + 1} columns for {n_inputs} inputs, "
                              f"found {width}")
    return square_side(width - 1, f"{n1} must have a bias column and one column per pixel of a "
                                  f"square image (401 for 20x20), found {width} columns")


def network_from_tutorial(W1, W2, n_inputs, names):
    """W1 and W2 as found in the files named names, as a Network (W2 row d = digit d)."""
    n1, n2 = names
    s = _w1_side(W1.shape[1], n_inputs, n1)
    h = W1.shape[0]
    if W2.shape[0] != N_OUTPUTS:
        raise DataFormatError(f"{n2} must have 10 rows (classes 1-10, the last one digit 0), "
                              f"found {W2.shape[0]}")
    if W2.shape[1] != h + 1:
        raise DataFormatError(f"{n2} must have {h + 1} columns for the {h} hidden units of {n1} "
                              f"(bias first), found {W2.shape[1]}")
    W1 = np.hstack([W1[:, :1], to_row_major(W1[:, 1:], (s, s))])
    return Network(W1, np.roll(W2, 1, axis=0))  # class 10 (digit 0) becomes row 0


def _tutorial_weights(net, image_shape=None):
    """net's W1 and W2 in the tutorial's layout: the inverse of network_from_tutorial."""
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core Network, found {type(net).__name__}")
    if not net.is_tutorial_shape:
        raise DataFormatError(
            "the tutorial's W1.in / W2.in hold one sigmoid hidden layer and sigmoid outputs, found "
            f"a network of layers {'-'.join(map(str, net.layer_sizes))} with {net.activation} hidden "
            f"units and {net.output} outputs: save it as an .npz file (network_npz_bytes) instead")
    if image_shape is not None and image_shape[0] != image_shape[1]:
        raise DataFormatError("the tutorial's W1.in holds square images (20×20 for 401 columns), found "
                              f"a network for images of {image_shape[0]}×{image_shape[1]} pixels")
    s = square_side(net.n_inputs, "the tutorial's W1.in holds square images (20×20 for 401 columns), "
                                  f"found a network with {net.n_inputs} inputs, not a square number")
    return np.hstack([net.W1[:, :1], to_column_major(net.W1[:, 1:], (s, s))]), np.roll(net.W2, -1, 0)


def _csv_bytes(A):
    buf = io.BytesIO()
    np.savetxt(buf, A, delimiter=",")  # "%.18e" as in the tutorial: every bit of each number
    return buf.getvalue()


def _check_x_width(n):
    _images_from_tutorial(np.empty((0, n)), "X.in")


def _check_x_rows(rows, n):
    check_digits(rows, n, "X.in")


def _check_y_rows(rows, n):
    check_digits(rows, 0, "y.in")  # one label a digit: as many rows as X.in may have


def _check_y_width(n):
    _labels_from_tutorial(np.empty((0, n)), "y.in")


def read_seed_X(source):
    """X.in as (X, image_shape), X row-major. Values are kept as they are: the tutorial's lie
    about in [-0.13, 1.13] (from its smoothing), not clipped to [0, 1]."""
    return _images_from_tutorial(read_table(source, "X.in", _check_x_width, _check_x_rows), "X.in")


def read_seed_y(source):
    """y.in (one-hot rows, or one column of labels 1-10 or 0-9) as digits 0-9."""
    return _labels_from_tutorial(read_table(source, "y.in", _check_y_width, _check_y_rows), "y.in")


def read_seed_data(x_source, y_source, name="your X.in / y.in"):
    """X.in and y.in as one Dataset."""
    X = read_table(x_source, "X.in", _check_x_width, _check_x_rows)
    Y = read_table(y_source, "y.in", _check_y_width, _check_y_rows)
    return dataset_from_tutorial(X, Y, ("X.in", "y.in"), name, "Your own X.in and y.in files.")


def read_seed_weights(w1_source, w2_source, n_inputs=None):
    """W1.in and W2.in as a Network; n_inputs, if given, is what W1 must fit."""
    W1 = read_table(w1_source, "W1.in", lambda n: _w1_side(n, n_inputs, "W1.in"))
    W2 = read_table(w2_source, "W2.in")
    return network_from_tutorial(W1, W2, n_inputs, ("W1.in", "W2.in"))


def seed_weights_bytes(net, image_shape=None):
    """(W1.in, W2.in) as bytes, for a download button. image_shape, if given, is the shape of the
    images net reads: the tutorial's files hold square ones, so another shape is refused."""
    return tuple(_csv_bytes(W) for W in _tutorial_weights(net, image_shape))


def write_seed_weights(net, w1_path, w2_path):
    """W1.in and W2.in as the tutorial writes TrainedW1.in and TrainedW2.in."""
    _write((w1_path, w2_path), seed_weights_bytes(net))


def seed_data_bytes(ds):
    """(X.in, y.in) as bytes: images column-major, labels one-hot with digit 0 in column 10."""
    if not isinstance(ds, Dataset):
        raise DataFormatError(f"ds must be an nn_core Dataset, found {type(ds).__name__}")
    rows, cols = ds.image_shape
    if rows != cols:
        raise DataFormatError(f"X.in holds square images, found image_shape {ds.image_shape}")
    return _csv_bytes(to_column_major(ds.X, (rows, cols))), _csv_bytes(one_hot((ds.y - 1) % 10))


def write_seed_data(ds, x_path, y_path):
    _write((x_path, y_path), seed_data_bytes(ds))


def _write(paths, blobs):
    for path, data in zip(paths, blobs, strict=True):
        Path(path).write_bytes(data)

