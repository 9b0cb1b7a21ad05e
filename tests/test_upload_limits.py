"""Uploads are capped by what they take in memory, and the caps are checked before arrays are made.

Each value read is held as a 64-bit float (8 bytes), whatever the file stored: a 199 KB .npz of
uint8 zeros used to become 1.6 GB of floats (and 4.7 GB on the way, through the Data explorer).
The memory tests read a file in a child python process and report how far its peak RSS grew
while reading: VmHWM of /proc/self/status, the high-water mark of the child's own memory
(ru_maxrss would start at the RSS of this test process, which a child inherits through fork).
"""

import gzip
import io
import json
import re
import subprocess
import sys

import malformed
import numpy as np
import pytest
import scipy.io
from conftest import ROOT

import nn_core
from nn_core import (
    MAX_DIGITS,
    MAX_PIXELS,
    MAX_UNPACKED_BYTES,
    MAX_X_BYTES,
    DataFormatError,
    read_mat,
    read_npz,
    read_seed_data,
    read_seed_X,
)
from nn_core.formats.sources import read_bytes

MiB = 1024**2

CHILD = """
import json, re, sys
sys.path.insert(0, sys.argv[1])
import nn_core
kind, paths = sys.argv[2], sys.argv[3:]
if kind == "explorer":
    from ui import data_upload

def peak():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", f.read()).group(1)) * 1024

base = peak()
try:
    if kind == "explorer":  # the Data explorer's upload path, with its fingerprint of X
        ds = data_upload.read_user_files(*paths)
    elif kind == ".npz":
        ds = nn_core.read_npz(paths[0])["data"]
    elif kind == ".mat":
        ds = nn_core.read_mat(paths[0])["data"]
    else:
        ds = nn_core.read_seed_data(*paths)
    found = f"accepted {ds.X.shape}"
except nn_core.DataFormatError as e:
    found = str(e)
print(json.dumps({"grew": peak() - base, "found": found}))
"""


def _peak_growth(kind, *paths):
    """(bytes the peak RSS of a fresh process grew by while reading paths, what it said)."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), kind, *map(str, paths)],
                         capture_output=True, text=True, check=True, timeout=120)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return report["grew"], report["found"]


def _npz(path, **arrays):
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)
    return path


def _labels(m):
    return np.arange(m) % 10


# --- refused from their shapes, before anything big is made (findings 1 and 2) ----------------

def test_a_199_kb_npz_of_50000_uint8_images_is_refused_before_it_takes_memory(tmp_path):
    path = tmp_path / "X.npz"  # as np.savez_compressed(f, X=np.zeros((50000, 4096), np.uint8), y=...)
    path.write_bytes(malformed.zip_bomb((50_000, 4096), "|u1"))
    assert path.stat().st_size < 250_000
    grew, found = _peak_growth("explorer", path)  # the Data explorer's upload, through read_npz
    # Its X.npy alone is 204.8 MB of uint8 as stored, over the cap even before it is made floats.
    assert found == (f"the .npz file is too large once unpacked: expected at most {MAX_UNPACKED_BYTES:,} "
                     "bytes of arrays, found at least 204,850,256")
    assert grew < 32 * MiB, f"the peak RSS grew by {grew / MiB:.0f} MiB"  # was 4.6 GiB
    path.write_bytes(malformed.zip_bomb((25_000, 4096), "|u1"))  # 102 MB stored, 819 MB as floats
    grew, found = _peak_growth("explorer", path)
    assert found == f"X in the .npz file: expected at most {MAX_DIGITS:,} digits, found 25,000"
    assert grew < 32 * MiB, f"the peak RSS grew by {grew / MiB:.0f} MiB"


def test_a_small_mat_of_uint8_images_is_refused_before_it_takes_memory(tmp_path):
    path = tmp_path / "X.mat"
    path.write_bytes(malformed.mat_bomb("X", (25_000, 4096), "uint8"))
    assert path.stat().st_size < 250_000
    grew, found = _peak_growth(".mat", path)
    assert found == f"X in the .mat file: expected at most {MAX_DIGITS:,} digits, found 25,000"
    assert grew < 32 * MiB, f"the peak RSS grew by {grew / MiB:.0f} MiB"  # was 1.6 GiB


def test_an_x_in_of_one_million_pixel_image_is_refused_saying_the_limit(tmp_path):
    x, y = tmp_path / "X.in", tmp_path / "y.in"
    x.write_text(",".join(["0"] * 1_000_000) + "\n")
    y.write_text("1\n")
    grew, found = _peak_growth("X.in", x, y)
    assert found == (f"X.in: expected images of at most {MAX_PIXELS:,} pixels (128x128), "
                     "found 1,000,000 pixels an image")
    assert grew < 32 * MiB, f"the peak RSS grew by {grew / MiB:.0f} MiB"


# --- the largest uploads accepted, and what they cost -----------------------------------------

def test_the_largest_accepted_uploads_stay_within_a_few_times_the_cap(tmp_path):
    """MAX_DIGITS digits of 20x20, as uint8: X takes MAX_X_BYTES as floats. Reading holds it once
    (plus the file's own uint8s and a mask of finite values, 1/8 each); a .mat's images are put
    row by row (a second copy); a text file's rows are parsed (numpy grows its array as it goes)."""
    m = MAX_DIGITS
    assert m * 400 * 8 <= MAX_X_BYTES
    npz = _npz(tmp_path / "X.npz", X=np.zeros((m, 20, 20), np.uint8), y=_labels(m))
    mat = tmp_path / "X.mat"
    scipy.io.savemat(mat, {"X": np.zeros((m, 400), np.uint8), "y": _labels(m)[:, None] + 1},
                     do_compression=True)
    x, y = tmp_path / "X.in", tmp_path / "y.in"
    x.write_text((",".join(["0"] * 400) + "\n") * m)
    y.write_text("".join(f"{d}\n" for d in _labels(m)))
    for kind, paths, times in (("explorer", (npz,), 1.5), (".mat", (mat,), 2.5), ("X.in", (x, y), 3)):
        grew, found = _peak_growth(kind, *paths)
        assert found == f"accepted ({m}, 400)"
        # Before, the Data explorer copied X twice more to fingerprint it: 192 MiB for the .npz.
        assert grew < times * MAX_X_BYTES, f"{paths[0].name}: the peak RSS grew by {grew / MiB:.0f} MiB"


# --- the caps, each with its message ----------------------------------------------------------

def _npz_bytes(X):
    buf = io.BytesIO()
    np.savez_compressed(buf, X=X, y=_labels(len(X)))
    return buf.getvalue()


def test_64x64_and_128x128_images_are_accepted_and_larger_ones_refused():
    assert read_npz(_npz_bytes(np.zeros((3, 64, 64), np.uint8)))["data"].image_shape == (64, 64)
    side = int(MAX_PIXELS**0.5)
    assert read_npz(_npz_bytes(np.zeros((3, side, side))))["data"].n_inputs == MAX_PIXELS
    x_in = (",".join(["0"] * 64 * 64) + "\n").encode()
    assert read_seed_X(x_in)[1] == (64, 64)
    with pytest.raises(DataFormatError, match=rf"at most {MAX_PIXELS:,} pixels \(128x128\), found 16,512 "):
        read_npz(_npz_bytes(np.zeros((3, side + 1, side), np.uint8)))
    with pytest.raises(DataFormatError, match=rf"X.in: expected images of at most {MAX_PIXELS:,} pixels"):
        read_seed_X((",".join(["0"] * 130 * 130) + "\n").encode())


def test_more_than_max_digits_are_refused_saying_the_limit():
    assert len(read_npz(_npz_bytes(np.zeros((MAX_DIGITS, 2, 2), np.uint8)))["data"]) == MAX_DIGITS
    message = f"expected at most {MAX_DIGITS:,} digits, found {MAX_DIGITS + 1:,}"
    with pytest.raises(DataFormatError, match=message):
        read_npz(_npz_bytes(np.zeros((MAX_DIGITS + 1, 2, 2), np.uint8)))
    rows = MAX_DIGITS + 1
    with pytest.raises(DataFormatError, match=f"X.in: {message}"):
        read_seed_data(b"0,0,0,0\n" * rows, b"1\n" * rows)


def test_a_y_in_of_more_than_max_digits_labels_is_refused_before_it_is_parsed():
    """3 MB of one-hot rows (150,000 labels, 12 MB as floats) for 2 digits: refused by its count."""
    rows = 150_000
    message = f"y.in: expected at most {MAX_DIGITS:,} digits, found {rows:,}"
    with pytest.raises(DataFormatError, match=message):
        read_seed_data(b"0,0,0,0\n0,0,0,0\n", b"0,0,0,0,0,0,0,0,0,1\n" * rows)


def test_digits_times_pixels_times_8_bytes_over_max_x_bytes_is_refused():
    side = int(MAX_PIXELS**0.5)
    m = MAX_X_BYTES // (MAX_PIXELS * 8)  # 512 images of 128x128: exactly the cap
    assert len(read_npz(_npz_bytes(np.zeros((m, side, side), np.uint8)))["data"]) == m
    with pytest.raises(DataFormatError, match=(
            rf"X in the .npz file is too large: expected at most {MAX_X_BYTES:,} bytes as 64-bit floats "
            rf"\(digits x pixels x 8\), found {m + 1:,} x {MAX_PIXELS:,} x 8 = "
            rf"{(m + 1) * MAX_PIXELS * 8:,}")):
        read_npz(_npz_bytes(np.zeros((m + 1, side, side), np.uint8)))


def test_a_wide_x_in_is_refused_before_it_is_parsed():
    """A 3 MB X.in of 1,001 rows of 128x128 zeros: refused for its size as floats, counted from
    its line ends, not after numpy has made the floats (blank and comment lines don't count)."""
    row = ",".join(["0"] * MAX_PIXELS) + "\n"
    m = MAX_X_BYTES // (MAX_PIXELS * 8)
    text = "# my digits\n\n" + row * m
    assert read_seed_X(text.encode())[0].shape == (m, MAX_PIXELS)
    with pytest.raises(DataFormatError, match=f"found {m + 1:,} x {MAX_PIXELS:,} x 8"):
        read_seed_X((text + row).encode())


def test_all_arrays_of_an_archive_are_capped_as_64_bit_floats():
    """Weights are arrays too: a W1 of uint8 zeros that would take over MAX_UNPACKED_BYTES as
    floats is refused from its .npy header, saying the sizes found."""
    rows = MAX_UNPACKED_BYTES // (8 * 1000) + 1
    data = _npz_bytes(np.zeros((1, 2, 2)))
    buf = io.BytesIO()
    np.savez_compressed(buf, W1=np.zeros((rows, 1000), np.uint8), W2=np.zeros((10, rows + 1), np.uint8))
    with pytest.raises(DataFormatError, match=(
            rf"the .npz file is too large once unpacked: expected at most {MAX_UNPACKED_BYTES:,} bytes "
            rf"of arrays as 64-bit floats, found [\d,]+ \(W1 {rows}x1000 = {rows * 8000:,}, ")):
        read_npz(buf.getvalue())
    assert read_npz(data)["data"] is not None


def test_the_limits_are_public_names_of_nn_core():
    for name in ("MAX_DIGITS", "MAX_PIXELS", "MAX_X_BYTES", "MAX_UNPACKED_BYTES", "MAX_MY_DIGITS",
                 "MAX_UPLOAD_BYTES"):
        assert name in nn_core.__all__ and isinstance(getattr(nn_core, name), int)
    assert 64 * 64 <= MAX_PIXELS < 1_000_000
    lo, hi = nn_core.HIDDEN_RANGE  # a file of X at its cap and the largest network is accepted
    assert MAX_X_BYTES + 8 * (MAX_DIGITS + hi * (MAX_PIXELS + 1) + 10 * (hi + 1)) <= MAX_UNPACKED_BYTES
    assert 5000 * 400 * 8 <= MAX_X_BYTES  # the tutorial's X.in fits
    readme = (ROOT / "README.md").read_text()
    for name in ("MAX_UPLOAD_BYTES", "MAX_PIXELS", "MAX_DIGITS", "MAX_X_BYTES", "MAX_UNPACKED_BYTES",
                 "MAX_MY_DIGITS"):
        assert f"| `{name}` | {getattr(nn_core, name):,} " in readme, f"the README's {name} is out of date"


# --- the .mat size count and two messages (finding 9) -----------------------------------------

def test_a_124_mb_mat_variable_passes_the_unpacked_size_check():
    """130 MB as stored and as floats, under MAX_UNPACKED_BYTES: a compressed variable used to be
    counted twice, so anything over about half the cap was refused."""
    assert 31 * 4 * MiB <= MAX_UNPACKED_BYTES < 2 * 31 * 4 * MiB
    data = malformed.mat_bomb("Z", (31 * 1024, 512))  # 31 x 4 MiB = 130,023,424 bytes of doubles
    assert read_bytes(data, "the .mat file") == data  # the check every reader goes through


def test_a_147_mb_mat_variable_is_refused_with_what_it_really_unpacks_to():
    """The issue's case: it was refused as "over 252,313,648 bytes", a count cut short."""
    nbytes = 35 * 4 * MiB  # 146,800,640 bytes of doubles
    with pytest.raises(DataFormatError, match="too large once unpacked") as err:
        read_mat(malformed.mat_bomb("Z", (35 * 1024, 512)))
    found = int(re.search(r"found at least ([\d,]+)", str(err.value)).group(1).replace(",", ""))
    assert nbytes <= found <= nbytes + 100  # the variable with its header


def test_a_gzip_file_named_x_in_says_to_decompress_it():
    data = gzip.compress(b"0,0,0,0\n" * 100_000)
    with pytest.raises(DataFormatError, match="X.in: expected text .*, found a gzip-compressed file: "
                                              "decompress it first"):
        read_seed_X(data)


def test_a_v7_3_mat_file_says_to_save_it_again_with_v7():
    hdf5 = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".ljust(116, b" ")
    hdf5 += b"\0" * 8 + b"\x00\x02IM" + b"\x89HDF\r\n\x1a\n" + b"\0" * 400
    with pytest.raises(DataFormatError) as err:
        read_mat(hdf5)
    assert "found a version 7.3 (HDF5) file" in str(err.value)
    assert "save('file.mat', 'X', 'y', '-v7') in MATLAB or Octave" in str(err.value)
