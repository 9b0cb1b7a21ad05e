"""The tutorial's own files (X.in, y.in, W1.in, W2.in), read and written bit for bit.

How it works
1. The tutorial's files are comma-separated numbers laid out the Octave way: a row of X.in
   is a 20x20 image stored column by column; y.in's column j (from 0) means class j + 1,
   and class 10 is digit 0; row j of W2.in is class j + 1, so digit 0 is its last row.
2. Inside the project an image is stored row by row (X[i].reshape(20, 20) is upright) and
   row d of W2 is digit d. So at the boundary each image is transposed (and with it the
   pixel columns W1[:, 1:]) and W2's last row moves to the top; writing undoes both.
3. Writing uses np.savetxt's full precision, as the tutorial does, so file -> Network ->
   file gives back the same text.
4. A file is checked before use: a bad one raises DataFormatError saying what was expected
   and what was found, with the row and column (from 1, blank and # lines not counted).

A source is a path, bytes, or a binary file object such as an upload, read in memory.
.mat files in the Coursera exercise's layout and .npz files in the project's layout work too.
"""

import io
import itertools
import math
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import scipy.io

from .cost import one_hot
from .datasets import Dataset
from .errors import DataFormatError
from .network import N_OUTPUTS, Network

MAX_UPLOAD_BYTES = 60 * 1024**2  # the tutorial's X.in is about 50 MB
# A compressed .npz or .mat can unpack to far more than it weighs (a "zip bomb"): what it
# unpacks to is capped too, before anything is unpacked for real.
MAX_UNPACKED_BYTES = 4 * MAX_UPLOAD_BYTES


def _read_bytes(source, what):
    """All bytes of a path, bytes or a binary file object; the size is checked before parsing."""
    if isinstance(source, (str, os.PathLike)):
        try:
            _check_size(os.path.getsize(source), what)
            with open(source, "rb") as f:
                data = f.read(MAX_UPLOAD_BYTES + 1)  # a device or pipe may never end
        except OSError as e:
            raise DataFormatError(f"{what}: cannot read {os.fspath(source)!r} ({e.strerror})") \
                from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)  # an upload that was read before still gives all of its bytes
        data = source.read(MAX_UPLOAD_BYTES + 1)
        data = data.encode() if isinstance(data, str) else bytes(data)
    else:
        raise DataFormatError(f"{what}: expected a file path, bytes or an uploaded file, "
                              f"found {type(source).__name__}")
    _check_size(len(data), what)
    _check_unpacked_size(data, what)
    return data


def _check_size(size, what):
    if size > MAX_UPLOAD_BYTES:
        raise DataFormatError(f"{what} is too large: expected at most {MAX_UPLOAD_BYTES:,} bytes, "
                              f"found {size:,}")


def _check_unpacked_size(data, what):
    """Refuse a zip (.npz) or MATLAB v5 file that would unpack to over MAX_UNPACKED_BYTES.

    A zip lists each member's unpacked size, and zipfile never reads past it; a .mat file's
    compressed variables are unpacked here with a running count, stopping at the cap.
    """
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                size = sum(info.file_size for info in z.infolist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            return  # not a readable zip: the reader says so
    elif len(data) >= 136 and data[124:128] in (b"\x00\x01IM", b"\x01\x00MI"):  # as scipy
        size = _mat_unpacked_size(data, "<" if data[126:128] == b"IM" else ">")
    else:
        return
    if size > MAX_UNPACKED_BYTES:
        raise DataFormatError(f"{what} is too large once unpacked: expected at most "
                              f"{MAX_UNPACKED_BYTES:,} bytes of arrays, found over {size:,}")


def _mat_unpacked_size(data, order):
    """Bytes the variables of a MATLAB v5 file take once unpacked (counting stops at the cap)."""
    pos, total = 128, 0
    while pos + 8 <= len(data) and total <= MAX_UNPACKED_BYTES:
        kind, nbytes = struct.unpack(order + "II", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + nbytes]
        if kind == 15:  # miCOMPRESSED: one zlib stream holding one variable
            inflate = zlib.decompressobj()
            try:
                chunk = inflate.decompress(body, 1 << 20)
                if len(chunk) >= 8:  # the variable's own tag says how long it is
                    total += max(0, struct.unpack(order + "II", chunk[:8])[1] - len(chunk))
                while chunk and total <= MAX_UNPACKED_BYTES:
                    total += len(chunk)
                    chunk = inflate.decompress(inflate.unconsumed_tail, 1 << 20)
            except zlib.error:
                return total  # damaged: scipy will say so
            pos += 8 + nbytes
        else:
            total += len(body)
            pos += 8 + nbytes + (-nbytes % 8)  # uncompressed elements are padded to 8 bytes
    return total


def _read_table(source, what, check_width=None):
    """A text file of comma-separated numbers as a 2-D float array, or DataFormatError.

    check_width(n), if given, is called with the width of a clean first row of a file over
    1 MB before the whole file is parsed, so a 60 MB file of the wrong width is refused at
    once (small files are parsed first: a bad cell is the more useful message).
    """
    data = _read_bytes(source, what)
    if b"\0" in data:
        raise DataFormatError(f"{what}: expected text (comma-separated numbers), found binary data "
                              f"(a zero byte at position {data.index(0)}; UTF-16 text?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataFormatError(f"{what}: expected UTF-8 text (comma-separated numbers), found byte "
                              f"{e.object[e.start]:#04x} at position {e.start}") from None
    if not re.search(r"^[^\S\n]*[^#\s]", text, re.M):
        raise DataFormatError(f"{what} is empty: expected comma-separated numbers, found none")
    if check_width is not None and len(text) > 1 << 20:
        first = next(_lines(text)).split("#")[0].strip()
        clean = not first.encode().translate(None, b"0123456789eE+-.,")  # digits and commas
        if clean and ",," not in first and not first.endswith(","):
            check_width(first.count(",") + 1)
    # Lines of spaces, indented comments and old Mac line ends are read line by line; other
    # files in one go, fast (~1 s for 50 MB) and without a Python object per line.
    plain = (text.count("\r") == text.count("\r\n") and text[:1] not in (" ", "\t")
             and "\n " not in text and "\n\t" not in text)
    try:
        A = np.loadtxt(io.StringIO(text) if plain else _lines(text), delimiter=",",
                       comments="#", ndmin=2)
    except ValueError as e:
        raise _diagnose(text, what, str(e)) from None
    bad = np.argwhere(~np.isfinite(A))
    if len(bad):
        r, c = bad[0]
        raise DataFormatError(f"{what}: row {r + 1}, column {c + 1}: expected a finite number, "
                              f"found {A[r, c]}")
    return A


def _lines(text):
    """The lines that hold numbers: blank lines and # comment lines are not counted."""
    lines = io.StringIO(text, newline=None)  # \n, \r\n and \r all end a line
    return (s for s in lines if s.strip() and not s.lstrip().startswith("#"))


def _diagnose(text, what, numpy_error=""):
    """The error for the first bad cell, once np.loadtxt has failed.

    numpy's message names the row it stopped at: checking starts just before it, so a bad
    last row of a 50 MB file is found without checking every cell above it first.
    """
    hint = re.search(r"at row (\d+)", numpy_error)
    start = max(0, int(hint.group(1)) - 2) if hint else 0
    found = _first_bad_cell(text, what, start)
    return found or _first_bad_cell(text, what, 0) or DataFormatError(
        f"{what}: expected comma-separated numbers, found text numpy can't read")


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _first_bad_cell(text, what, start):
    width = None
    for r, line in enumerate(itertools.islice(_lines(text), start, None), start + 1):
        line = line.split("#")[0].strip()
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), (" ", "spaces")):
            # Semicolons are never right; tabs or spaces only when they do separate numbers.
            if sep in line and (sep == ";" or ("," not in line
                                              and all(map(_is_number, line.split())))):
                return DataFormatError(f"{what}: expected comma-separated numbers, found {name} "
                                       f"between the values of row {r}")
        cells = line.split(",")
        for c, cell in enumerate(cells, 1):
            if not _is_number(cell):
                found = repr(cell.strip()[:40]) if cell.strip() else "an empty cell"
                hint = " (a header row? the file must hold numbers only)" if r == 1 else ""
                if cell.strip()[:1] in ("'", '"'):
                    hint = " (numbers in quotes: save the file without quotes)"
                elif not cell.strip():
                    hint = " (two commas in a row, or one at the end of the row?)"
                return DataFormatError(f"{what}: row {r}, column {c}: expected a number, "
                                       f"found {found}{hint}")
        if width is not None and len(cells) != width:
            return DataFormatError(f"{what}: row {r} has {len(cells)} values, expected {width} "
                                   "like the rows above it")
        width = len(cells)
    return None


def _side(n, message):
    """s for square s x s images of n pixels, or DataFormatError(message)."""
    s = math.isqrt(max(n, 0))
    if s < 2 or s * s != n:
        raise DataFormatError(message)
    return s


def _transpose_images(A, s):
    """Each row of A read as an s x s image and transposed: column-major <-> row-major."""
    return A.reshape(len(A), s, s).transpose(0, 2, 1).reshape(len(A), s * s)


def _images_from_tutorial(A, what):
    s = _side(A.shape[1], f"{what} must hold one square image a row (400 values for 20x20, 784 "
                          f"for 28x28), found {A.shape[1]} values a row, not a square number")
    return _transpose_images(A, s), (s, s)


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


def _tutorial_dataset(X, Y, names, name, source):
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
    return _side(width - 1, f"{n1} must have a bias column and one column per pixel of a "
                            f"square image (401 for 20x20), found {width} columns")


def _network_from_tutorial(W1, W2, n_inputs, names):
    n1, n2 = names
    s = _w1_side(W1.shape[1], n_inputs, n1)
    h = W1.shape[0]
    if W2.shape[0] != N_OUTPUTS:
        raise DataFormatError(f"{n2} must have 10 rows (classes 1-10, the last one digit 0), "
                              f"found {W2.shape[0]}")
    if W2.shape[1] != h + 1:
        raise DataFormatError(f"{n2} must have {h + 1} columns for the {h} hidden units of {n1} "
                              f"(bias first), found {W2.shape[1]}")
    W1 = np.hstack([W1[:, :1], _transpose_images(W1[:, 1:], s)])
    return Network(W1, np.roll(W2, 1, axis=0))  # class 10 (digit 0) becomes row 0


def _tutorial_weights(net):
    """net's W1 and W2 in the tutorial's layout: the inverse of _network_from_tutorial."""
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core Network, found {type(net).__name__}")
    s = _side(net.n_inputs, "the tutorial's files hold square images, found a network with "
                            f"{net.n_inputs} inputs")
    return np.hstack([net.W1[:, :1], _transpose_images(net.W1[:, 1:], s)]), np.roll(net.W2, -1, 0)


def _csv_bytes(A):
    buf = io.BytesIO()
    np.savetxt(buf, A, delimiter=",")  # "%.18e" as in the tutorial: every bit of each number
    return buf.getvalue()


def _check_x_width(n):
    _images_from_tutorial(np.empty((0, n)), "X.in")


def _check_y_width(n):
    _labels_from_tutorial(np.empty((0, n)), "y.in")


def read_seed_X(source):
    """X.in as (X, image_shape), X row-major. Values are kept as they are: the tutorial's lie
    about in [-0.13, 1.13] (from its smoothing), not clipped to [0, 1]."""
    return _images_from_tutorial(_read_table(source, "X.in", _check_x_width), "X.in")


def read_seed_y(source):
    """y.in (one-hot rows, or one column of labels 1-10 or 0-9) as digits 0-9."""
    return _labels_from_tutorial(_read_table(source, "y.in", _check_y_width), "y.in")


def read_seed_data(x_source, y_source, name="your X.in / y.in"):
    """X.in and y.in as one Dataset."""
    X, Y = _read_table(x_source, "X.in", _check_x_width), _read_table(y_source, "y.in", _check_y_width)
    return _tutorial_dataset(X, Y, ("X.in", "y.in"), name, "Your own X.in and y.in files.")


def read_seed_weights(w1_source, w2_source, n_inputs=None):
    """W1.in and W2.in as a Network; n_inputs, if given, is what W1 must fit."""
    W1 = _read_table(w1_source, "W1.in", lambda n: _w1_side(n, n_inputs, "W1.in"))
    W2 = _read_table(w2_source, "W2.in")
    return _network_from_tutorial(W1, W2, n_inputs, ("W1.in", "W2.in"))


def seed_weights_bytes(net):
    """(W1.in, W2.in) as bytes, for a download button."""
    return tuple(_csv_bytes(W) for W in _tutorial_weights(net))


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
    return _csv_bytes(_transpose_images(ds.X, rows)), _csv_bytes(one_hot((ds.y - 1) % 10))


def write_seed_data(ds, x_path, y_path):
    _write((x_path, y_path), seed_data_bytes(ds))


def _write(paths, blobs):
    for path, data in zip(paths, blobs, strict=True):
        Path(path).write_bytes(data)


def _arrays(found, keys, kind, matrices=False):
    """found's arrays named keys (a data pair, a weights pair) as float arrays, or None each."""
    X, y, W1, W2 = (found.get(k) for k in keys)
    if (X is None) != (y is None) or (W1 is None) != (W2 is None) or (X is None and W1 is None):
        raise DataFormatError(f"expected the {kind} file to hold {keys[0]} and {keys[1]} and/or "
                              f"{keys[2]} and {keys[3]}, found {', '.join(found) or 'nothing'}")
    out = []
    for key, a in zip(keys, (X, y, W1, W2), strict=True):
        if a is not None and np.asarray(a).dtype.kind not in "biuf":
            raise DataFormatError(f"{key} in the {kind} file must be an array of numbers, "
                                  f"found {np.asarray(a).dtype}")
        if a is not None and matrices and np.ndim(a) != 2:
            raise DataFormatError(f"{key} in the {kind} file must be a 2-D matrix, found "
                                  f"shape {np.shape(a)}")
        a = None if a is None else np.asarray(a, dtype=np.float64)
        bad = np.argwhere(~np.isfinite(a)) if a is not None else []
        if len(bad):
            axes = ("row", "column") if a.ndim <= 2 else ("image", "row", "column")
            where = ", ".join(f"{axis} {i + 1}" for axis, i in zip(axes, bad[0]))
            raise DataFormatError(f"{key} in the {kind} file: {where}: expected a finite number, "
                                  f"found {a[tuple(bad[0])]}")
        out.append(a)
    return out


def read_mat(source):
    """A MATLAB .mat file in the Coursera layout: X, y (labels 1-10, 10 = digit 0, images
    column-major) and/or Theta1, Theta2 (the tutorial's W1, W2). Returns {"data", "network"}."""
    data = _read_bytes(source, "the .mat file")
    try:
        found = scipy.io.loadmat(io.BytesIO(data))
    except Exception as e:  # scipy raises many kinds of error for a damaged file
        raise DataFormatError("expected a MATLAB .mat file (version 7 or older), found a file "
                              f"scipy cannot read ({type(e).__name__}: {e})") from None
    found = {k: v for k, v in found.items() if not k.startswith("__")}
    X, y, W1, W2 = _arrays(found, ("X", "y", "Theta1", "Theta2"), ".mat", matrices=True)
    ds = None if X is None else _tutorial_dataset(
        X, y, ("X", "y"), "your .mat file", "Your MATLAB .mat file (Coursera layout).")
    net = None if W1 is None else _network_from_tutorial(
        W1, W2, ds.n_inputs if ds else None, ("Theta1", "Theta2"))
    return {"data": ds, "network": net}


def read_npz(source):
    """An .npz file in the project's layout: X (m, n) row-major or (m, rows, cols) and y (0-9),
    and/or W1, W2 (row d of W2 = digit d). Objects (pickles) are refused. Returns {"data",
    "network"}."""
    data = _read_bytes(source, "the .npz file")
    if not data.startswith(b"PK"):
        raise DataFormatError("expected an .npz file (a zip archive from numpy.savez), found a "
                              "file that is not a zip archive")
    found = {}
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for key in npz.files:
                found[key] = npz[key]
    except Exception as e:  # a damaged archive, or objects that numpy will not unpickle
        why = ("holds Python objects (pickled data can run code)" if "pickle" in str(e)
               else f"cannot be read ({type(e).__name__}: {e})")
        raise DataFormatError(f"expected an .npz file of plain number arrays, found one that "
                              f"{why}") from None
    X, y, W1, W2 = _arrays(found, ("X", "y", "W1", "W2"), ".npz")
    ds = net = None
    if X is not None:
        msg = f"X in the .npz file must be (m, rows, cols) or (m, n), n square; found {X.shape}"
        shape = X.shape[1:] if X.ndim == 3 else (_side(X.shape[1] if X.ndim == 2 else 0, msg),) * 2
        if len(X) == 0 or min(shape) < 2:
            raise DataFormatError(f"X in the .npz file must hold at least one image of at least "
                                  f"2x2 pixels, found {len(X)} images of {shape[0]}x{shape[1]}")
        X = X.reshape(len(X), shape[0] * shape[1])
        ds = Dataset(X, _npz_labels(y, len(X)), shape, "your .npz file", "Your .npz file.")
    if W1 is not None:
        net = Network(W1, W2)
        if ds is not None and net.n_inputs != ds.n_inputs:
            raise DataFormatError(f"W1 must have {ds.n_inputs + 1} columns for {ds.n_inputs} "
                                  f"inputs, found {W1.shape[1]}")
    return {"data": ds, "network": net}


def _npz_labels(y, m):
    """y (digits 0-9, one per image) or DataFormatError naming the first bad row."""
    if y.shape != (m,):
        raise DataFormatError(f"y in the .npz file must hold {m} labels (one per image of X), "
                              f"found shape {y.shape}")
    bad = np.flatnonzero(~np.isfinite(y) | (y != np.round(y)) | (y < 0) | (y > 9))
    if bad.size:
        raise DataFormatError(f"y in the .npz file: row {bad[0] + 1}: expected a whole-number "
                              f"label 0-9, found {y[bad[0]]:g}")
    return y


def network_npz_bytes(net):
    """W1 and W2 of net as .npz bytes in the project's layout, for a download button."""
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core Network, found {type(net).__name__}")
    buf = io.BytesIO()
    np.savez_compressed(buf, W1=net.W1, W2=net.W2)
    return buf.getvalue()
