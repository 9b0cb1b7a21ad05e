"""Experiments: the classic questions about the tutorial's network, each a handful of trainings.

How it works
1. An experiment takes base settings (Base: hidden units, lambd, maxiter, method, seed) and a
   data split, and plans trainings that differ in one thing only: lambda, the number of
   training examples, the seed, the optimizer, the start weights or the hidden-layer size.
2. The trainings run on parallel.run_trainings: two at a time on a thread pool, reporting
   progress(done, total); if progress returns True they stop, and the experiment returns what
   had finished (complete=False).
3. Experiments 1-3 (lambda sweep, learning curve, seed spread) each change one setting and
   return a Sweep of scores: they are in sweeps.py and importable from here. Experiments 4-6
   (optimizer race, symmetry breaking, hidden units) are below. Experiments 7-8 (activation
   race, depth) are in architecture.py, 9-10 (output layer, input scale) in ends.py, and
   importable from here too.
4. The results are dataclasses of numpy arrays and floats (plus trained networks where a
   page shows or reuses them).

Every training is seeded, so serial and parallel runs give the same numbers.
"""

from dataclasses import dataclass, fields

import numpy as np

from ..network.network import Network
from .architecture import (  # noqa: F401  (experiments 7-8)
    RACE_ACTIVATIONS,
    STUDY_DIGITS,
    ActivationRace,
    Depth,
    Trainings,
    activation_race,
    dead_units,
    depth,
    depth_shapes,
    study_rows,
    weight_count,
)
from .ends import (  # noqa: F401  (experiments 9-10)
    FLAT,
    OUTPUT_LAYERS,
    RAW_SCALE,
    InputScale,
    OutputLayer,
    flat_fraction,
    input_scale,
    output_layer,
)
from .parallel import WORKERS, Job, Trained, column, finished, run_on, run_trainings  # noqa: F401
from .sweeps import (  # noqa: F401  (experiments 1-3, importable from here as before)
    Sweep,
    diagnose,
    lambda_grid,
    lambda_sweep,
    learning_curve,
    learning_sizes,
    learning_subsets,
    seed_spread,
)

GD_RATES = (0.5, 4.0)  # too timid and too bold: gradient descent's two ways to be slow


@dataclass(frozen=True)
class Base:
    """The training knobs every experiment starts from (the dashboard's Settings extend it)."""

    hidden_size: int | tuple = 25  # an int for one hidden layer, a tuple for several
    lambd: float = 1.0
    maxiter: int = 50
    method: str = "L-BFGS-B"
    seed: int = 0
    learning_rate: float = 1.0
    activation: str = "sigmoid"  # the hidden layers' (nn_core.ACTIVATIONS)
    output: str = "sigmoid"  # the output layer's (nn_core.OUTPUTS)

    @classmethod
    def of(cls, settings):
        return cls(*(getattr(settings, f.name) for f in fields(cls)))

    def kwargs(self, **changes):
        """nn_core.train's keyword arguments, with some changed."""
        out = dict(hidden_size=self.hidden_size, lambd=self.lambd, maxiter=self.maxiter,
                   method=self.method, seed=self.seed, learning_rate=self.learning_rate,
                   activation=self.activation, output=self.output)
        out.update(changes)
        return out


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
    start = Network.random(split.train.X.shape[1], base.hidden_size, seed=base.seed,
                           activation=base.activation, output=base.output)
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
    starts = (equal_start(n, base.hidden_size, value), tiny_start(n, base.hidden_size, epsilon, base.seed))
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
    wanted = [(float(v), base.hidden_size) for v in lambdas] + [(base.lambd, int(h)) for h in sizes]
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
