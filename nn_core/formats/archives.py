"""MATLAB .mat files in the Coursera exercise's layout and .npz files in the project's layout.

How it works
1. The bytes come from sources.read_bytes, which also refuses a file that would unpack to
   far more than it weighs (a "zip bomb").
2. Before any array is unpacked, its shape is read from its header (matv5 for a .mat, the
   .npy header of each member of an .npz), and what it will take as 64-bit floats is checked
   against sources' caps: a small file of uint8 zeros must not become gigabytes of floats.
3. A .mat file is opened by scipy.io.loadmat; an .npz file by numpy with allow_pickle=False,
   since pickled objects could run code.
4. The arrays are looked up by name: X and y, and/or the weights (Theta1 and Theta2 in a
   .mat file, W1, W2 and for deeper networks W3, W4 in an .npz file). Each must be a finite
   array of numbers. An .npz network also names its activation and output as plain strings
   (files with only W1 and W2 are the tutorial's sigmoid network).
5. A .mat file is in the tutorial's layout (images column by column, labels 1-10, class 10 =
   digit 0), so it goes through seed_files' conversions; an .npz file is already in the
   project's layout (row-major images, digits 0-9, W2 row d = digit d).
"""

import io
import math
import zipfile
from pathlib import Path

import numpy as np
import scipy.io

from ..digits.datasets import Dataset
from ..errors import DataFormatError, check_finite
from ..network.knobs import MAX_HIDDEN_LAYERS, check_activation, check_output
from ..network.network import Network
from . import matv5
from .seed_files import dataset_from_tutorial, network_from_tutorial, square_side
from .sources import check_digits, check_unpacked, read_bytes


def load_mat(source):
    """The variables of a MATLAB .mat file (version 7 or older) by name, or DataFormatError."""
    data = read_bytes(source, "the .mat file")
    if data[124:128] in (b"\x00\x02IM", b"\x02\x00MI"):  # version 0x0200: HDF5, scipy cannot read it
        raise DataFormatError("expected a MATLAB .mat file of version 7 or older, found a version "
                              "7.3 (HDF5) file: save it again with -v7, e.g. save('file.mat', 'X', "
                              "'y', '-v7') in MATLAB or Octave")
    try:
        listed = matv5.variables(data)[0]  # names and shapes, read without unpacking
        _check_shapes({name: (shape, 8) for name, shape in listed}, "the .mat file")
        found = scipy.io.loadmat(io.BytesIO(data))
    except DataFormatError:
        raise
    except Exception as e:  # scipy raises many kinds of error for a damaged file
        raise DataFormatError("expected a MATLAB .mat file (version 7 or older), found a file "
                              f"scipy cannot read ({type(e).__name__}: {e})") from None
    return {k: v for k, v in found.items() if not k.startswith("__")}


def load_npz(data, what="the .npz file"):
    """The arrays of .npz bytes by name, each .npy header checked before its array is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            _check_shapes(dict(_npy_header(z, info) for info in z.infolist()
                               if info.filename.endswith(".npy")), what)  # others stay bytes
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except DataFormatError:
        raise
    except Exception as e:  # a damaged archive, or objects that numpy will not unpickle
        why = ("holds Python objects (pickled data can run code)" if "pickle" in str(e)
               else f"cannot be read ({type(e).__name__}: {e})")
        raise DataFormatError(f"expected an .npz file of plain number arrays, found one that "
                              f"{why}") from None


def _npy_header(z, info):
    """(name, (shape, itemsize)) of one .npy member of a zip, from its header alone."""
    with z.open(info) as f:
        version = np.lib.format.read_magic(f)
        read = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"{info.filename} is an .npy file of format {version}, not 1.0 or 2.0")
        shape, _, dtype = read(f)
    return info.filename.removesuffix(".npy"), (shape, dtype.itemsize)


def _check_shapes(sizes, what):
    """Refuse, from their shapes alone, arrays that would take too much memory as 64-bit floats."""
    shape = sizes.get("X", ((),))[0]
    if len(shape) in (2, 3):  # (m, pixels), or (m, rows, cols) in an .npz
        check_digits(shape[0], math.prod(shape[1:]), f"X in {what}")
    check_unpacked(sizes, what)


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
        if a is not None:
            check_finite(a, f"{key} in the {kind} file")
        out.append(a)
    return out


def read_mat(source):
    """A MATLAB .mat file in the Coursera layout: X, y (labels 1-10, 10 = digit 0, images
    column-major) and/or Theta1, Theta2 (the tutorial's W1, W2). Returns {"data", "network"}."""
    X, y, W1, W2 = _arrays(load_mat(source), ("X", "y", "Theta1", "Theta2"), ".mat", matrices=True)
    ds = None if X is None else dataset_from_tutorial(
        X, y, ("X", "y"), "your .mat file", "Your MATLAB .mat file (Coursera layout).")
    net = None if W1 is None else network_from_tutorial(
        W1, W2, ds.n_inputs if ds else None, ("Theta1", "Theta2"))
    return {"data": ds, "network": net}


def read_npz(source):
    """An .npz file in the project's layout: X (m, n) row-major or (m, rows, cols) and y (0-9),
    and/or W1, W2 (row d of W2 = digit d). Objects (pickles) are refused. Returns {"data",
    "network"}."""
    data = read_bytes(source, "the .npz file")
    if not data.startswith(b"PK"):
        raise DataFormatError("expected an .npz file (a zip archive from numpy.savez), found a "
                              "file that is not a zip archive")
    found = load_npz(data)
    X, y, W1, W2 = _arrays(found, ("X", "y", "W1", "W2"), ".npz")
    ds = net = None
    if X is not None:
        msg = f"X in the .npz file must be (m, rows, cols) or (m, n), n square; found {X.shape}"
        shape = X.shape[1:] if X.ndim == 3 else (square_side(X.shape[1] if X.ndim == 2 else 0, msg),) * 2
        if len(X) == 0 or min(shape) < 2:
            raise DataFormatError(f"X in the .npz file must hold at least one image of at least "
                                  f"2x2 pixels, found {len(X)} images of {shape[0]}x{shape[1]}")
        check_digits(len(X), shape[0] * shape[1], "X in the .npz file")
        X = X.reshape(len(X), shape[0] * shape[1])
        ds = Dataset(X, _npz_labels(y, len(X)), shape, "your .npz file", "Your .npz file.")
    if W1 is not None:
        net = _npz_network(found, W1, W2)
        if ds is not None and net.n_inputs != ds.n_inputs:
            raise DataFormatError(f"W1 must have {ds.n_inputs + 1} columns for {ds.n_inputs} "
                                  f"inputs, found {W1.shape[1]}")
    return {"data": ds, "network": net}


def _npz_network(found, W1, W2):
    """The Network of W1, W2 (and W3, W4 if present), with the names stored next to them."""
    weights, i = [W1, W2], 3
    while f"W{i}" in found:
        W = np.asarray(found[f"W{i}"])
        if W.dtype.kind not in "biuf" or W.ndim != 2:
            raise DataFormatError(f"W{i} in the .npz file must be a 2-D matrix of numbers, found "
                                  f"{W.dtype} with shape {W.shape}")
        W = W.astype(np.float64)
        check_finite(W, f"W{i} in the .npz file")
        weights.append(W)
        i += 1
    extra = sorted(k for k in found if k[:1] == "W" and k[1:].isdigit() and int(k[1:]) >= i)
    if extra or len(weights) > MAX_HIDDEN_LAYERS + 1:
        raise DataFormatError(f"expected W1 to W{MAX_HIDDEN_LAYERS + 1} at most, in order, in the "
                              f".npz file (1 to {MAX_HIDDEN_LAYERS} hidden layers), found "
                              f"{', '.join(k for k in found if k[:1] == 'W')}")
    names = {}
    for key, check in (("activation", check_activation), ("output", check_output)):
        value = found.get(key, np.array("sigmoid"))
        if value.dtype.kind != "U" or value.ndim != 0:
            raise DataFormatError(f"{key} in the .npz file must be a name (a string), found an "
                                  f"array of {value.dtype} with shape {value.shape}")
        names[key] = check(str(value), f"{key} in the .npz file")
    return Network(weights=weights, **names)


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
    """net as .npz bytes in the project's layout, for a download button: W1, W2, ... and its
    activation and output names as string arrays (read back with allow_pickle=False)."""
    if not isinstance(net, Network):
        raise DataFormatError(f"net must be an nn_core Network, found {type(net).__name__}")
    buf = io.BytesIO()
    matrices = {f"W{i}": W for i, W in enumerate(net.weights, start=1)}
    np.savez_compressed(buf, **matrices, activation=np.array(net.activation),
                        output=np.array(net.output))
    return buf.getvalue()


def write_network_npz(net, path):
    """net as an .npz file at path (the command line's network.npz for any architecture)."""
    Path(path).write_bytes(network_npz_bytes(net))
