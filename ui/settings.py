"""Training settings: one frozen record, its limits, and its mirror in the URL.

A link such as ?lambd=3&hidden_size=50&maxiter=100 reproduces an experiment, as in
TensorFlow Playground. Values from the URL are clamped to the knobs' ranges, so
a hand-edited link can never crash a page, and query_problems says what was changed.
The hidden-size range is nn_core's HIDDEN_RANGE: the one every entry enforces.
"""

from dataclasses import asdict, dataclass, fields, replace

from nn_core import DATASETS, HIDDEN_RANGE, METHODS, experiments

LAMBDA_MAX = 100.0
MAXITER_MAX = 1000
SEED_MAX = 10_000
LR_MAX = 100.0


@dataclass(frozen=True)
class Settings(experiments.Base):
    """nn_core's training knobs (experiments.Base: hidden_size, lambd, maxiter, method, seed,
    learning_rate) plus what a dashboard run also needs: its data set and where it started."""

    dataset: str = "mnist-20x20"
    init: str = "random"  # "random", "my-digits", or "weights:<hash>" for uploaded start weights

    def label(self, iterations=None):
        """One line for these settings; with `iterations` (what a run actually did), a run's label.

        A run that stopped early says so: "37 of 1000 it" (37 run, maxiter 1000), not "1000 it".
        """
        done = self.maxiter if iterations is None else iterations
        it = f"{done} it" if done == self.maxiter else f"{done} of {self.maxiter} it"
        text = f"{self.dataset} · {self.hidden_size} hidden · λ={self.lambd:g} · {it} · {self.method}"
        if self.method == "GD":
            text += f" (lr={self.learning_rate:g})"
        start = {"random": "", "my-digits": " · with my digits"}.get(self.init, " · from your weights")
        return text + f" · seed {self.seed}" + start


DEFAULT = Settings()
# The tutorial's train.py: 25 hidden units, lambda 0.1, L-BFGS-B with maxiter 20. The dashboard's
# defaults differ (lambda 1, 50 iterations): after 20 iterations J is still falling fast, and with
# 50 iterations lambda 0.1 lets the wizard memorise more than lambda 1 (measured on validation).
TUTORIAL = Settings(hidden_size=25, lambd=0.1, maxiter=20, method="L-BFGS-B")


def _clamp(value, lo, hi, cast):
    try:
        v = cast(value)
    except (TypeError, ValueError):
        return None
    if v != v:  # NaN
        return None
    return min(max(v, lo), hi)


RANGES = {  # the URL's numeric knobs: (lowest, highest, type)
    "hidden_size": (*HIDDEN_RANGE, int),
    "lambd": (0.0, LAMBDA_MAX, float),
    "maxiter": (1, MAXITER_MAX, int),
    "seed": (0, SEED_MAX, int),
    "learning_rate": (1e-4, LR_MAX, float),
}


def from_query(params, base=DEFAULT):
    """Settings from URL query parameters; unknown or malformed values keep the base value."""
    out = {}
    for key, (lo, hi, cast) in RANGES.items():
        if key in params:
            v = _clamp(params[key], lo, hi, cast)
            if v is not None:
                out[key] = v
    if params.get("method") in METHODS:
        out["method"] = params["method"]
    if params.get("dataset") in DATASETS:
        out["dataset"] = params["dataset"]
    return replace(base, **out)


def query_problems(params):
    """One sentence per numeric knob in the URL that from_query could not take as it is."""
    problems = []
    for key, (lo, hi, cast) in RANGES.items():
        if key not in params:
            continue
        v = _clamp(params[key], lo, hi, cast)
        expected = f"expected {lo:g} to {hi:g}"
        if v is None:
            problems.append(f"{key}={params[key]} in the link: {expected}, found something that is "
                            "not a number, so it was left as it was")
        elif cast(params[key]) != v:
            problems.append(f"{key}={params[key]} in the link: {expected}, found {params[key]}, so "
                            f"{v:g} is used")
    return problems


def to_query(settings):
    """The settings as URL query parameters (only those that differ from the defaults)."""
    d = asdict(settings)
    return {k: str(v) for k, v in d.items() if k != "init" and v != getattr(DEFAULT, k)}


FIELD_NAMES = [f.name for f in fields(Settings)]
