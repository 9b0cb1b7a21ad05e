"""Experiments 9-10: the network's two ends. What the outputs mean, and what the inputs look like.

How it works
1. Output layer: the same network trained with ten sigmoid outputs (the tutorial's: ten
   independent yes/no answers) and with a softmax (ten probabilities). On each validation
   digit it records the sum of the ten outputs (softmax: 1 by construction) and the largest
   output, the network's confidence, split into the digits it read right and wrong.
2. Input scale: the same start weights trained on the pixels as given (0 to 1) and on the
   pixels times 255 (the raw 0-255 of an image file), everything else the same. z2 = W1 [1; a1]
   then is 255 times larger, so most hidden units start on the flat ends of their activation,
   where the slope g'(z2) is almost 0 and backprop's delta2 carries almost nothing back.
   flat_fraction measures that share, before and after training.
3. Both run on parallel.run_on (two trainings at a time, progress, Stop) and return a frozen
   dataclass of numbers (Trainings plus what the experiment measures).
"""

from dataclasses import dataclass

import numpy as np

from ..network.activations import ACTIVATIONS
from ..network.network import Network
from .architecture import Trainings, gather
from .parallel import WORKERS, Job, run_on

OUTPUT_LAYERS = ("sigmoid", "softmax")
RAW_SCALE = 255.0  # an 8-bit image's pixels go from 0 to 255
FLAT = 0.04  # a slope below 4 % of the activation's steepest counts as flat (sigmoid: a < 0.01 or > 0.99)
STEEPEST = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}  # each activation's largest slope g'(z)


# --- 9. output layer: sigmoid or softmax --------------------------------------------------------

@dataclass(frozen=True)
class OutputLayer(Trainings):
    output_sum: tuple = ()  # per network, the ten outputs' sum on each validation digit
    right_confidence: tuple = ()  # per network, the largest output on each digit read right
    wrong_confidence: tuple = ()  # ... and on each digit read wrong


def output_layer(split, base, outputs=OUTPUT_LAYERS, progress=None, workers=WORKERS):
    """Train once per output layer, everything else as in base; read the outputs on validation."""
    trained = run_on(split, [Job(base.kwargs(output=o)) for o in outputs], progress, workers)
    fields, got = gather(outputs, trained, len(split.train.y))
    sums, right, wrong = [], [], []
    for t in got:
        out = t.result.network.forward(split.validation.X).output
        correct = out.argmax(axis=1) == split.validation.y
        sums.append(out.sum(axis=1))
        right.append(out.max(axis=1)[correct])
        wrong.append(out.max(axis=1)[~correct])
    return OutputLayer(**fields, output_sum=tuple(sums), right_confidence=tuple(right),
                       wrong_confidence=tuple(wrong))


# --- 10. input scale: pixels in [0, 1] or 0-255 -------------------------------------------------

@dataclass(frozen=True)
class InputScale(Trainings):
    scales: np.ndarray = None  # what the pixels were multiplied by
    start_cost: np.ndarray = None  # J at the (shared) start weights, on each scale's pixels
    flat_start: np.ndarray = None  # share of first-layer activations on a flat end, at the start
    flat_end: np.ndarray = None  # ... after training
    messages: tuple = ()  # why each training stopped
    activation: str = "sigmoid"


def flat_fraction(network, X):
    """Share of the first hidden layer's activations a2 (all units, all rows of X) where the
    slope g'(z2) is below FLAT x its steepest: there backprop passes almost nothing on."""
    a2 = network.forward(X).a[1]
    slope = ACTIVATIONS[network.activation].derivative(a2)
    return float(np.mean(slope < FLAT * STEEPEST[network.activation]))


def input_scale(split, base, factor=RAW_SCALE, progress=None, workers=WORKERS):
    """Train from the same start weights on X and on X * factor, everything else as in base."""
    X = split.train.X
    start = Network.random(X.shape[1], base.hidden_size, seed=base.seed,
                           activation=base.activation, output=base.output)
    scales = np.array([1.0, float(factor)])
    names = ("pixels 0 to 1", f"pixels 0 to {factor:g}")
    trained = run_on(split, [Job(base.kwargs(init=start), scale=s) for s in scales], progress, workers)
    fields, got = gather(names, trained, len(X))
    kept = scales[[names.index(n) for n in fields["names"]]]
    return InputScale(**fields, scales=kept,
                      start_cost=np.array([t.result.start_cost for t in got]),
                      flat_start=np.array([flat_fraction(start, X * s) for s in kept]),
                      flat_end=np.array([flat_fraction(t.result.network, X * s)
                                         for s, t in zip(kept, got)]),
                      messages=tuple(t.result.message for t in got), activation=base.activation)
