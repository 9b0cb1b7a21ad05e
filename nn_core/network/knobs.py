"""The knobs a user turns, each with its name, its allowed values and its one check.

How it works
1. Each knob (hidden size, activation, output, lambda, maxiter, method, seed, learning rate)
   has one constant that says what is allowed and one check_... function that returns the value
   in its usual form. A caller with a narrower range (the dashboard's sliders) passes its limit
   to the same check, so the rule and its words stay here.
2. Every entry calls these: Network, train, the command line and the .npz reader. So a value
   is refused the same way, with the same words, wherever it comes from.
3. A refusal is a DataFormatError saying what was expected and what was found.

Hidden sizes: one whole number per hidden layer, each in HIDDEN_RANGE, at most MAX_HIDDEN_LAYERS
layers and MAX_HIDDEN_TOTAL units in all. check_hidden_size takes 25, (100, 50) or "100,50" and
returns an int for one hidden layer (the tutorial's), a tuple for several.
"""

import numpy as np

from ..errors import DataFormatError
from .activations import ACTIVATIONS, OUTPUTS

# The sizes every page can draw (the Grade page shows each first-layer unit's weights as an
# image). The tutorial uses 25; 400 hidden units are as many as pixels.
HIDDEN_RANGE = (1, 400)  # per hidden layer
MAX_HIDDEN_LAYERS = 3
MAX_HIDDEN_TOTAL = 2000  # hidden units in all layers together
METHODS = ("L-BFGS-B", "CG", "TNC", "GD")
MAX_ITER = 5000


def _whole(h):
    return isinstance(h, (int, np.integer)) and not isinstance(h, bool)


def check_hidden_size(h, what="hidden_size"):
    """h as an int (one hidden layer) or a tuple of ints (one per layer), else DataFormatError."""
    lo, hi = HIDDEN_RANGE
    layers = h
    if isinstance(h, str):
        layers = parse_hidden_size(h, what)
    elif _whole(h):
        layers = [h]
    elif not isinstance(h, (tuple, list)) or not h:
        raise DataFormatError(f"{what}: expected a whole number of hidden units from {lo} to {hi}, "
                              f"or one per hidden layer (e.g. (100, 50)), found {h!r}")
    if len(layers) > MAX_HIDDEN_LAYERS:
        raise DataFormatError(f"{what}: expected 1 to {MAX_HIDDEN_LAYERS} hidden layers, found "
                              f"{len(layers)} in {h!r}")
    if all(_whole(k) for k in layers) and sum(layers) > MAX_HIDDEN_TOTAL:
        raise DataFormatError(f"{what}: expected at most {MAX_HIDDEN_TOTAL} hidden units in all "
                              f"layers together, found {sum(layers)} in {h!r}")
    for k in layers:
        if not (_whole(k) and lo <= k <= hi):
            raise DataFormatError(f"{what}: expected a whole number of hidden units from {lo} to "
                                  f"{hi}, found {k!r}")
    return int(layers[0]) if len(layers) == 1 else tuple(int(k) for k in layers)


def parse_hidden_size(text, what="hidden_size"):
    """"25" -> [25], "100,50" -> [100, 50]: the numbers only; check_hidden_size checks them."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.lstrip("-").isdigit() for p in parts):
        lo, hi = HIDDEN_RANGE
        raise DataFormatError(f"{what}: expected whole numbers of hidden units from {lo} to {hi}, "
                              f"one per hidden layer separated by commas (e.g. 25 or 100,50), "
                              f"found {text!r}")
    return [int(p) for p in parts]


def _check_name(name, allowed, what):
    if not (isinstance(name, str) and name in allowed):
        raise DataFormatError(f"{what}: expected one of {', '.join(allowed)}, found {name!r}")
    return name


def check_activation(name, what="activation"):
    """The hidden layers' activation: a name in ACTIVATIONS."""
    return _check_name(name, tuple(ACTIVATIONS), what)


def check_output(name, what="output"):
    """The output layer's function: a name in OUTPUTS."""
    return _check_name(name, tuple(OUTPUTS), what)


def check_lambda(lambd, most=None):
    """lambda as a float >= 0 (and <= most, a caller's narrower limit such as a slider's end)."""
    try:
        lambd = float(lambd)
    except (TypeError, ValueError):
        raise DataFormatError(f"lambda must be a finite number >= 0, found {lambd!r}") from None
    if not np.isfinite(lambd) or lambd < 0:
        raise DataFormatError(f"lambda must be a finite number >= 0, found {lambd}")
    if most is not None and lambd > most:
        raise DataFormatError(f"lambda must be a number from 0 to {most:g}, found {lambd:g}")
    return lambd


def check_maxiter(maxiter, most=MAX_ITER):
    """maxiter as an int from 1 to most (MAX_ITER, or a caller's narrower limit)."""
    if not (_whole(maxiter) and 1 <= maxiter <= min(most, MAX_ITER)):
        raise DataFormatError(f"maxiter must be a whole number 1-{min(most, MAX_ITER)}, "
                              f"found {maxiter!r}")
    return int(maxiter)


def check_seed(seed, most=None):
    """A seed for numpy's default_rng: a whole number >= 0 (and <= most, if given)."""
    if not (_whole(seed) and seed >= 0 and (most is None or seed <= most)):
        limit = "" if most is None else f" up to {most}"
        raise DataFormatError(f"seed must be a whole number from 0{limit}, found {seed!r}")
    return int(seed)


def check_learning_rate(rate, least=0.0, most=None):
    """Gradient descent's step size: a finite number > 0 (within [least, most] when given)."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        value = float("nan")
    if not (np.isfinite(value) and value > 0 and value >= least and (most is None or value <= most)):
        limit = "> 0" if least == 0 and most is None else f"from {least:g} to {most:g}"
        raise DataFormatError(f"learning_rate must be a number {limit}, found {rate!r}")
    return value


def check_method(method):
    if method not in METHODS:
        raise DataFormatError(f"method must be one of {', '.join(METHODS)}, found {method!r}")
    return method
