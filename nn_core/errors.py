"""The one error a user of nn_core ever needs to catch.

Every public function that reads a file, an upload or a knob checks it at the
boundary and raises DataFormatError with a message that says what was expected
and what was found ("W1 must have 401 columns for 400 inputs, found 785").
It is a ValueError, so code that already catches ValueError keeps working.
"""

import numpy as np


class DataFormatError(ValueError):
    """Input data, weights or settings that do not have the expected form."""


def check_finite(A, what):
    """Raise DataFormatError naming the first NaN / infinity in A (a 1- to 3-D array) by position.

    "W1 in the .npz file: row 4, column 8: expected a finite number, found nan": the user can go
    and look at that cell, which "found NaN somewhere" would not let them do.
    """
    bad = np.argwhere(~np.isfinite(A))
    if len(bad):
        axes = ("row", "column") if A.ndim <= 2 else ("image", "row", "column")
        where = ", ".join(f"{axis} {i + 1}" for axis, i in zip(axes, bad[0], strict=False))
        raise DataFormatError(f"{what}: {where}: expected a finite number, found {A[tuple(bad[0])]}")
