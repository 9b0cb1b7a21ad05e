"""A text file of comma-separated numbers as a matrix, or an error naming the bad cell.

How it works
1. The bytes come from sources.read_bytes (size-checked); they must be UTF-8 text, not binary
   (a gzip file must be decompressed first; a zero byte usually means UTF-16), with at least
   one row of numbers.
2. Blank lines and # comment lines are skipped. A plain file is parsed by np.loadtxt in one
   go (about 1 s for the tutorial's 50 MB X.in); a file with indented lines or old Mac line
   ends goes line by line.
3. If numpy fails, the rows are checked from just before where it stopped, and the error says
   what was expected and found, with the row and column (from 1): semicolons, tabs, a header
   row, numbers in quotes, an empty cell, a row of the wrong width.
4. Every value must be finite: NaN or infinity is refused with its row and column.
"""

import io
import itertools
import re

import numpy as np

from ..errors import DataFormatError, check_finite
from .sources import read_bytes


def read_table(source, what, check_width=None, check_rows=None):
    """A text file of comma-separated numbers as a 2-D float array, or DataFormatError.

    check_width(n), if given, is called with the width of a clean first row of a file over
    1 MB before the whole file is parsed, so a 60 MB file of the wrong width is refused at
    once (small files are parsed first: a bad cell is the more useful message); then
    check_rows(rows, n), if given, with the number of rows, so a file that would take too
    much memory as 64-bit floats is refused before they are made.
    """
    data = read_bytes(source, what)
    if data[:2] == b"\x1f\x8b":
        raise DataFormatError(f"{what}: expected text (comma-separated numbers), found a gzip-"
                              "compressed file: decompress it first (gunzip, or 7-Zip on Windows)")
    if b"\0" in data:
        raise DataFormatError(f"{what}: expected text (comma-separated numbers), found binary data "
                              f"(a zero byte at position {data.index(0)}; UTF-16 text?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataFormatError(f"{what}: expected UTF-8 text (comma-separated numbers), found byte "
                              f"{e.object[e.start]:#04x} at position {e.start}") from None
    del data  # the text is all that is needed from here on
    if not re.search(r"^[^\S\n]*[^#\s]", text, re.M):
        raise DataFormatError(f"{what} is empty: expected comma-separated numbers, found none")
    if check_width is not None and len(text) > 1 << 20:
        first = next(_lines(text)).split("#")[0].strip()
        clean = not first.encode().translate(None, b"0123456789eE+-.,")  # digits and commas
        if clean and ",," not in first and not first.endswith(","):
            check_width(first.count(",") + 1)
            if check_rows is not None:
                _check_rows(text, first.count(",") + 1, check_rows)
    # Lines of spaces, indented comments and old Mac line ends are read line by line; other
    # files in one go, fast (~1 s for 50 MB) and without a Python object per line.
    plain = (text.count("\r") == text.count("\r\n") and text[:1] not in (" ", "\t")
             and "\n " not in text and "\n\t" not in text)
    try:
        A = np.loadtxt(io.StringIO(text) if plain else _lines(text), delimiter=",",
                       comments="#", ndmin=2)
    except ValueError as e:
        raise _diagnose(text, what, str(e)) from None
    check_finite(A, what)
    return A


def _check_rows(text, width, check_rows):
    """check_rows(rows, width), rows counted from the line ends without splitting the text."""
    rows = max(text.count("\n"), text.count("\r")) + (not text.endswith(("\n", "\r")))
    try:
        check_rows(rows, width)
    except DataFormatError:  # refused on a count that included blank and comment lines?
        skipped = len(re.findall(r"^[^\S\n]*(?:#[^\n]*)?\n", text, re.M))
        check_rows(rows - skipped, width)


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
