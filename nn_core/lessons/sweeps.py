"""Sweeps: one setting changed per training, measured on training and validation data.

How it works
1. A sweep takes base settings (experiments.Base) and a data split, and plans one training
   per value of a single setting: lambda (the validation curve), the number m of training
   examples (the learning curve) or the random seed of the start weights.
2. parallel.run_on trains them two at a time; each finished training is measured on the
   examples it studied and on the whole validation set.
3. The result is a Sweep: per value, accuracy and J's data term (no lambda term, so values
   for different lambdas compare) on both sets, and the trained networks.
4. diagnose reads a learning curve at its largest m: validation error well above training
   error and still falling means variance; both errors high and close together mean bias.
"""

from dataclasses import dataclass

import numpy as np

from ..digits.datasets import stratified_subset
from ..errors import DataFormatError
from .parallel import WORKERS, Job, column, finished, run_on

# --- 1. lambda sweep (validation curve) ---------------------------------------------------------

def lambda_grid(n=8, top=30.0, bottom=0.03):
    """0, then n - 1 values spaced evenly on a log scale from bottom to top, each rounded to
    the nearest 1-2-3-5 number (0.03, 0.1, 0.3, 1, 3, 10, 30 for the defaults)."""
    if n < 2 or not 0 < bottom < top:
        raise DataFormatError(f"need n >= 2 and 0 < bottom < top, found n={n}, {bottom}..{top}")
    values = np.geomspace(bottom, top, n - 1)
    power = np.floor(np.log10(values))
    nice = np.array([1.0, 2.0, 3.0, 5.0, 10.0])
    pick = np.abs(np.log(nice)[None, :] - np.log(values / 10 ** power)[:, None]).argmin(axis=1)
    return np.unique(np.concatenate([[0.0], np.round(nice[pick] * 10 ** power, 12)]))


@dataclass
class Sweep:
    """One value changed per training (lambda, m, seed...), what each training reached."""

    values: np.ndarray
    train_accuracy: np.ndarray
    validation_accuracy: np.ndarray
    train_cost: np.ndarray
    validation_cost: np.ndarray
    final_cost: np.ndarray  # J with its lambda term, where the optimizer ended
    results: tuple  # the TrainResults (networks included), one per value
    planned: int
    complete: bool

    @property
    def best(self):
        """Index of the highest validation accuracy (the first, on a tie), or None."""
        return int(np.argmax(self.validation_accuracy)) if len(self.values) else None


def _sweep(values, trained):
    kept, trained = finished(values, trained)
    cols = {n: column(trained, n) for n in
            ("train_accuracy", "validation_accuracy", "train_cost", "validation_cost")}
    final = np.array([t.result.final_cost for t in trained], dtype=float)
    return Sweep(kept, final_cost=final, results=tuple(t.result for t in trained),
                 planned=len(values), complete=len(kept) == len(values), **cols)


def lambda_sweep(split, base, lambdas=None, progress=None, workers=WORKERS):
    """Train once per lambda (same seed): accuracy and cost on train and validation against
    lambda. sweep.best is the lambda with the best validation accuracy."""
    lambdas = lambda_grid() if lambdas is None else np.asarray(lambdas, dtype=float)
    jobs = [Job(base.kwargs(lambd=float(v))) for v in lambdas]
    return _sweep(lambdas, run_on(split, jobs, progress, workers))


# --- 2. learning curve ------------------------------------------------------------------------

def learning_sizes(m_train, n=7, smallest=100):
    """n training-set sizes from `smallest` up to all m_train, evenly spaced on a log scale."""
    smallest = max(10, min(smallest, m_train // 2))
    sizes = np.geomspace(smallest, m_train, n)
    sizes = [int(float(f"{s:.2g}")) for s in sizes[:-1]] + [m_train]
    return np.unique(np.clip(sizes, 1, m_train))


def learning_subsets(y, sizes, seed=0):
    """The training rows for each m: each digit in its share, every smaller set inside the next."""
    return [stratified_subset(y, int(m), seed=seed) for m in sizes]


def learning_curve(split, base, sizes=None, progress=None, workers=WORKERS):
    """Train on stratified subsets of growing size m; errors are measured on the m examples
    studied and on the whole validation set."""
    y = split.train.y
    sizes = learning_sizes(len(y)) if sizes is None else np.asarray(sizes, dtype=int)
    jobs = [Job(base.kwargs(), rows=rows) for rows in learning_subsets(y, sizes, base.seed)]
    return _sweep(sizes, run_on(split, jobs, progress, workers))


def diagnose(curve, gap_large=0.03, error_high=0.08):
    """'variance', 'bias', 'good' or 'unclear', from the largest m of a learning curve.

    variance: validation error well above training error (gap >= gap_large) and still
    falling, so more examples (or a larger lambda) would help. bias: both errors high
    (>= error_high) and close, so more examples will not help: a bigger network, a smaller
    lambda or more iterations will.
    """
    if len(curve.values) < 2:
        return "unclear"
    train_err, val_err = 1 - curve.train_accuracy, 1 - curve.validation_accuracy
    gap = val_err[-1] - train_err[-1]
    if gap >= gap_large and val_err[-1] < val_err[-2]:
        return "variance"
    if train_err[-1] >= error_high and gap < gap_large:
        return "bias"
    if gap < gap_large and val_err[-1] < error_high:
        return "good"
    return "unclear"


# --- 3. seed spread -----------------------------------------------------------------------------

def seed_spread(split, base, seeds=None, progress=None, workers=WORKERS):
    """The same settings from different random start weights: by default the ten seeds from
    base.seed on."""
    seeds = np.asarray(list(range(base.seed, base.seed + 10) if seeds is None else seeds), dtype=int)
    jobs = [Job(base.kwargs(seed=int(s))) for s in seeds]
    return _sweep(seeds, run_on(split, jobs, progress, workers))
