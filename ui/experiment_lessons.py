"""What each experiment teaches, in two or three sentences built from its own numbers.

One function per experiment, named like the nn_core.experiments function that ran it; each
takes that experiment's result and returns the lesson's text (markdown-free). The sentences
are chosen from what the numbers show (which λ won, bias or variance, which optimizer led,
whether the equal start stayed symmetric), never written in advance. No streamlit here: the
page shows the text.
"""

import numpy as np

from nn_core import experiments as ex

MEMORISING_GAP = 1.0  # points of accuracy between studied and new digits that count as memorising


def pct(a):
    """Fractions as percentages, in a float array."""
    return 100 * np.asarray(a, dtype=float)


def lambda_sweep(sweep):
    b = sweep.best
    lam, acc = sweep.values[b], pct(sweep.validation_accuracy)[b]
    first = f"The best validation accuracy, {acc:.1f} %, came at λ = {lam:g}."
    if b == 0 and len(sweep.values) > 1:
        return first + (" No penalty was best here: with few iterations the optimizer stops before "
                        "the wizard memorises his digits, so stopping early already acts like λ.")
    if b == len(sweep.values) - 1:
        return first + (" The largest λ tried was best, so the wizard was still memorising: try "
                        "larger values, or more training digits.")
    lam0, tr0, va0 = sweep.values[0], pct(sweep.train_accuracy)[0], pct(sweep.validation_accuracy)[0]
    at_zero = f" With λ = {lam0:g} he scored {tr0:.1f} % on the digits he studied"
    if tr0 - va0 >= MEMORISING_GAP:
        at_zero += f" but only {va0:.1f} % on new ones (memorising);"
    else:  # no gap to speak of: say so rather than call it memorising
        at_zero += (f" and {va0:.1f} % on new ones, so he was hardly memorising, yet a little λ "
                    "still read new digits better;")
    return first + at_zero + (" with too much λ he does worse on both (too simple), and the "
                              "validation set, not the training set, shows where the balance lies.")


def learning_curve(curve):
    diagnosis = ex.diagnose(curve)
    tr, va = 100 - pct(curve.train_accuracy), 100 - pct(curve.validation_accuracy)
    m = curve.values[-1]
    at = f"With m = {m:,} he gets {tr[-1]:.1f} % of the studied digits wrong and {va[-1]:.1f} % of new ones."
    return at + {
        "variance": " The gap is large and the validation error is still falling as m grows: that is "
                    "high variance, so more examples (or a larger λ) would help.",
        "bias": " Both errors are high and close together: that is high bias, the network is too "
                "simple, and more examples will not help; try more hidden units, a smaller λ or "
                "more iterations.",
        "good": " Both errors are low and close together: neither bias nor variance dominates, "
                "and more examples would change little.",
        "unclear": " The curve does not settle the question (a gap, but the validation error has "
                   "stopped falling): try more iterations, or more points.",
    }[diagnosis]


def seed_spread(spread):
    va = pct(spread.validation_accuracy)
    n, lo, hi = len(va), va.min(), va.max()
    return (f"The same settings from {n} different random starts reached {lo:.1f} % to {hi:.1f} % "
            f"on validation (a spread of {hi - lo:.1f} points, standard deviation {va.std():.1f}). "
            f"So two single runs that differ by less than about {hi - lo:.1f} points may differ by "
            "luck alone: compare settings over several seeds before trusting a small gain.")


def optimizer_race(race):
    ranked = sorted(race.lanes, key=lambda lane: lane.cost[-1] if len(lane.cost) else np.inf)
    finals = ", ".join(f"{lane.name} {lane.cost[-1]:.3f}" for lane in ranked if len(lane.cost))
    first = f"With the same budget of {race.budget} passes over the data, the final costs were: {finals}."
    if ranked and ranked[0].name == "L-BFGS-B":
        why = (" L-BFGS-B won: it needs about one evaluation per iteration, picks its own step size "
               "and remembers recent gradients to guess the valley's shape, which is why the "
               "tutorial uses it; gradient descent needs a learning rate chosen by hand, and both "
               "too small (crawling) and too large (overshooting) waste passes.")
    else:
        why = (f" Here {ranked[0].name} ended lowest, though L-BFGS-B is the tutorial's choice because "
               "it picks its own step size with about one evaluation per iteration; try more iterations "
               "and see whether the order holds.")
    return first + why


def symmetry(sym, value=0.1, epsilon=1e-4):
    res = dict(zip(sym.names, zip(pct(sym.validation_accuracy), sym.unit_spread, sym.cost)))
    parts = []
    if "all equal" in res:
        acc, spread, cost = res["all equal"]
        reference = res["tiny random"][1] if "tiny random" in res else 1.0
        start = f"Started with every weight {value:g}, the hidden units get equal gradients"
        if spread < 1e-3 * reference:
            parts.append(f"{start} and are still identical after training (up to rounding errors: the "
                         f"largest difference between two units is {spread:.0e}), so they all learn "
                         f"the same single feature and validation accuracy stalls at {acc:.1f} %.")
        else:
            parts.append(f"{start}, yet after {len(cost)} iterations they differ by up to {spread:.2g}: "
                         "the computer's rounding errors acted as a very tiny random start, which the "
                         f"optimizer slowly amplified; validation accuracy reached {acc:.1f} %.")
    if "tiny random" in res:
        acc = res["tiny random"][0]
        parts.append(f"Tiny random start weights (±{epsilon:g}) are enough to break the tie: each unit "
                     f"learns its own feature and accuracy reaches {acc:.1f} %.")
    return " ".join(parts)


def hidden_units(hu, image_shape):
    parts = []
    if len(hu.lambdas) >= 2:
        stats = [ex.weight_stats(w, image_shape) for w in hu.lambda_W1]
        size, rough = zip(*stats)
        lo, hi = hu.lambdas[0], hu.lambdas[-1]
        if rough[-1] < rough[0] and size[-1] < size[0]:
            parts.append(f"Going from λ = {lo:g} to λ = {hi:g} the hidden units' images turn from "
                         f"speckled to smooth and faint (mean |weight| {size[0]:.2f} → {size[-1]:.2f}): "
                         "the penalty removes weights that do not pay for themselves.")
        else:
            parts.append(f"Between λ = {lo:g} and λ = {hi:g} the images changed less than expected "
                         f"(mean |weight| {size[0]:.2f} → {size[-1]:.2f}); try more iterations.")
    if len(hu.sizes) >= 2:
        accs = ", ".join(f"{a:.1f} % with {s}" for s, a in zip(hu.sizes, pct(hu.size_accuracy)))
        parts.append(f"Validation accuracy was {accs} hidden units: a few units must each cover "
                     "several digits, many units can afford narrower, more specialised features.")
    return " ".join(parts)
