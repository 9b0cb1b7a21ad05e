"""Grade weights made elsewhere: how well W1 and W2 read a data set's digits, read the right way round.

How it works
1. fitting_datasets(W1's width, data sets): the data sets whose pixel count W1 can fit (a bias
   column plus one per pixel, or one column fewer or more: layout.input_sizes).
2. grade_weights(raw, dataset, split) tries every reading of the raw arrays on the data set
   (layout.diagnose_layout) and grades the files as uploaded: the reading the file format
   promises (else, when its shapes do not fit, the best-fitting one). best=True grades the
   best-fitting reading instead: what the weights would score with the layout mistake fixed.
   A deeper network (raw.network) is graded as its file says: no layout is guessed.
3. The graded network is measured on the split: cost J on the training digits with lambda = 0
   and lambda = 1 (the penalty skips the bias columns), accuracy on train / validation / test,
   and the confusion matrix of the test digits.
4. The grade says whether the dashboard can make these weights its active model: only a hidden
   size in HIDDEN_RANGE can be.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import DataFormatError
from ..formats.layout import ROWS, Candidate, LayoutReport, diagnose_layout, input_sizes
from ..network.cost import cost_terms, one_hot
from ..network.metrics import confusion_matrix
from ..network.network import N_OUTPUTS, check_hidden_size

PARTS = ("train", "validation", "test")


@dataclass(frozen=True)
class Grade:
    """One set of weights graded on one data set, in the reading chosen from layout's report."""

    layout: LayoutReport | None  # every reading that fits, best first, and the verdict (None
    # for a deeper network: no layout is guessed)
    graded: Candidate  # the reading graded, and the network it gives
    cost: float  # J on the training digits with lambda = 0 (the data term)
    penalty: float  # J's penalty term with lambda = 1: J(lambda = 1) = cost + penalty
    accuracy: dict  # part of the split ("train", "validation", "test") -> fraction correct
    confusion: np.ndarray  # test digits: true digit (rows) x predicted digit (columns)
    refusal: str | None  # why these weights cannot be the active model, or None if they can

    @property
    def network(self):
        return self.graded.network


def fitting_datasets(w1_width, shapes, first=None, exact=False):
    """Names of the data sets (name -> image shape) that a W1 this wide fits, the promised input
    size first (then `first`, if it fits); DataFormatError saying what W1 needs if none fits.
    exact: only the promised size (a deeper network, whose layout is not guessed)."""
    sizes = {name: int(np.prod(shape)) for name, shape in shapes.items()}
    widths = input_sizes(w1_width)[:1] if exact else input_sizes(w1_width)
    names = [name for n in widths for name, k in sizes.items() if k == n]
    if first in names:
        names.remove(first)
        names.insert(0, first)
    if not names:
        needed = ", ".join(f"{sizes[name] + 1} for {r}×{c} digits ({name})"
                           for name, (r, c) in shapes.items())
        raise DataFormatError(f"W1 has {w1_width} columns, expected the bias column plus one per "
                              f"pixel: {needed}")
    return names


def grade_weights(raw, dataset, split, best=False, report=None):
    """Grade layout.RawWeights on a data set and its train / validation / test split.

    The files are graded as uploaded: in the reading their format promises, or the best-fitting
    one when the promised one does not fit the shapes. best=True grades the best-fitting reading
    (the layout mistake fixed). report: layout.diagnose_layout's report of these weights on this
    data set, if already made (it tries every reading, the slow part).
    """
    n = int(np.prod(dataset.image_shape))
    if split.train.n_inputs != n:
        raise DataFormatError(f"the split must be of the data set graded on: expected {n} inputs "
                              f"({dataset.name}), found {split.train.n_inputs}")
    if raw.network is not None:  # a deeper network: read as its file says
        report = None
        net = raw.network
        if net.n_inputs != n:
            raise DataFormatError(f"W1 must have {n + 1} columns for {n} inputs ({dataset.name}), "
                                  f"found {net.n_inputs + 1}")
        graded = Candidate(raw.expected, net, net.accuracy(split.test.X, split.test.y), 0.0, True)
    else:
        if report is None:
            report = diagnose_layout(raw.W1, raw.W2, dataset.X, dataset.y, dataset.image_shape,
                                     expected=raw.expected)
        graded = report.best if best or report.expected is None else report.expected
        net = graded.network
    cost, penalty = cost_terms(net, split.train.X, one_hot(split.train.y), 1.0)
    accuracy = {part: net.accuracy(getattr(split, part).X, getattr(split, part).y) for part in PARTS}
    confusion = confusion_matrix(split.test.y, net.predict(split.test.X))
    try:
        check_hidden_size(net.hidden_size, "these weights")
        refusal = None
    except DataFormatError as error:
        refusal = str(error)
    return Grade(report, graded, float(cost), float(penalty), accuracy, confusion, refusal)


def layout_mistakes(found, want):
    """What each difference between the reading that fits (found) and the one the format promises
    (want) means for the digits, in plain words: one sentence per mistake, in layout's order."""
    out = []
    if found.pixels != want.pixels:
        out.append(
            f"Pixels in {found.pixels} order, not {want.pixels}: a digit's picture is stored as "
            "one line of numbers, row by row (row-major) or column by column "
            "(column-major). Read in the other order, every hidden unit sees the digit "
            "transposed, flipped over its diagonal: a unit looking for the top bar of a 7 looks "
            "at its left edge instead.")
    if found.rows != want.rows:
        k = (ROWS[found.rows] - ROWS[want.rows]) % N_OUTPUTS
        turn = "one digit" if min(k, N_OUTPUTS - k) == 1 else f"{min(k, N_OUTPUTS - k)} digits"
        out.append(
            f"W2's rows in {found.rows}, not {want.rows}: each row of W2 is one output, one "
            "digit. The tutorial counts its classes 1 to 10 with digit 0 as class 10 (the last "
            "row); this dashboard counts 0 to 9. With the rows shifted, every output answers for "
            f"the wrong digit, off by {turn}: the network may see a 3 and say 4. "
            "\"Converted twice\" means the 1..10 → 0..9 shift was applied twice.")
    for name, kind in (("W1", found.w1_columns), ("W2", found.w2_columns)):
        if kind == "bias missing":
            out.append(f"{name} has no bias column: the first column, each unit's weight that is "
                       "added whatever the input, is missing, so every other column slid one place "
                       "to the left when read as promised.")
        elif kind.startswith("extra"):
            out.append(f"{name} has one column too many ({kind}), so every weight after it sits one "
                       "place off and meets the wrong pixel or hidden unit.")
    return out
