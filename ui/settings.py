"""Training settings: one frozen record, its limits, and its mirror in the URL.

A link such as ?lambd=3&hidden_size=100,50&activation=relu&output=softmax reproduces an
experiment, as in TensorFlow Playground.

How a link's value is read
1. nn_core's check for that knob (check_hidden_size, check_lambda, ...) takes the text or
   refuses it, with the dashboard's narrower limit where a slider ends sooner: one check, and
   one conversion, inside it (check_lambda's float, check_hidden_size's "100,50" -> (100, 50)).
   Only maxiter and seed, which nn_core wants as whole numbers, are read as int first.
2. The rules and their words live in nn_core, so a link is refused the way train would refuse
   it. Widgets need no check of their own: their ranges are these, and train checks its input.
3. A refused value is replaced with the default, and query_problems says which value, what was
   expected and what was found: a hand-edited link never crashes a page.
"""

from dataclasses import asdict, dataclass, fields, replace

from nn_core import (
    DATASETS,
    DataFormatError,
    check_activation,
    check_hidden_size,
    check_lambda,
    check_learning_rate,
    check_maxiter,
    check_method,
    check_output,
    check_seed,
    experiments,
)

# The dashboard's own limits, narrower than nn_core's: where its sliders and boxes end.
LAMBDA_MAX = 100.0
MAXITER_MAX = 1000
SEED_MAX = 10_000
LR_MIN, LR_MAX = 1e-4, 100.0


def _whole(text):
    """"7" -> 7; anything else (7.5, "-", "banana") as it is, for the check to refuse in words."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return text


def _check_dataset(name):
    if name not in DATASETS:
        raise DataFormatError(f"dataset: expected one of {', '.join(DATASETS)}, found {name!r}")
    return name


CHECKS = {  # each knob's one check: nn_core's, with the dashboard's limit
    "dataset": _check_dataset,
    "hidden_size": check_hidden_size,
    "activation": check_activation,
    "output": check_output,
    "lambd": lambda v: check_lambda(v, most=LAMBDA_MAX),
    "maxiter": lambda v: check_maxiter(_whole(v), most=MAXITER_MAX),
    "method": check_method,
    "seed": lambda v: check_seed(_whole(v), most=SEED_MAX),
    "learning_rate": lambda v: check_learning_rate(v, least=LR_MIN, most=LR_MAX),
}
# The limits themselves must be values nn_core accepts (maxiter 1000 <= its MAX_ITER, ...):
# checked once, here, when the dashboard starts.
check_lambda(LAMBDA_MAX), check_maxiter(MAXITER_MAX), check_seed(SEED_MAX)
check_learning_rate(LR_MIN), check_learning_rate(LR_MAX)


def hidden_layers(hidden_size):
    """(25,) for 25, (100, 50) for (100, 50): one size per hidden layer."""
    return tuple(hidden_size) if isinstance(hidden_size, (tuple, list)) else (hidden_size,)


@dataclass(frozen=True)
class Settings(experiments.Base):
    """nn_core's training knobs (experiments.Base: hidden_size, lambd, maxiter, method, seed,
    learning_rate, activation, output) plus what a dashboard run also needs: its data set and
    where it started."""

    dataset: str = "mnist-20x20"
    init: str = "random"  # "random", "my-digits", or "weights:<hash>" for uploaded start weights

    @property
    def architecture(self):
        """"25 hidden" for the tutorial's kind of network; else "100-50 relu · softmax"."""
        sizes = hidden_layers(self.hidden_size)
        if len(sizes) == 1 and (self.activation, self.output) == ("sigmoid", "sigmoid"):
            return f"{sizes[0]} hidden"
        return f"{'-'.join(map(str, sizes))} {self.activation} · {self.output}"

    def label(self, iterations=None):
        """One line for these settings; with `iterations` (what a run actually did), a run's label.

        A run that stopped early says so: "37 of 1000 it" (37 run, maxiter 1000), not "1000 it".
        """
        done = self.maxiter if iterations is None else iterations
        it = f"{done} it" if done == self.maxiter else f"{done} of {self.maxiter} it"
        text = f"{self.dataset} · {self.architecture} · λ={self.lambd:g} · {it} · {self.method}"
        if self.method == "GD":
            text += f" (lr={self.learning_rate:g})"
        start = {"random": "", "my-digits": " · with my digits"}.get(self.init, " · from your weights")
        return text + f" · seed {self.seed}" + start


DEFAULT = Settings()
# The tutorial's train.py: 25 hidden units, lambda 0.1, L-BFGS-B with maxiter 20. The dashboard's
# defaults differ (lambda 1, 50 iterations): after 20 iterations J is still falling fast, and with
# 50 iterations lambda 0.1 lets the wizard memorise more than lambda 1 (measured on validation).
TUTORIAL = Settings(hidden_size=25, lambd=0.1, maxiter=20, method="L-BFGS-B")
for _knob, _check in CHECKS.items():  # the defaults pass their own checks
    _check(getattr(DEFAULT, _knob))


def _read(params, base):
    """(Settings, problems): each value in the URL checked once, refused ones left at base's."""
    out, problems = {}, []
    for key, check in CHECKS.items():
        if key not in params:
            continue
        text = params[key]
        try:
            out[key] = check(text)
        except DataFormatError as error:
            reason = str(error).removeprefix(f"{key}: ")
            default = getattr(base, key)
            default = f"{default:g}" if isinstance(default, float) else _shown(default)
            problems.append(f"{key}={text} in the link: {reason}, so the default {default} is used")
    return replace(base, **out), problems


def read_query(params, base=DEFAULT):
    """(Settings, problems) from URL query parameters, each value checked once."""
    return _read(params, base)


def from_query(params, base=DEFAULT):
    """Settings from URL query parameters; a value nn_core's check refuses keeps the base value."""
    return _read(params, base)[0]


def query_problems(params, base=DEFAULT):
    """One sentence per value in the URL that from_query could not take: which value, what was
    expected and what was found."""
    return _read(params, base)[1]


def _shown(value):
    """A knob's value as the URL writes it: hidden sizes as 100,50."""
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def to_query(settings):
    """The settings as URL query parameters (only those that differ from the defaults)."""
    d = asdict(settings)
    return {k: _shown(v) for k, v in d.items() if k != "init" and v != getattr(DEFAULT, k)}


FIELD_NAMES = [f.name for f in fields(Settings)]
