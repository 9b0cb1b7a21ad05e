"""Teach the network your handwriting: fine-tune it on the training digits plus your own.

How it works
1. Your digits are drawings that went through nn_core.digits.drawing, so each is a row like the
   training data's (same pixels, same [0, 1] range), with the digit you said it is.
2. A handful of your digits among 3,500 others would barely change J, so each of yours is
   repeated `repeat` times: it then weighs as much as `repeat` ordinary examples.
3. Training starts from the network you already have (init = its weights, copied) and runs
   a few L-BFGS-B iterations on the enlarged set, with the same lambda as before: a nudge,
   not a new education, so the wizard keeps what he learned from everyone else.
4. Accuracy on your digits and on the validation set, before and after, shows the trade:
   how much he learned about you, and whether he forgot anything about the others.

Like the wizard, he may still get your digits wrong afterwards: "repeat" and the number
of iterations decide how hard he studies you.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import DataFormatError
from ..formats.sources import MAX_X_BYTES
from ..network.cost import check_labels
from ..network.network import Network
from ..network.training import train
from .datasets import Dataset

MAX_REPEAT = 50
# Each digit is an image and a button on the Draw page, and is repeated up to MAX_REPEAT times
# when retraining: 200 x 50 x 784 pixels x 8 bytes = 63 MB for 28 x 28 digits, under MAX_X_BYTES
# (larger images need a smaller repeat).
MAX_MY_DIGITS = 200
NAME = "my digits"


def augment(X, y, X_mine, y_mine, repeat=10):
    """The training set X, y with your digits X_mine, y_mine appended `repeat` times each."""
    X = np.asarray(X, dtype=np.float64)
    X_mine = np.asarray(X_mine, dtype=np.float64)
    if X.ndim != 2:
        raise DataFormatError(f"X must be a 2-D array (examples, pixels), found shape {X.shape}")
    if X_mine.ndim != 2 or not 1 <= X_mine.shape[0] <= MAX_MY_DIGITS or X_mine.shape[1] != X.shape[1]:
        raise DataFormatError(f"your digits must be a (k, {X.shape[1]}) array with 1 <= k <= "
                              f"{MAX_MY_DIGITS}, found shape {X_mine.shape}")
    if not (isinstance(repeat, (int, np.integer)) and 1 <= repeat <= MAX_REPEAT):
        raise DataFormatError(f"repeat must be a whole number 1-{MAX_REPEAT}, found {repeat!r}")
    if repeat * X_mine.size * 8 > MAX_X_BYTES:  # only images far larger than the tutorial's
        raise DataFormatError(f"your digits repeated must take at most {MAX_X_BYTES:,} bytes as 64-bit "
                              f"floats, found {repeat} x {X_mine.shape[0]} digits x {X_mine.shape[1]:,} "
                              f"pixels x 8 = {repeat * X_mine.size * 8:,}: choose a smaller repeat")
    y = check_labels(y, X.shape[0])
    y_mine = check_labels(y_mine, X_mine.shape[0])
    # np.tile keeps the order mine_0, mine_1, ..., mine_0, mine_1, ...: the same k digits, repeat times.
    return (np.concatenate([X, np.tile(X_mine, (repeat, 1))]),
            np.concatenate([y, np.tile(y_mine, repeat)]))


# How sure the network must be of another digit before adding a drawing under your label is
# questioned. Below it the network may simply be wrong about your handwriting (that is what
# teaching it is for); above it, the label is more likely a slip than the network.
SURE = 0.9


def doubt(p, label, sure=SURE):
    """(digit, a3 of that digit) when the network is at least `sure` that the drawing is another
    digit than `label`, else None. A mislabelled 8 added as a 9 would teach the network to call
    8s nines, so the page asks before adding it."""
    p = np.asarray(p, dtype=np.float64).ravel()
    if p.size != 10 or not np.isfinite(p).all():
        raise DataFormatError(f"p must be the 10 outputs of one drawing, found {p.size} values")
    if not (isinstance(label, (int, np.integer)) and 0 <= label <= 9):
        raise DataFormatError(f"label must be a digit 0-9, found {label!r}")
    best = int(np.argmax(p))
    return (best, float(p[best])) if best != label and p[best] >= sure else None


def check_room(have, adding):
    """Refuse adding digits to the `have` you keep when that would make over MAX_MY_DIGITS."""
    if have + adding > MAX_MY_DIGITS:
        raise DataFormatError(f"my digits hold at most {MAX_MY_DIGITS}: you have {have}, so at most "
                              f"{max(0, MAX_MY_DIGITS - have)} more can be added, found {adding}")


def as_dataset(X_mine, y_mine, image_shape):
    """Your digits as a Dataset (for seed_files.seed_data_bytes and the gallery)."""
    X_mine = np.asarray(X_mine, dtype=np.float64).reshape(-1, int(np.prod(image_shape)))
    return Dataset(X_mine, np.asarray(y_mine), image_shape, NAME,
                   "digits you drew on the Draw and predict page")


@dataclass(frozen=True)
class Retrained:
    """The fine-tuned model and the accuracies that tell whether it helped."""

    result: object  # nn_core.TrainResult; result.network is the new model
    before: dict  # "mine", "validation" -> accuracy of the starting network (None if no data)
    after: dict  # the same for the fine-tuned network
    n_examples: int  # rows the optimizer saw: training set + repeat x your digits


def retrain(network, X, y, X_mine, y_mine, repeat=10, maxiter=30, lambd=1.0,
            X_val=None, y_val=None, callback=None):
    """Fine-tune `network` (never changed) on X, y plus your digits; returns Retrained.

    callback(step, network) is train's: called after every iteration, True stops.
    """
    if not isinstance(network, Network):
        raise DataFormatError(f"network must be an nn_core.Network, found {type(network).__name__}")
    X_aug, y_aug = augment(X, y, X_mine, y_mine, repeat)
    result = train(X_aug, y_aug, hidden_size=network.hidden_size, lambd=lambd, maxiter=maxiter,
                   init=network.copy(), method="L-BFGS-B", callback=callback)

    def scores(net):
        val = None if X_val is None or len(X_val) == 0 else net.accuracy(X_val, y_val)
        return {"mine": net.accuracy(X_mine, y_mine), "validation": val}

    return Retrained(result, scores(network), scores(result.network), len(y_aug))
