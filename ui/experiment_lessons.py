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
CLOSE = 1.0  # points of validation accuracy too few to call a winner (about the seed spread)
NAMES = {"relu": "ReLU"}  # how the pages write nn_core's activation names


def pct(a):
    """Fractions as percentages, in a float array."""
    return 100 * np.asarray(a, dtype=float)


def shown(name):
    """An activation's name as the pages write it ("relu" -> "ReLU")."""
    return NAMES.get(name, name)


def _ranked(names, accuracy):
    """"a 93.6 %, b 92.5 %" from best to worst, the best's name, and its lead over the worst."""
    acc = pct(accuracy)
    order = np.argsort(-acc, kind="stable")
    text = ", ".join(f"{shown(names[k])} {acc[k]:.1f} %" for k in order)
    return text, shown(names[order[0]]), acc[order[0]] - acc[order[-1]]


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


def activation_race(race):
    text, best, lead = _ranked(race.names, race.validation_accuracy)
    first = f"After the same {len(race.cost[0])} iterations, validation accuracy was {text}."
    if len(race.names) < 2:
        verdict = ""
    elif lead < CLOSE:
        verdict = (f" The spread, {lead:.1f} points, is about what a new seed alone changes: no "
                   "activation clearly wins at these settings.")
    else:
        verdict = f" {best[0].upper() + best[1:]} read new digits best, by {lead:.1f} points over the last."
    parts = [first + verdict]
    if "relu" in race.names:
        dead, h = int(race.dead[list(race.names).index("relu")]), race.hidden_units
        if dead:
            parts.append(f"{dead} of the {h} ReLU units died: each outputs 0 on all {race.studied:,} "
                         "training digits, so its slope is 0 too and backprop never changes its "
                         f"weights again. The ReLU network really learned with {h - dead} units.")
        else:
            parts.append(f"None of the {h} ReLU units died: each is on for some training digits, "
                         "so all of them keep learning.")
    return " ".join(parts)


def depth(d):
    counts = _and([f"{w:,}" for w in d.weights])
    off = float(np.max(np.abs(d.weights / d.reference - 1))) * 100
    first = (f"The networks {_and(depth_names(d))} (pixels-hidden-outputs) have {counts} weights "
             f"(at most {off:.0f} % from the base network's {d.reference:,}).")
    if off > 10:
        first += " Equal widths could not match the weights more closely here, so compare with care."
    if len(d.names) < 2:
        return first
    acc, cost = pct(d.validation_accuracy), np.array([c[-1] for c in d.cost])
    one, deepest = acc[0], acc[-1]
    if abs(deepest - one) < CLOSE:
        how = (f" Validation accuracy hardly changed with depth ({one:.1f} % with one layer, "
               f"{deepest:.1f} % with {d.names[-1]}): at this size, extra layers buy nothing.")
    elif deepest < one:
        how = (f" The deeper networks did worse: {one:.1f} % with one layer, {deepest:.1f} % with "
               f"{d.names[-1]}, and J ended at {cost[-1]:.3f} against {cost[0]:.3f} with one layer. "
               "With the same weights, a deeper network's first layer is narrower, and the error reaches it "
               "through more layers, each scaling delta by its slope"
               + (" (at most 0.25 for the sigmoid)" if d.activation == "sigmoid" else "")
               + ": in the same number of iterations it learns less.")
    else:
        how = (f" The deeper networks did better: {one:.1f} % with one layer, {deepest:.1f} % with "
               f"{d.names[-1]}: later layers combine the first layer's features into larger ones.")
    return first + how


def _and(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def depth_names(d):
    return ["-".join(str(k) for k in s) for s in d.shapes]


def output_layer(o):
    res = {n: k for k, n in enumerate(o.names)}
    parts = []
    if "softmax" in res:
        sums = o.output_sum[res["softmax"]]
        dev = float(np.abs(sums - 1).max())
        within = f"within {dev:.0e} of 1, rounding errors" if dev else "exactly 1"
        parts.append(f"With softmax the ten outputs always sum to 1 (here every sum was {within}): "
                     "they share one unit of belief, like probabilities.")
    if "sigmoid" in res:
        sums = o.output_sum[res["sigmoid"]]
        parts.append(f"The tutorial's ten sigmoid outputs answer ten separate yes/no questions: "
                     f"their sum went from {sums.min():.2f} to {sums.max():.2f}.")
    wrong = {n: o.wrong_confidence[k] for n, k in res.items()}
    if len(res) == 2 and all(len(w) for w in wrong.values()):
        s, m = float(np.mean(wrong["sigmoid"])), float(np.mean(wrong["softmax"]))
        parts.append(f"On the digits it read wrong, the largest output averaged {s:.2f} (sigmoid, "
                     f"{len(wrong['sigmoid'])} digits) and {m:.2f} (softmax, "
                     f"{len(wrong['softmax'])} digits).")
        parts.append("Softmax was the more confident when wrong: a large share of belief is no "
                     "guarantee of being right." if m > s else
                     "Sigmoid was the more confident when wrong, even though its outputs are "
                     "not probabilities.")
    elif len(res) == 2:
        parts.append("One of them read every validation digit right, so there are no wrong answers "
                     "to compare.")
    acc = pct(o.validation_accuracy)
    if len(res) == 2:
        parts.append(f"Validation accuracy: sigmoid {acc[res['sigmoid']]:.1f} %, softmax "
                     f"{acc[res['softmax']]:.1f} %.")
    return " ".join(parts)


def input_scale(s):
    if len(s.names) < 2:
        return (f"Only the training on {s.names[0]} finished: run it again to compare."
                if len(s.names) else "")
    acc, cost = pct(s.validation_accuracy), np.array([c[-1] for c in s.cost])
    flat0, flat1 = pct(s.flat_start), pct(s.flat_end)
    flat = ("off (outputting 0)" if s.activation == "relu"
            else f"saturated (on a flat end of the {s.activation})")
    first = (f"At the shared start weights, {flat0[1]:.1f} % of the first hidden layer's activations "
             f"on raw pixels (0 to {s.scales[1]:g}) were {flat}, against {flat0[0]:.1f} % on pixels "
             f"from 0 to 1.")
    if cost[1] > cost[0] and acc[1] < acc[0]:
        how = (f" Training suffered: J ended at {cost[1]:.3f} instead of {cost[0]:.3f}, and "
               f"validation accuracy at {acc[1]:.1f} % instead of {acc[0]:.1f} %. Where the slope "
               "g'(z2) is almost 0, delta2 is almost 0 and W1 barely learns; "
               f"{flat1[1]:.1f} % were still flat after training. Scale the pixels to 0-1 first.")
    elif cost[1] > cost[0] or acc[1] < acc[0]:
        how = (f" Training was hurt on one count: J {cost[1]:.3f} against {cost[0]:.3f}, validation "
               f"{acc[1]:.1f} % against {acc[0]:.1f} %.")
    else:
        how = (f" Yet training did as well here (J {cost[1]:.3f} against {cost[0]:.3f}, validation "
               f"{acc[1]:.1f} % against {acc[0]:.1f} %): the optimizer shrank the weights to make "
               "up for the scale. Try fewer iterations and see whether it still can.")
    return first + how
