"""Every file the dashboard reads comes in here: a path, bytes or an upload, size-checked.

How it works
1. A source is a path, bytes, or a binary file object such as a Streamlit upload; its bytes
   are read into memory (an upload that was read before is read again from its start).
2. At most MAX_UPLOAD_BYTES + 1 bytes are read, so a file over the cap (or a device that never
   ends) is refused before anything is parsed.
3. A zip (.npz) or MATLAB v5 (.mat) file can unpack to far more than it weighs (a "zip bomb"):
   what its arrays take once unpacked is counted first, and capped at MAX_UNPACKED_BYTES.
4. Every number is held as a 64-bit float (8 bytes) once read, whatever the file stored (a
   uint8 takes 1): so the readers check each array's shape before converting it, with
   check_digits for the digits X (MAX_PIXELS an image, MAX_DIGITS images, MAX_X_BYTES in all).
5. Anything else (a missing file, a number instead of a file) raises DataFormatError saying
   what was expected and what was found.
"""

import io
import math
import os
import zipfile

from ..errors import DataFormatError
from . import matv5

MAX_UPLOAD_BYTES = 60 * 1024**2  # the tutorial's X.in is about 50 MB
# What the digits X take in memory once read: every value a 64-bit float, 8 bytes.
MAX_PIXELS = 128 * 128  # pixels an image (the tutorial's are 20 x 20 = 400)
MAX_DIGITS = 20_000  # images an upload (four times the tutorial's 5,000)
MAX_X_BYTES = 64 * 1024**2  # digits x pixels x 8: 20,000 of 20 x 20 fit, or 512 of 128 x 128
# A compressed .npz or .mat can unpack to far more than it weighs (a "zip bomb"): what all of
# its arrays take as 64-bit floats is capped too, before anything is unpacked for real. X at
# its cap and the largest network fit: W1 of 400 hidden units x (16,384 pixels + bias) x 8 =
# 52 MB (network.HIDDEN_RANGE), W2 and y.
MAX_UNPACKED_BYTES = 2 * MAX_X_BYTES


def read_bytes(source, what):
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


def check_digits(m, n_pixels, what):
    """Refuse m images of n_pixels each (X of a file, found from its shape before it is read)
    over MAX_PIXELS an image, MAX_DIGITS images or MAX_X_BYTES as 64-bit floats."""
    side = math.isqrt(MAX_PIXELS)
    if n_pixels > MAX_PIXELS:
        raise DataFormatError(f"{what}: expected images of at most {MAX_PIXELS:,} pixels ({side}x{side}), "
                              f"found {n_pixels:,} pixels an image")
    if m > MAX_DIGITS:
        raise DataFormatError(f"{what}: expected at most {MAX_DIGITS:,} digits, found {m:,}")
    if m * n_pixels * 8 > MAX_X_BYTES:
        raise DataFormatError(f"{what} is too large: expected at most {MAX_X_BYTES:,} bytes as 64-bit "
                              f"floats (digits x pixels x 8), found {m:,} x {n_pixels:,} x 8 = "
                              f"{m * n_pixels * 8:,}: use fewer digits or smaller images")


def check_unpacked(sizes, what):
    """Refuse arrays, given as {name: (shape, itemsize)}, over MAX_UNPACKED_BYTES as 64-bit floats."""
    size = {k: math.prod(shape) * max(8, itemsize) for k, (shape, itemsize) in sizes.items()}
    if sum(size.values()) > MAX_UNPACKED_BYTES:
        found = ", ".join(f"{k} {'x'.join(map(str, sizes[k][0]))} = {n:,}" for k, n in size.items())
        raise DataFormatError(f"{what} is too large once unpacked: expected at most "
                              f"{MAX_UNPACKED_BYTES:,} bytes of arrays as 64-bit floats, found "
                              f"{sum(size.values()):,} ({found})")


def _check_size(size, what):
    if size > MAX_UPLOAD_BYTES:
        raise DataFormatError(f"{what} is too large: expected at most {MAX_UPLOAD_BYTES:,} bytes, "
                              f"found {size:,}")


def _check_unpacked_size(data, what):
    """Refuse a zip (.npz) or MATLAB v5 file that would unpack to over MAX_UNPACKED_BYTES.

    A zip lists each member's unpacked size, and zipfile never reads past it; a .mat file's
    compressed variables are unpacked (and thrown away) with a running count, stopping at the cap.
    """
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                size = sum(info.file_size for info in z.infolist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            return  # not a readable zip: the reader says so
    elif matv5.byte_order(data):
        size = matv5.variables(data, limit=MAX_UNPACKED_BYTES)[1]
    else:
        return
    if size > MAX_UNPACKED_BYTES:
        raise DataFormatError(f"{what} is too large once unpacked: expected at most "
                              f"{MAX_UNPACKED_BYTES:,} bytes of arrays, found at least {size:,}")
