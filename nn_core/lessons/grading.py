"""Grade weights made elsewhere: how well W1 and W2 read a data set's digits, read the right way round.

How it works
1. fitting_datasets(W1's width, data sets): the data sets whose pixel count W1 can fit (a bias
   column plus one per pixel, or one column fewer or more: layout.input_sizes).
2. grade_weights(raw, dataset, split) tries every reading of the raw arrays on the data set
   (layout.diagnose_layout) and grades one: the reading the file format promises when it fits,
   else the best-fitting one. promised=True grades the promised reading all the same, to show
   what a layout mistake costs.
3. The graded network is measured on the split: cost J on the training digits with lambda = 0
   and lambda = 1 (the penalty skips the bias columns), accuracy on train / validation / test,
   and the confusion matrix of the test digits.
4. The grade says whether the dashboard can make these weights its active model: only a hidden
   size in HIDDEN_RANGE can be.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import DataFormatError
from ..formats.layout import Candidate, LayoutReport, diagnose_layout, input_sizes
from ..network.cost import cost_terms, one_hot
from ..network.metrics import confusion_matrix
from ..network.network import check_hidden_size

PARTS = ("train", "validation", "test")


@dataclass(frozen=True)
class Grade:
    """One set of weights graded on one data set, in the reading chosen from layout's report."""

    layout: LayoutReport  # every reading that fits the shapes, best first, and the verdict
    graded: Candidate  # the reading graded, and the network it gives
    cost: float  # J on the training digits with lambda = 0 (the data term)
    penalty: float  # J's penalty term with lambda = 1: J(lambda = 1) = cost + penalty
    accuracy: dict  # part of the split ("train", "validation", "test") -> fraction correct
    confusion: np.ndarray  # test digits: true digit (rows) x predicted digit (columns)
    refusal: str | None  # why these weights cannot be the active model, or None if they can

    @property
    def network(self):
        return self.graded.network


def fitting_datasets(w1_width, shapes, first=None):
    """Names of the data sets (name -> image shape) that a W1 this wide fits, the promised input
    size first (then `first`, if it fits); DataFormatError saying what W1 needs if none fits."""
    sizes = {name: int(np.prod(shape)) for name, shape in shapes.items()}
    names = [name for n in input_sizes(w1_width) for name, k in sizes.items() if k == n]
    if first in names:
        names.remove(first)
        names.insert(0, first)
    if not names:
        needed = ", ".join(f"{sizes[name] + 1} for {r}×{c} digits ({name})"
                           for name, (r, c) in shapes.items())
        raise DataFormatError(f"W1 has {w1_width} columns, expected the bias column plus one per "
                              f"pixel: {needed}")
    return names


def grade_weights(raw, dataset, split, promised=False, report=None):
    """Grade layout.RawWeights on a data set and its train / validation / test split.

    report: layout.diagnose_layout's report of these weights on this data set, if already made
    (it tries every reading, the slow part); promised: grade the reading the file format promises
    even when another fits better.
    """
    n = int(np.prod(dataset.image_shape))
    if split.train.n_inputs != n:
        raise DataFormatError(f"the split must be of the data set graded on: expected {n} inputs "
                              f"({dataset.name}), found {split.train.n_inputs}")
    if report is None:
        report = diagnose_layout(raw.W1, raw.W2, dataset.X, dataset.y, dataset.image_shape,
                                 expected=raw.expected)
    graded = report.expected or report.best
    if report.offers_choice and not promised:
        graded = report.best
    net = graded.network
    cost, penalty = cost_terms(net.W1, net.W2, split.train.X, one_hot(split.train.y), 1.0)
    accuracy = {part: net.accuracy(getattr(split, part).X, getattr(split, part).y) for part in PARTS}
    confusion = confusion_matrix(split.test.y, net.predict(split.test.X))
    try:
        check_hidden_size(net.hidden_size, "these weights")
        refusal = None
    except DataFormatError as error:
        refusal = str(error)
    return Grade(report, graded, float(cost), float(penalty), accuracy, confusion, refusal)
