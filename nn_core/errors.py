"""The one error a user of nn_core ever needs to catch.

Every public function that reads a file, an upload or a knob checks it at the
boundary and raises DataFormatError with a message that says what was expected
and what was found ("W1 must have 401 columns for 400 inputs, found 785").
It is a ValueError, so code that already catches ValueError keeps working.
"""


class DataFormatError(ValueError):
    """Input data, weights or settings that do not have the expected form."""
