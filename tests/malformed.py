"""A corpus of malformed inputs: every way a classroom can get a file wrong.

How it works
1. Four small, valid files in the tutorial's layout (X.in, y.in, W1.in, W2.in: 20 digits,
   25 hidden units) are the starting point; every case breaks one of them in one way.
2. Text generators (empty, a header row, semicolons, a text cell, NaN, non-UTF-8 bytes, a
   transposed table, ...) apply to all four text targets: generators x targets.
3. Target-only generators add what only makes sense there: one-hot rows summing to 0 or 2,
   labels 11 or -1, W1 that does not fit the data's width, W2 with 9 rows, and the .mat and
   .npz files (truncated, pickled objects, a zip bomb, wrong shapes, wrong types, ...).
4. Each Case says where its bytes go (target), and which words the error message must
   contain (`says`, lower case; any one of each tuple) so that a user can see what was
   expected or found.

Everything is made in memory from a seeded generator; the 50 MB and over-the-cap files
are built once per process with bytes arithmetic, in well under a second.
"""

import functools
import io
import math
import struct
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np
import scipy.io
import scipy.sparse

from nn_core.formats.seed_files import MAX_UPLOAD_BYTES

M, N, H = 20, 400, 25  # digits, pixels (20 x 20), hidden units of the valid files
TEXT_TARGETS = ("X.in", "y.in", "W1.in", "W2.in")
TARGETS = TEXT_TARGETS + (".mat", ".npz")


@dataclass(frozen=True)
class Case:
    id: str  # "target/generator"
    target: str  # one of TARGETS
    data: bytes
    says: tuple = ()  # tuples of lower-case fragments: each tuple needs one of its words

    def __repr__(self):  # pytest ids and failure messages stay short (no 50 MB reprs)
        return f"Case({self.id}, {len(self.data):,} bytes)"


def csv(A, fmt="%.6g", delimiter=","):
    buf = io.BytesIO()
    np.savetxt(buf, np.atleast_2d(A), fmt=fmt, delimiter=delimiter)
    return buf.getvalue()


@functools.cache
def good_arrays():
    """The valid arrays, tutorial layout: X column-major, y one-hot (column 10 = digit 0)."""
    rng = np.random.default_rng(2024)
    X = rng.uniform(0, 1, (M, N)).round(3)
    classes = np.arange(M) % 10 + 1
    Y = np.eye(10)[classes - 1]
    W1 = rng.normal(0, 0.1, (H, N + 1)).round(4)
    W2 = rng.normal(0, 0.5, (10, H + 1)).round(4)
    return {"X.in": X, "y.in": Y, "W1.in": W1, "W2.in": W2}


@functools.cache
def good_files():
    return {k: csv(A, fmt="%g") for k, A in good_arrays().items()}


def _rows(data):
    return data.decode().splitlines()


def _set_cell(data, row, col, text):
    rows = _rows(data)
    cells = rows[row].split(",")
    cells[col] = text
    rows[row] = ",".join(cells)
    return ("\n".join(rows) + "\n").encode()


# --- generators that break any text file: name -> (function(good bytes, array), says) --------

ROW = ("row",)
NUMBER = ("number", "numbers")
EXPECT = ("expected", "must")


def _text_generators():
    g = {}

    def add(name, says=()):
        def deco(fn):
            g[name] = (fn, says)
            return fn
        return deco

    add("empty", (("empty",),))(lambda d, A: b"")
    add("blank-lines", (("empty",),))(lambda d, A: b"\n  \n\t\n")
    add("comments-only", (("empty",),))(lambda d, A: b"# saved by Octave\n# nothing else\n")
    add("header-row", (("header",), ROW))(
        lambda d, A: (",".join(f"col{j}" for j in range(A.shape[1])) + "\n").encode() + d)
    add("bom-header-row", (("header",),))(
        lambda d, A: "\ufeffpixel,".encode() + (",".join(["p"] * (A.shape[1] - 1)) + "\n").encode() + d)
    add("semicolons", (("semicolon",), ROW))(lambda d, A: d.replace(b",", b";"))
    add("decimal-commas", (("semicolon",),))(
        lambda d, A: csv(A, fmt="%.3f", delimiter=";").replace(b".", b","))
    add("tabs", (("tab",), ROW))(lambda d, A: d.replace(b",", b"\t"))
    add("spaces", (("space",), ROW))(lambda d, A: d.replace(b",", b" "))
    add("text-cell", (("'abc'",), ROW))(lambda d, A: _set_cell(d, 2, 3, "abc"))
    add("na-cell", (("'na'",), ROW))(lambda d, A: _set_cell(d, 1, 0, "NA"))
    add("true-false", (("'true'",),))(lambda d, A: _set_cell(d, 0, 1, "True"))
    add("quoted-cells", (("number",),))(
        lambda d, A: b"\n".join(b",".join(b'"' + c + b'"' for c in r.split(b","))
                                for r in d.splitlines()) + b"\n")
    add("hex-cell", (("'0x1f'",),))(lambda d, A: _set_cell(d, 0, 0, "0x1F"))
    add("empty-cell", (("empty cell",), ROW))(lambda d, A: _set_cell(d, 3, 1, ""))
    add("trailing-comma", (("empty cell",),))(
        lambda d, A: b"\n".join(r + b"," for r in d.splitlines()) + b"\n")
    add("ragged-short-row", (("row 4",), ("expected",)))(
        lambda d, A: "\n".join(r if i != 3 else r.rsplit(",", 1)[0]
                               for i, r in enumerate(_rows(d))).encode())
    add("ragged-long-row", (("row 2",), ("expected",)))(
        lambda d, A: "\n".join(r + (",0.5" if i == 1 else "") for i, r in enumerate(_rows(d))).encode())
    add("nan-cell", (("finite",), ("nan",)))(lambda d, A: _set_cell(d, 2, 2, "nan"))
    add("inf-cell", (("finite",), ("inf",)))(lambda d, A: _set_cell(d, 0, 4, "inf"))
    add("minus-inf-cell", (("finite",), ("inf",)))(lambda d, A: _set_cell(d, 4, 0, "-Infinity"))
    add("overflow-1e999", (("finite",), ("inf",)))(lambda d, A: _set_cell(d, 1, 1, "1e999"))
    add("non-utf8-byte", (("utf-8",), ("0xff",)))(lambda d, A: d[:10] + b"\xff" + d[10:])
    add("latin1-accent", (("utf-8",), ("0xe9",)))(lambda d, A: "é,".encode("latin-1") + d)
    add("windows-1252-quotes", (("utf-8",),))(lambda d, A: b"\x93" + d[:40] + b"\x94" + d[40:])
    add("utf16", (("binary", "utf-16"),))(lambda d, A: d.decode().encode("utf-16"))
    add("zero-byte", (("binary",), ("position",)))(lambda d, A: d[:7] + b"\0" + d[7:])
    add("binary-junk", (("binary", "utf-8"),))(
        lambda d, A: np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    add("png-image", (("binary", "utf-8"),))(
        lambda d, A: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    add("html-error-page", (("'<html>",), ROW))(
        lambda d, A: b"<html><body>404 Not Found</body></html>\n")
    add("a-mat-file", (("binary",),))(lambda d, A: _mat({"X": A}))
    add("an-npz-file", (("binary", "utf-8"),))(lambda d, A: _npz(X=A))
    add("one-number", ())(lambda d, A: b"5\n")
    add("transposed", ())(lambda d, A: csv(A.T, fmt="%g"))
    add("first-column-dropped", ())(lambda d, A: csv(A[:, 1:], fmt="%g"))
    add("extra-column", ())(lambda d, A: csv(np.column_stack([A, A[:, :1]]), fmt="%g"))
    add("one-row-only", ())(lambda d, A: csv(A[:1], fmt="%g"))
    add("last-row-dropped", ())(lambda d, A: csv(A[:-1], fmt="%g"))
    add("row-duplicated", ())(lambda d, A: csv(np.vstack([A, A[:1]]), fmt="%g"))
    add("over-the-cap", (("too large",), ("60",)))(lambda d, A: over_cap_bytes())
    return g


def _mat(arrays, **kw):
    buf = io.BytesIO()
    scipy.io.savemat(buf, arrays, **kw)
    return buf.getvalue()


def _npz(compressed=False, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


@functools.cache
def over_cap_bytes():
    """One byte over MAX_UPLOAD_BYTES of valid-looking text: refused before parsing."""
    line = b"0.5," * 399 + b"0.5\n"
    return (line * (MAX_UPLOAD_BYTES // len(line) + 1))[: MAX_UPLOAD_BYTES + 1]


BIG_BAD_LINE = b"5.000000000000000000e-01," * 399 + b"5.000000000000000000e-01\n"  # as np.savetxt
BIG_BAD_ROWS = -(-50 * 1024**2 // len(BIG_BAD_LINE))  # 5,243 rows of 400, as in the tutorial


@functools.cache
def big_bad_x_bytes():
    """A ~50 MB X.in (like the tutorial's) whose very last row holds a text cell."""
    return BIG_BAD_LINE * (BIG_BAD_ROWS - 1) + b"5.000000000000000000e-01," * 399 + b"oops\n"


# --- generators for one target only ------------------------------------------------------------

def _one_hot_rows(rows):
    Y = good_arrays()["y.in"].copy()
    for r, row in rows.items():
        Y[r] = row
    return csv(Y, fmt="%g")


def _labels(values):
    return csv(np.asarray(values, dtype=float).reshape(-1, 1), fmt="%g")


def _y_cases():
    base = list(np.arange(M) % 10 + 1)
    return {
        "one-hot-row-sums-to-0": (_one_hot_rows({3: np.zeros(10)}), (("row 4",), ("one-hot",))),
        "one-hot-row-sums-to-2": (_one_hot_rows({5: np.r_[1, 1, np.zeros(8)]}), (("row 6",),)),
        "one-hot-half": (_one_hot_rows({0: np.r_[0.5, 0.5, np.zeros(8)]}), (("row 1",), ("0.5",))),
        "one-hot-minus-one": (_one_hot_rows({2: np.r_[-1, 1, 1, np.zeros(7)]}), (("row 3",),)),
        "label-11": (_labels(base[:-1] + [11]), (("11",), ("row 20",))),
        "label-minus-1": (_labels([-1] + base[1:]), (("-1",), ("row 1",))),
        "label-half": (_labels(base[:-1] + [2.5]), (("2.5",),)),
        "label-huge": (_labels(base[:-1] + [1e9]), (("1e+09",),)),
        "labels-0-and-10": (_labels([0] + base[1:]), (("both",), ("0", "10"))),
        "two-label-columns": (csv(np.column_stack([base, base]), fmt="%g"), (("2 columns",),)),
        "labels-for-fewer-digits": (_labels(base[:15]), (("20 rows",), ("15",))),
        "labels-as-words": (b"seven\n" * M, (("'seven'",),)),
    }


def _w_cases():
    A = good_arrays()
    W1, W2 = A["W1.in"], A["W2.in"]
    rng = np.random.default_rng(3)
    return {
        "W1.in": {
            "fits-28x28-not-20x20": (csv(rng.normal(0, .1, (H, 785))), (("401",), ("785",))),
            "fits-8x8-not-20x20": (csv(rng.normal(0, .1, (H, 65))), (("401",), ("65",))),
            "bias-column-missing": (csv(W1[:, 1:]), (("401",), ("400",))),
            "hidden-units-differ-from-W2": (csv(W1[:20]), (("21",), ("26",))),
            "one-column": (csv(W1[:, :1]), (("401",), ("1",))),
        },
        "W2.in": {
            "nine-rows": (csv(W2[:9]), (("10 rows",), ("9",))),
            "eleven-rows": (csv(np.vstack([W2, W2[:1]])), (("10 rows",), ("11",))),
            "bias-column-missing": (csv(W2[:, 1:]), (("26 columns",), ("25",))),
            "transposed-26x10": (csv(W2.T), (("10 rows",), ("26",))),
            "one-column": (csv(W2[:, :1]), (("26 columns",), ("1",))),
        },
    }


def _mat_cases():
    A = good_arrays()
    X, Y, W1, W2 = A["X.in"], A["y.in"], A["W1.in"], A["W2.in"]
    y = (Y.argmax(axis=1) + 1).reshape(-1, 1).astype(float)
    good = _mat({"X": X, "y": y, "Theta1": W1, "Theta2": W2})
    cell = np.empty((1, 2), dtype=object)
    cell[0, 0], cell[0, 1] = X, y
    hdf5 = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 "
    hdf5 = hdf5.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM" + b"\x89HDF\r\n\x1a\n" + b"\0" * 400
    return {
        "empty": (b"", (("mat",),)),
        "text-file": (good_files()["X.in"][:5000], (("mat",),)),
        "junk": (np.random.default_rng(11).integers(0, 256, 3000, dtype=np.uint8).tobytes(), ()),
        "truncated-at-10-bytes": (good[:10], (("mat",),)),
        "truncated-at-200-bytes": (good[:200], (("mat",),)),
        "truncated-at-half": (good[: len(good) // 2], (("mat",),)),
        "truncated-last-byte": (good[:-1], (("mat",),)),
        "compressed-truncated": (_mat({"X": X, "y": y}, do_compression=True)[:-50], (("mat",),)),
        "v7.3-hdf5": (hdf5, (("mat",),)),
        "npz-instead": (_npz(X=X, y=y), (("mat",),)),
        "nothing-known": (_mat({"A": X, "b": y}), (("x and y",), ("found a, b",))),
        "X-without-y": (_mat({"X": X}), (("x and y",), ("found x",))),
        "Theta1-without-Theta2": (_mat({"Theta1": W1}), (("theta2",),)),
        "X-as-text": (_mat({"X": "hello", "y": y}), (("numbers",), ("<u",))),
        "X-as-cell": (_mat({"X": cell, "y": y}), (("numbers",), ("object",))),
        "X-as-struct": (_mat({"X": {"a": X}, "y": y}), (("numbers",),)),
        "X-sparse": (_mat({"X": scipy.sparse.csc_matrix(X), "y": y}), (("numbers",), ("object",))),
        "X-3d": (_mat({"X": X.reshape(M, 20, 20), "y": y}), (("2-d",), ("(20, 20, 20)",))),
        "X-complex": (_mat({"X": X + 1j, "y": y}), (("numbers",), ("complex",))),
        "X-nan": (_mat({"X": np.where(X > .99, np.nan, X), "y": y}), (("finite",),)),
        "X-empty": (_mat({"X": np.zeros((0, 0)), "y": y}), (("square",), ("0",))),
        "y-label-11": (_mat({"X": X, "y": np.r_[y[:-1], [[11]]]}), (("11",),)),
        "y-label-0-and-10": (_mat({"X": X, "y": np.r_[[[0]], y[1:]]}), (("both",),)),
        "y-too-short": (_mat({"X": X, "y": y[:5]}), (("20 rows",), ("5",))),
        "X-non-square-width": (_mat({"X": X[:, :399], "y": y}), (("399",),)),
        "Theta2-nine-rows": (_mat({"Theta1": W1, "Theta2": W2[:9]}), (("10 rows",), ("9",))),
        "Theta1-not-fitting-X": (_mat({"X": X[:, :64], "y": y, "Theta1": W1, "Theta2": W2}),
                                 (("65 columns",), ("401",))),
        "bomb-1-GiB-of-zeros": (mat_bomb(), (("too large",), ("unpacked",))),
        "Theta-nan": (_mat({"Theta1": np.full_like(W1, np.nan), "Theta2": W2}), (("finite",),)),
    }


def _npz_cases():
    A = good_arrays()
    X, W1, W2 = A["X.in"], A["W1.in"], A["W2.in"]
    y = np.arange(M) % 10
    good = _npz(X=X, y=y, W1=W1, W2=W2)
    objects = np.empty(2, dtype=object)
    objects[0], objects[1] = {"a": 1}, [1, 2]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("X.npy", b"this is not an array")
        z.writestr("y.npy", b"nor this")
    not_npy = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    zip_of_text = buf.getvalue()
    npy = io.BytesIO()
    np.save(npy, X)
    return {
        "empty": (b"", (("zip",),)),
        "text-file": (good_files()["X.in"][:3000], (("zip",),)),
        "npy-not-npz": (npy.getvalue(), (("zip",),)),
        "pickled-object-array": (_pickled_npz(objects), (("pickle", "objects"),)),
        "pickled-X": (_pickled_npz(np.array([X, "x"], dtype=object), key="X", y=y),
                      (("pickle", "objects"),)),
        "truncated-at-half": (good[: len(good) // 2], (("npz",),)),
        "truncated-last-bytes": (good[:-30], (("npz",),)),
        "zip-with-junk-members": (not_npy, (("npz",),)),
        "zip-of-text": (zip_of_text, (("x and y",), ("readme.txt",))),
        "nothing-known": (_npz(A=X), (("x and y",), ("found a",))),
        "X-without-y": (_npz(X=X), (("x and y",),)),
        "W1-without-W2": (_npz(W1=W1), (("w2",),)),
        "X-1d": (_npz(X=X[0], y=y[:1]), (("(400,)",),)),
        "X-4d": (_npz(X=X.reshape(M, 1, 20, 20), y=y), (("(20, 1, 20, 20)",),)),
        "X-non-square-width": (_npz(X=X[:, :399], y=y), (("399",),)),
        "X-zero-pixels": (_npz(X=np.zeros((M, 0, 0)), y=y), (("pixel", "image"),)),
        "X-one-pixel": (_npz(X=np.zeros((M, 1, 1)), y=y), (("pixel", "image"),)),
        "X-no-examples": (_npz(X=np.zeros((0, 400)), y=np.zeros(0, int)), (("at least one",), ("0 images",))),
        "X-strings": (_npz(X=np.array([["a"] * 400] * M), y=y), (("numbers",), ("<u1",))),
        "X-complex": (_npz(X=X + 1j, y=y), (("numbers",), ("complex",))),
        "X-structured": (_npz(X=np.zeros(M, dtype=[("a", "f8")]), y=y), (("numbers",),)),
        "X-nan": (_npz(X=np.where(X > .99, np.nan, X), y=y), (("finite",),)),
        "X-inf": (_npz(X=np.where(X > .99, np.inf, X), y=y), (("finite",),)),
        "y-label-11": (_npz(X=X, y=np.r_[y[:-1], 11]), (("11",),)),
        "y-label-minus-1": (_npz(X=X, y=np.r_[-1, y[1:]]), (("-1",),)),
        "y-half": (_npz(X=X, y=np.r_[0.5, y[1:]]), (("0.5",), ("row 1",))),
        "y-one-hot-2d": (_npz(X=X, y=np.eye(10)[y]), (("20 labels", "(20,)"), ("(20, 10)",))),
        "y-too-long": (_npz(X=X, y=np.r_[y, 1]), (("20 labels",), ("(21,)",))),
        "W2-nine-rows": (_npz(W1=W1, W2=W2[:9]), (("10 rows",), ("9",))),
        "W2-wrong-columns": (_npz(W1=W1, W2=W2[:, :20]), (("26 columns",), ("20",))),
        "W1-not-fitting-X": (_npz(X=X[:, :64], y=y, W1=W1, W2=W2), (("65 columns",), ("401",))),
        "W1-nan": (_npz(W1=np.full_like(W1, np.nan), W2=W2), (("finite",),)),
        "W1-1d": (_npz(W1=W1[0], W2=W2), (("w1",), ("(401,)",))),
        "zip-bomb-1-GiB-of-zeros": (zip_bomb(), (("too large",), ("unpacked",))),
    }


def _pickled_npz(objects, key="data", **more):
    buf = io.BytesIO()
    np.savez(buf, allow_pickle=True, **{key: objects}, **more)
    return buf.getvalue()


BOMB_CHUNK = bytes(4 * 1024**2)  # 4 MB of zeros, compressed once and repeated
BOMB_CHUNKS = 256  # 1 GiB unpacked


class _RepeatingDeflate:
    """A raw deflate compressor for data made of one chunk repeated: each distinct chunk is
    compressed once, ending on a full flush, so its output can simply be repeated."""

    def __init__(self):
        self.memo = {}

    def compress(self, data):
        if data not in self.memo:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            self.memo[data] = c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)
        return self.memo[data]

    def flush(self, mode=zlib.Z_FINISH):
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _zeros(f, nbytes):
    """nbytes zeros written to f (whose compressor is a _RepeatingDeflate), 4 MB at a time."""
    for _ in range(nbytes // len(BOMB_CHUNK)):
        f.write(BOMB_CHUNK)
    f.write(bytes(nbytes % len(BOMB_CHUNK)))


@functools.cache
def zip_bomb(shape=(BOMB_CHUNKS * 1024, 512), descr="<f8"):
    """An .npz of about 1 MB holding X.npy that unpacks to 1 GiB of zeros (a real, valid zip:
    sizes and CRC are true; only the compression is done once and repeated), or to zeros of
    another shape and type; y.npy holds one int8 label a row."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("y.npy", _npy(np.zeros(shape[0], np.int8)))
        with z.open("X.npy", "w", force_zip64=True) as f:
            f._compressor = _RepeatingDeflate()
            f.write(header.getvalue())
            _zeros(f, math.prod(shape) * np.dtype(descr).itemsize)
    return buf.getvalue()


class _Body(list):
    """The parts of a zlib stream whose deflated body is made by _zeros, with its checksum."""

    def __init__(self, element):
        super().__init__([b"\x78\xda", _RepeatingDeflate().compress(element)])
        self.deflate, self.adler = _RepeatingDeflate(), zlib.adler32(element)

    def write(self, data):
        self.append(self.deflate.compress(data))
        self.adler = zlib.adler32(data, self.adler)


@functools.cache
def mat_bomb(name="X", shape=(BOMB_CHUNKS * 1024, 512), mclass="double"):
    """A MATLAB v5 file of about 1 MB whose compressed variable X unpacks to 1 GiB of zeros
    (or the variable `name`, of one letter, to zeros of another shape, of doubles or uint8)."""
    rows, cols = shape
    kind, mi, size = {"double": (6, 9, 8), "uint8": (9, 2, 1)}[mclass]
    nbytes = rows * cols * size
    assert nbytes % 8 == 0  # no padding after the numbers
    element = (struct.pack("<II", 14, 48 + nbytes)  # miMATRIX and its length
               + struct.pack("<IIII", 6, 8, kind, 0)  # array flags: the class
               + struct.pack("<IIii", 5, 8, rows, cols)  # dimensions
               + struct.pack("<I", (1 << 16) | 1) + name.encode() + b"\0\0\0"  # the name (small element)
               + struct.pack("<II", mi, nbytes))  # the numbers' type and length, then the numbers
    body = _Body(element)
    _zeros(body, nbytes)
    body += [body.deflate.flush(), struct.pack(">I", body.adler)]
    stream = b"".join(body)
    head = b"MATLAB 5.0 MAT-file, written by tests/malformed.py".ljust(116, b" ")
    head += b"\0" * 8 + struct.pack("<H", 0x0100) + b"IM"
    return head + struct.pack("<II", 15, len(stream)) + stream


def _npy(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def cases():
    """Every malformed case, as a list of Case (ids are unique)."""
    out = []
    files, arrays = good_files(), good_arrays()
    for name, (fn, says) in _text_generators().items():
        for target in TEXT_TARGETS:
            out.append(Case(f"{target}/{name}", target, fn(files[target], arrays[target]), says))
    out.append(Case("X.in/50-MB-bad-last-row", "X.in", big_bad_x_bytes(),
                    ((f"row {BIG_BAD_ROWS},",), ("'oops'",))))
    for name, (data, says) in _y_cases().items():
        out.append(Case(f"y.in/{name}", "y.in", data, says))
    for target, gens in _w_cases().items():
        for name, (data, says) in gens.items():
            out.append(Case(f"{target}/{name}", target, data, says))
    for name, (data, says) in _mat_cases().items():
        out.append(Case(f".mat/{name}", ".mat", data, says))
    for name, (data, says) in _npz_cases().items():
        out.append(Case(f".npz/{name}", ".npz", data, says))
    assert len({c.id for c in out}) == len(out)
    return out
