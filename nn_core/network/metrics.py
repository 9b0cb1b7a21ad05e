"""How good is a model, and where does it go wrong: confusion matrix, per-digit accuracy, mistakes."""

import numpy as np

from .network import N_OUTPUTS


def confusion_matrix(y_true, y_pred, n_classes=N_OUTPUTS):
    """C[t, p] = number of examples of digit t predicted as digit p."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def per_class_accuracy(y_true, y_pred, n_classes=N_OUTPUTS):
    """Accuracy for each digit 0-9 (NaN for a digit with no examples)."""
    C = confusion_matrix(y_true, y_pred, n_classes)
    totals = C.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(C) / np.maximum(totals, 1), np.nan)


def mistakes(y_true, y_pred):
    """Indices of the examples whose prediction is wrong."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
