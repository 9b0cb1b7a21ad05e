"""Comparing runs: which one knob they differ in, and a verdict in one sentence.

How it works
1. knob_that_differs looks at the runs' settings: when exactly one knob (λ, hidden units, …)
   takes more than one value, the runs are an experiment on that knob, and the runs chart puts
   it on its axis instead of the run numbers.
2. verdict names the best value by validation accuracy (validation decides; the test digits are
   kept for the end) and the gap to the worst, then says whether the gap is bigger than the
   seed-to-seed noise: the spread of runs that differ only in their seed, from the user's own
   runs or the seed spread experiment. With no such measurement it says where to get one.
"""

import numpy as np

from . import state

KNOB_NAMES = {"dataset": "data set", "hidden_size": "hidden units", "activation": "activation",
              "output": "output", "lambd": "λ", "maxiter": "maxiter", "method": "method",
              "seed": "seed", "learning_rate": "learning rate", "init": "start weights"}


def _value(settings, knob):
    v = getattr(settings, knob)
    if knob == "learning_rate" and settings.method != "GD":
        return None  # only gradient descent uses it
    if knob == "hidden_size":  # (25,) and (100, 50): one kind of value, so they sort together
        return tuple(np.atleast_1d(v).tolist())
    return v


def knob_that_differs(runs):
    """The one Settings field whose value differs between runs, or None (none or several)."""
    differing = [k for k in KNOB_NAMES if len({_value(r.settings, k) for r in runs}) > 1]
    return differing[0] if len(differing) == 1 else None


def knob_label(knob, value):
    """ "λ = 0.3", "hidden units = 50", "hidden units = 100-50", "method = CG"."""
    if isinstance(value, tuple):
        shown = "-".join(map(str, value))
    else:
        shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{KNOB_NAMES[knob]} = {shown}"


def chart_axis(runs, knob):
    """(labels, order) for the runs chart: the knob's values sorted, or the run numbers."""
    if knob is None:
        return [f"#{r.id}" for r in runs], list(range(len(runs)))
    values = [_value(r.settings, knob) for r in runs]
    order = sorted(range(len(runs)), key=lambda i: (values[i], runs[i].id))
    labels = [knob_label(knob, v) for v in values]
    repeated = {lab for lab in labels if labels.count(lab) > 1}
    labels = [f"{lab} (#{r.id})" if lab in repeated else lab for lab, r in zip(labels, runs, strict=True)]
    return labels, order


def seed_noise(runs, spread=None):
    """Seed-to-seed noise in validation points (max − min) and where it was measured, or None.

    From the user's runs when some differ only in their seed, else from a seed spread experiment's
    validation accuracies (fractions) if one was run."""
    groups = {}
    for r in runs:
        key = tuple(_value(r.settings, k) for k in KNOB_NAMES if k != "seed")
        if state.measured(r.accuracy["validation"]):
            groups.setdefault(key, {})[r.settings.seed] = 100 * r.accuracy["validation"]
    widest = max((np.ptp(list(g.values())) for g in groups.values() if len(g) >= 2), default=None)
    if widest is not None:
        return float(widest), "your runs that differ only in their seed"
    if spread is not None and len(spread) >= 2:
        return float(100 * np.ptp(spread)), f"the seed spread experiment ({len(spread)} seeds)"
    return None


def verdict(runs, knob, noise=None):
    """One sentence: the best value of the knob on validation, the gap, and whether it beats noise."""
    scored = [(100 * r.accuracy["validation"], r) for r in runs if state.measured(r.accuracy["validation"])]
    if knob is None or len(scored) < 2:
        return None
    (best, b), (worst, w) = max(scored, key=lambda s: s[0]), min(scored, key=lambda s: s[0])
    gap = best - worst
    text = (f"{knob_label(knob, _value(b.settings, knob))} reads new digits best: {best:.1f} % "
            f"validation accuracy against {worst:.1f} % for {knob_label(knob, _value(w.settings, knob))}, "
            f"a difference of {gap:.1f} points.")
    if noise is None:
        return text + (" Whether that is more than luck: the seed spread on the Experiments page "
                       "trains the same settings from 10 random starts and measures the noise.")
    spread, source = noise
    beats = "bigger than" if gap > spread else "within"
    return text + f" That is {beats} the seed-to-seed noise of {spread:.1f} points measured by {source}."
