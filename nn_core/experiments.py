"""Experiments: the classic questions about the tutorial's network, each a handful of trainings.

How it works
1. An experiment takes base settings (hidden units, lambd, maxiter, method, seed) and a data
   split, and plans trainings that differ in one thing only: lambda, the number of training
   examples, the seed, the optimizer, the start weights or the hidden-layer size.
2. The trainings run two at a time on a thread pool (this machine has 2 cores). numpy's matrix
   products release the GIL and BLAS is held to one thread, so each training gets a core.
   Measured here (2 cores shared with other work at load 6-8; best of 5 interleaved rounds):
   the lambda sweep's 8 trainings took 7.9 s one after another, 5.7 s on 2 threads and 5.6 s
   on 2 forked processes (CPU 3.3, 2.6 and 3.0 s). Processes were no faster, so threads.
3. The calling thread reports progress(done, total), counted in optimizer iterations, about
   ten times a second. If progress returns True, running trainings stop at their next
   iteration, waiting ones never start, and the experiment returns what had finished
   (complete=False).
4. Each finished training is measured on the examples it studied and on the validation set.
   The results are dataclasses of numpy arrays and floats (plus trained networks where a
   page shows or reuses them).

Every training is seeded, so serial and parallel runs give the same numbers.
"""

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, fields

import numpy as np
from threadpoolctl import threadpool_limits

from .cost import cost_terms, one_hot
from .datasets import stratified_subset
from .errors import DataFormatError
from .network import Network
from .training import train

WORKERS = 2
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


@dataclass(frozen=True)
class Job:
    """One planned training: train's arguments, which training rows (None = all), and an
    optional budget of cost-and-gradient evaluations (the optimizer race)."""

    kwargs: dict
    rows: np.ndarray = None
    max_evals: int = None

    @property
    def units(self):  # how much progress this job reports when done
        return self.max_evals or self.kwargs["maxiter"]

    @property
    def weight(self):  # rough cost, to start the longest trainings first
        m = 1 if self.rows is None else len(self.rows)
        return self.units * self.kwargs["hidden_size"] * m


@dataclass(frozen=True)
class Trained:
    """A finished training and how it does: costs are J's data term (no lambda term), so
    values for different lambdas compare."""

    result: object  # nn_core.TrainResult
    train_accuracy: float
    validation_accuracy: float
    train_cost: float
    validation_cost: float


def run_trainings(X, y, validation, jobs, progress=None, workers=WORKERS):
    """Run every job; returns a list with a Trained per job, None where it did not finish.

    Threads, not processes: as fast here (see the module notes), and threads start at once,
    share X without copying, can be stopped in the middle of a training, and never fork the
    multi-threaded Streamlit server.
    """
    stop = threading.Event()
    done = [0] * len(jobs)
    total = sum(job.units for job in jobs)
    out = [None] * len(jobs)
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
    futures = {}
    # BLAS's thread count is one global setting: limit it once here, around all the workers.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        try:
            futures.update({pool.submit(_run_job, X, y, validation, jobs[i], stop, done, i): i
                            for i in order})
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for f in finished:
                    if not f.cancelled():
                        out[futures[f]] = f.result()
                if pending and not stop.is_set() and progress is not None and progress(sum(done), total):
                    stop.set()
                    for f in pending:
                        f.cancel()
        finally:  # after an error or an interruption, end running trainings at once
            stop.set()
            for f in futures:
                f.cancel()
    if progress is not None and all(t is not None for t in out):
        progress(total, total)
    return out


def _run_job(X, y, validation, job, stop, done, i):
    if job.rows is not None:
        X, y = X[job.rows], y[job.rows]
    interrupted = []

    def callback(step, _network):
        done[i] = min(step.n_evals if job.max_evals else step.iteration, job.units)
        if stop.is_set():
            interrupted.append(True)
            return True
        return job.max_evals is not None and step.n_evals >= job.max_evals

    result = train(X, y, callback=callback, **job.kwargs)
    if interrupted:
        return None
    done[i] = job.units
    if job.max_evals is not None and result.stopped:
        result.stopped = False
        result.message = f"used its budget of {job.max_evals} cost-and-gradient evaluations"
    net = result.network
    return Trained(result, net.accuracy(X, y), net.accuracy(validation.X, validation.y),
                   _data_cost(net, X, y), _data_cost(net, validation.X, validation.y))


def _data_cost(net, X, y):
    return cost_terms(net.W1, net.W2, X, one_hot(y), 0.0)[0]


def _finished(values, trained):
    """The planned values that finished, and their Trained, in plan order."""
    keep = [k for k, t in enumerate(trained) if t is not None]
    return np.asarray(values)[keep], [trained[k] for k in keep]


def _column(trained, name):
    return np.array([getattr(t, name) for t in trained], dtype=float)


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
    kept, trained = _finished(values, trained)
    cols = {n: _column(trained, n) for n in
            ("train_accuracy", "validation_accuracy", "train_cost", "validation_cost")}
    final = np.array([t.result.final_cost for t in trained], dtype=float)
    return Sweep(kept, final_cost=final, results=tuple(t.result for t in trained),
                 planned=len(values), complete=len(kept) == len(values), **cols)


def lambda_sweep(split, base, lambdas=None, progress=None, workers=WORKERS):
    """Train once per lambda (same seed): accuracy and cost on train and validation against
    lambda. sweep.best is the lambda with the best validation accuracy."""
    lambdas = lambda_grid() if lambdas is None else np.asarray(lambdas, dtype=float)
    jobs = [Job(base.kwargs(lambd=float(v))) for v in lambdas]
    return _sweep(lambdas, _run(split, jobs, progress, workers))


def _run(split, jobs, progress, workers):
    return run_trainings(split.train.X, split.train.y, split.validation, jobs, progress, workers)


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
    return _sweep(sizes, _run(split, jobs, progress, workers))


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
    return _sweep(seeds, _run(split, jobs, progress, workers))


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
    trained = _run(split, jobs, progress, workers)
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
    trained = _run(split, [Job(base.kwargs(init=s)) for s in starts], progress, workers)
    kept, trained = _finished(names, trained)
    W1 = tuple(t.result.network.W1 for t in trained)
    return Symmetry(tuple(str(k) for k in kept), W1, _column(trained, "validation_accuracy"),
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
    trained = _run(split, [Job(base.kwargs(lambd=v, hidden_size=h)) for v, h in unique],
                   progress, workers)
    by_pair = dict(zip(unique, trained))

    def row(values, pairs):
        kept, got = _finished(values, [by_pair[p] for p in pairs])
        return kept, tuple(t.result.network.W1 for t in got), _column(got, "validation_accuracy")

    lam = row(np.asarray(lambdas, dtype=float), wanted[:len(lambdas)])
    size = row(np.asarray(sizes, dtype=int), wanted[len(lambdas):])
    return HiddenUnits(*lam, *size, complete=all(t is not None for t in trained))


def weight_stats(W1, image_shape):
    """(mean |weight|, roughness) of W1's input weights (bias column left out). Roughness is
    the mean |difference| between neighbouring pixels' weights: high for speckled images."""
    imgs = np.asarray(W1)[:, 1:].reshape(-1, *image_shape)
    rough = (np.abs(np.diff(imgs, axis=1)).mean() + np.abs(np.diff(imgs, axis=2)).mean()) / 2
    return float(np.abs(imgs).mean()), float(rough)
