"""Experiments 7-8: the hidden layers' shape. Which activation, and how many layers?

How it works
1. Activation race: the same network (hidden sizes, lambda, maxiter, seed) trained once with
   each hidden activation, sigmoid, tanh and relu, each from its own seeded start weights
   (each activation has its own start range, see Network.random). Every training gets the
   same budget: maxiter iterations.
2. A relu unit whose weighted sum z is negative for every training digit outputs 0 for all of
   them: its slope is 0 too, so backprop never changes its weights again. Such dead units are
   counted on the training digits after training (dead_units).
3. Depth: 1, 2 and 3 hidden layers of equal width, each width chosen so that the network has
   about as many weights (biases included) as the base network: weight_count adds up
   (inputs + 1) x outputs over the layers, and depth_shapes picks the closest width.
4. Both run on parallel.run_on (two trainings at a time, progress, Stop) and return a frozen
   dataclass of numbers: what each training reached and J after each iteration. Three
   trainings on two cores take longer than two, so by default both study STUDY_DIGITS of
   the training digits (each digit in its share), measured: within 10 s on the shared 2-core
   machine at the page's defaults (mnist-20x20, 25 hidden units, 50 iterations).
"""

from dataclasses import dataclass

import numpy as np

from ..digits.datasets import stratified_subset
from ..network.network import N_OUTPUTS
from .parallel import WORKERS, Job, column, finished, run_on

RACE_ACTIVATIONS = ("sigmoid", "tanh", "relu")
STUDY_DIGITS = 2000  # training digits the three-training experiments study (None: all)


@dataclass(frozen=True)
class Trainings:
    """What several trainings that differ in one thing reached; names say what differed."""

    names: tuple
    cost: tuple  # J (λ term included) after each iteration, one array per training
    train_accuracy: np.ndarray
    validation_accuracy: np.ndarray
    validation_cost: np.ndarray  # J's data term on the validation digits
    seconds: np.ndarray
    planned: int
    complete: bool
    studied: int = 0  # how many training digits each training studied


def study_rows(split, digits, seed=0):
    """The training rows to study: None (all of them) or `digits` of them, each digit in its share."""
    n = len(split.train.y)
    return None if digits is None or digits >= n else stratified_subset(split.train.y, int(digits), seed)


def gather(names, trained, studied):
    kept, got = finished(names, trained)
    return dict(names=tuple(str(k) for k in kept),
                cost=tuple(np.array(t.result.history_columns()["cost"]) for t in got),
                train_accuracy=column(got, "train_accuracy"),
                validation_accuracy=column(got, "validation_accuracy"),
                validation_cost=column(got, "validation_cost"),
                seconds=np.array([t.result.seconds for t in got]),
                planned=len(names), complete=len(kept) == len(names),
                studied=int(studied)), got


# --- 7. activation race -------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivationRace(Trainings):
    dead: np.ndarray = None  # hidden units that output 0 for every training digit, per activation
    hidden_units: int = 0  # hidden units in each network (all layers)


def dead_units(network, X):
    """Hidden units whose activation is exactly 0 on every row of X, summed over the layers."""
    a = network.forward(X).a[1:-1]  # the hidden layers a2, ...
    return int(sum(np.sum(np.all(layer == 0, axis=0)) for layer in a))


def activation_race(split, base, activations=RACE_ACTIVATIONS, digits=STUDY_DIGITS, progress=None,
                    workers=WORKERS):
    """Train once per hidden activation on the same digits, everything else as in base."""
    rows = study_rows(split, digits, base.seed)
    trained = run_on(split, [Job(base.kwargs(activation=g), rows=rows) for g in activations], progress,
                     workers)
    fields, got = gather(activations, trained, len(split.train.y) if rows is None else len(rows))
    X = split.train.X if rows is None else split.train.X[rows]  # dead on every digit it studied
    dead = np.array([dead_units(t.result.network, X) for t in got], dtype=int)
    return ActivationRace(**fields, dead=dead, hidden_units=int(np.sum(base.hidden_size)))


# --- 8. depth at about the same number of weights ------------------------------------------------

@dataclass(frozen=True)
class Depth(Trainings):
    shapes: tuple = ()  # each network's layer sizes (inputs, hidden..., 10)
    weights: np.ndarray = None  # each network's number of weights, biases included
    reference: int = 0  # the base network's number of weights
    activation: str = "sigmoid"  # the hidden layers'


def weight_count(sizes):
    """Weights of a network with these layer sizes, biases included: sum of (in + 1) x out."""
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def depth_shapes(n_inputs, hidden_size, depths=(1, 2, 3)):
    """For each depth, the layer sizes with that many equal hidden layers whose weight count is
    closest to the base network's; and that count."""
    reference = weight_count((n_inputs, *np.atleast_1d(hidden_size).tolist(), N_OUTPUTS))
    shapes = []
    for k in depths:
        widths = np.arange(1, 401)
        counts = [weight_count((n_inputs, *[w] * k, N_OUTPUTS)) for w in widths]
        w = int(widths[np.argmin(np.abs(np.array(counts) - reference))])
        shapes.append((n_inputs, *[w] * k, N_OUTPUTS))
    return tuple(shapes), reference


def depth(split, base, depths=(1, 2, 3), digits=STUDY_DIGITS, progress=None, workers=WORKERS):
    """Train 1, 2 and 3 hidden layers with about the base network's number of weights, on the
    same digits."""
    rows = study_rows(split, digits, base.seed)
    shapes, reference = depth_shapes(split.train.X.shape[1], base.hidden_size, depths)
    hidden = [s[1] if len(s) == 3 else tuple(s[1:-1]) for s in shapes]
    names = [f"{len(s) - 2} hidden layer{'s' if len(s) > 3 else ''}" for s in shapes]
    trained = run_on(split, [Job(base.kwargs(hidden_size=h), rows=rows) for h in hidden], progress,
                     workers)
    fields, _ = gather(names, trained, len(split.train.y) if rows is None else len(rows))
    keep = [names.index(n) for n in fields["names"]]
    return Depth(**fields, shapes=tuple(shapes[k] for k in keep),
                 weights=np.array([weight_count(shapes[k]) for k in keep]), reference=reference,
                 activation=base.activation)

