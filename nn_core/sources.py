"""Every file the dashboard reads comes in here: a path, bytes or an upload, size-checked.

How it works
1. A source is a path, bytes, or a binary file object such as a Streamlit upload; its bytes
   are read into memory (an upload that was read before is read again from its start).
2. At most MAX_UPLOAD_BYTES + 1 bytes are read, so a file over the cap (or a device that never
   ends) is refused before anything is parsed.
3. A zip (.npz) or MATLAB v5 (.mat) file can unpack to far more than it weighs (a "zip bomb"):
   what its arrays take once unpacked is counted first, and capped at MAX_UNPACKED_BYTES.
4. Anything else (a missing file, a number instead of a file) raises DataFormatError saying
   what was expected and what was found.
"""

import io
import os
import struct
import zipfile
import zlib

from .errors import DataFormatError

MAX_UPLOAD_BYTES = 60 * 1024**2  # the tutorial's X.in is about 50 MB
# A compressed .npz or .mat can unpack to far more than it weighs (a "zip bomb"): what it
# unpacks to is capped too, before anything is unpacked for real.
MAX_UNPACKED_BYTES = 4 * MAX_UPLOAD_BYTES


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
