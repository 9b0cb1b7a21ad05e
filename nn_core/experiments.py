"""Experiments: the classic questions about the tutorial's network, each a handful of trainings.

How it works
1. An experiment takes base settings (Base: hidden units, lambd, maxiter, method, seed) and a
   data split, and plans trainings that differ in one thing only: lambda, the number of
   training examples, the seed, the optimizer, the start weights or the hidden-layer size.
2. The trainings run on parallel.run_trainings: two at a time on a thread pool, reporting
   progress(done, total); if progress returns True they stop, and the experiment returns what
   had finished (complete=False).
3. Each finished training is measured on the examples it studied and on the validation set.
   The results are dataclasses of numpy arrays and floats (plus trained networks where a
   page shows or reuses them).

Every training is seeded, so serial and parallel runs give the same numbers.
"""

from dataclasses import dataclass, fields

import numpy as np

from .datasets import stratified_subset
from .errors import DataFormatError
from .network import Network
from .parallel import WORKERS, Job, Trained, column, finished, run_on, run_trainings  # noqa: F401

GD_RATES = (0.5, 4.0)  # too timid and too bold: gradient descent's two ways to be slow


@dataclass(frozen=True)
class Base:
    """The training knobs every experiment starts from (ui.settings.Settings has them all)."""

    hidden: int = 25
    lambd: float = 1.0
    maxiter: int = 50
    method: str = "L-BFGS-B"
    seed: int = 0
    learning_rate: float = 1.0

    @classmethod
    def of(cls, settings):
        return cls(*(getattr(settings, f.name) for f in fields(cls)))

    def kwargs(self, **changes):
        """nn_core.train's keyword arguments, with some changed."""
        out = dict(hidden_size=self.hidden, lambd=self.lambd, maxiter=self.maxiter,
                   method=self.method, seed=self.seed, learning_rate=self.learning_rate)
        out.update(changes)
        return out


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


# --- 4. optimizer race --------------------------------------------------------------------------

@dataclass
class Lane:
    """One optimizer's run: its cost after each iteration, the time and the evaluations it took."""

    name: str
    iteration: np.ndarray
    cost: np.ndarray
    seconds: np.ndarray
    n_evals: np.ndarray  # cost-and-gradient evaluations so far
    validation_accuracy: float
    diverged: bool
    message: str

    @property
    def evals_per_iteration(self):
        return np.diff(self.n_evals, prepend=0)


@dataclass
class Race:
    lanes: tuple
    budget: int  # cost-and-gradient evaluations each optimizer may use
    planned: int
    complete: bool


def race_lanes(rates=GD_RATES):
    """(name, method, learning rate) of each optimizer in the race."""
    return [("L-BFGS-B", "L-BFGS-B", 1.0), ("CG", "CG", 1.0), ("TNC", "TNC", 1.0)] + [
        (f"GD, rate {r:g}", "GD", float(r)) for r in rates]


def optimizer_race(split, base, lanes=None, budget=None, progress=None, workers=WORKERS):
    """Each optimizer from the same start weights, with the same budget of cost-and-gradient
    evaluations (each one a pass over all training examples); default 2 x maxiter."""
    lanes = race_lanes() if lanes is None else lanes
    budget = int(budget or 2 * base.maxiter)
    start = Network.random(split.train.X.shape[1], base.hidden, seed=base.seed)
    jobs = [Job(base.kwargs(method=method, learning_rate=rate, init=start, maxiter=budget),
                max_evals=budget) for _, method, rate in lanes]
    trained = run_on(split, jobs, progress, workers)
    out = []
    for (name, _, _), t in zip(lanes, trained):
        if t is not None:
            h = t.result.history_columns()
            out.append(Lane(name, *(np.array(h[k]) for k in ("iteration", "cost", "seconds", "n_evals")),
                            t.validation_accuracy, t.result.diverged, t.result.message))
    return Race(tuple(out), budget, len(lanes), len(out) == len(lanes))


# --- 5. symmetry breaking -----------------------------------------------------------------------

def equal_start(n_inputs, hidden, value=0.1):
    """Every weight the same: all hidden units start, and stay, identical."""
    return Network(np.full((hidden, n_inputs + 1), value), np.full((10, hidden + 1), value))


def tiny_start(n_inputs, hidden, epsilon=1e-4, seed=0):
    """Tiny random weights, uniform in +-epsilon: just enough to make the units differ."""
    rng = np.random.default_rng(seed)
    return Network(rng.uniform(-epsilon, epsilon, (hidden, n_inputs + 1)),
                   rng.uniform(-epsilon, epsilon, (10, hidden + 1)))


@dataclass
class Symmetry:
    names: tuple  # ("all equal", "tiny random")
    W1: tuple  # each start's trained W1
    validation_accuracy: np.ndarray
    cost: tuple  # J per iteration, per start
    unit_spread: np.ndarray  # largest difference between any two hidden units' weights
    complete: bool


def symmetry(split, base, value=0.1, epsilon=1e-4, progress=None, workers=WORKERS):
    """Train from all-equal weights and from tiny random weights, everything else the same."""
    n = split.train.X.shape[1]
    names = ("all equal", "tiny random")
    starts = (equal_start(n, base.hidden, value), tiny_start(n, base.hidden, epsilon, base.seed))
    trained = run_on(split, [Job(base.kwargs(init=s)) for s in starts], progress, workers)
    kept, trained = finished(names, trained)
    W1 = tuple(t.result.network.W1 for t in trained)
    return Symmetry(tuple(str(k) for k in kept), W1, column(trained, "validation_accuracy"),
                    tuple(np.array(t.result.history_columns()["cost"]) for t in trained),
                    np.array([unit_spread(w) for w in W1]), len(kept) == 2)


def unit_spread(W1):
    """Largest difference between two hidden units' weights (0 when all units are the same)."""
    return float(np.ptp(np.asarray(W1), axis=0).max())


# --- 6. hidden units across lambda and size -----------------------------------------------------

@dataclass
class HiddenUnits:
    lambdas: np.ndarray  # lambdas tried at the base hidden size
    lambda_W1: tuple
    lambda_accuracy: np.ndarray
    sizes: np.ndarray  # hidden sizes tried at the base lambda
    size_W1: tuple
    size_accuracy: np.ndarray
    complete: bool


def hidden_units(split, base, lambdas=(0.0, 1.0, 10.0), sizes=(5, 25, 100), progress=None,
                 workers=WORKERS):
    """W1 after training with each lambda (base hidden size), and with each hidden size (base
    lambda), all from the same seed. A (lambda, size) pair in both rows is trained once."""
    wanted = [(float(v), base.hidden) for v in lambdas] + [(base.lambd, int(h)) for h in sizes]
    unique = list(dict.fromkeys(wanted))
    trained = run_on(split, [Job(base.kwargs(lambd=v, hidden_size=h)) for v, h in unique],
                   progress, workers)
    by_pair = dict(zip(unique, trained))

    def row(values, pairs):
        kept, got = finished(values, [by_pair[p] for p in pairs])
        return kept, tuple(t.result.network.W1 for t in got), column(got, "validation_accuracy")

    lam = row(np.asarray(lambdas, dtype=float), wanted[:len(lambdas)])
    size = row(np.asarray(sizes, dtype=int), wanted[len(lambdas):])
    return HiddenUnits(*lam, *size, complete=all(t is not None for t in trained))


def weight_stats(W1, image_shape):
    """(mean |weight|, roughness) of W1's input weights (bias column left out). Roughness is
    the mean |difference| between neighbouring pixels' weights: high for speckled images."""
    imgs = np.asarray(W1)[:, 1:].reshape(-1, *image_shape)
    rough = (np.abs(np.diff(imgs, axis=1)).mean() + np.abs(np.diff(imgs, axis=2)).mean()) / 2
    return float(np.abs(imgs).mean()), float(rough)
