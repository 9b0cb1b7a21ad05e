"""The Experiments page's ten tabs as one table: what each experiment runs, shows and teaches.

Each row of EXPERIMENTS is an Experiment: its name (the key of its outcome, its job
exp_job_{name} and its widgets exp_{name}_…), its tab and button labels, the paragraph that
introduces it, the nn_core.experiments function it runs, what it draws from its outcome
(figures from ui.figs_experiments, plus the λ sweep's model picker), and its lesson
(ui.experiment_lessons). The page loops over the table; adding an experiment is adding a row.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st

from nn_core import experiments as ex

from . import charts, state
from . import experiment_lessons as lessons
from . import figs_experiments as fx
from .experiment_runs import outcomes
from .glossary import explain


@dataclass(frozen=True)
class Experiment:
    name: str
    tab: str
    button: str
    intro: Callable  # settings -> the tab's opening paragraph
    run: Callable  # (split, base, progress) -> the nn_core.experiments result
    show: Callable  # outcome -> draws its figures
    lesson: Callable  # outcome -> what it teaches, in a few sentences
    unit: str = "iterations"  # what its progress counts


# --- 1. λ sweep: its chart picks a model to make active -----------------------------------------

def clicked_lambda(event, sweep):
    """The index in sweep.values of the clicked point, or None."""
    labels = [f"{v:g}" for v in sweep.values]
    for point in (event or {}).get("selection", {}).get("points", []):
        if str(point.get("x")) in labels:
            return labels.index(str(point["x"]))
    return None


def activate_lambda(index):
    """Make the sweep's model number `index` the active model (a button or a click's callback)."""
    o = outcomes()["lambda"]
    lam = float(o.result.values[index])
    run = state.make_run(replace(o.settings, lambd=lam), o.result.results[index],
                         note="trained in the λ sweep")
    state.add_run(run)
    st.session_state["exp_lambda_msg"] = (f"Run #{run.id} (λ = {lam:g}) is now the active model: "
                                          "the other pages use it.")


def on_lambda_click():
    """st.plotly_chart's on_select callback: the clicked point's model becomes active."""
    index = clicked_lambda(st.session_state.get("exp_lambda_chart"), outcomes()["lambda"].result)
    if index is not None:
        st.session_state["exp_lambda_pick"] = index  # the picker below shows the clicked model
        activate_lambda(index)


def _show_lambda(o):
    sweep = o.result
    charts.show(st, fx.lambda_chart(sweep), on_select=on_lambda_click, selection_mode="points",
                key="exp_lambda_chart")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    pick = c1.selectbox("model", range(len(sweep.values)), index=sweep.best, key="exp_lambda_pick",
                        format_func=lambda i: f"λ = {sweep.values[i]:g} · validation "
                                              f"{100 * sweep.validation_accuracy[i]:.1f} %")
    c2.button("Make it the active model", key="exp_lambda_activate", on_click=activate_lambda,
              args=(pick,))
    if "exp_lambda_msg" in st.session_state:  # shown once, after the click that activated
        st.info(st.session_state.pop("exp_lambda_msg"))


# --- 2-6: figures -------------------------------------------------------------------------------

def _show_seeds(o):
    charts.show(st, fx.seed_chart(o.result), key="exp_seed_chart")
    st.caption("Each box plot gathers the ten seeds: the box holds the middle half, the line in it "
               "the median, the whiskers the best and worst seed. Its height is the seed-to-seed "
               "noise any other difference must beat.", help=explain("box plot", "seed spread", "seed"))


def _show_race(o):
    x = st.segmented_control("cost against", list(fx.RACE_X), default="iteration", key="exp_race_x")
    charts.show(st, fx.race_chart(o.result, x or "iteration"), key="exp_race_chart")
    st.dataframe(fx.race_rows(o.result), hide_index=True, key="exp_race_table")
    st.caption("Two trainings run at a time (one per core), so seconds are as measured side by side.")


def _show_symmetry(o):
    sym = o.result
    charts.show(st, fx.weights_figure(list(zip(sym.names, sym.W1)), o.image_shape,
                                      title="Each hidden unit's input weights (each start on its own "
                                            "colour scale)", shared_scale=False),
                key="exp_symmetry_weights")
    charts.show(st, fx.symmetry_cost_chart(sym), key="exp_symmetry_cost")


def _show_hidden(o):
    hu, used = o.result, o.settings
    if len(hu.lambdas):
        panels = [(f"λ = {v:g}", w) for v, w in zip(hu.lambdas, hu.lambda_W1)]
        charts.show(st, fx.weights_figure(panels, o.image_shape, title=f"{used.hidden_size} hidden units"),
                    key="exp_hidden_lambda")
    if len(hu.sizes):
        panels = [(f"{h} hidden units", w) for h, w in zip(hu.sizes, hu.size_W1)]
        charts.show(st, fx.weights_figure(panels, o.image_shape, title=f"λ = {used.lambd:g}"),
                    key="exp_hidden_sizes")


# --- 7-10: the network's shape and its two ends -------------------------------------------------

def _show_activation(o):
    charts.show(st, fx.activation_chart(o.result), key="exp_activation_chart")
    st.caption("A dead unit outputs 0 for every training digit: a ReLU unit whose weighted sum is "
               "negative for all of them. Its slope is 0 there, so backprop cannot bring it back.",
               help=explain("tanh", "ReLU", "dead unit"))


def _show_depth(o):
    charts.show(st, fx.depth_chart(o.result), key="exp_depth_chart")
    st.dataframe(fx.depth_rows(o.result), hide_index=True, key="exp_depth_table")
    st.caption("Weights are counted with the biases: (inputs + 1) × outputs for each layer, added up.",
               help=explain("hidden layer", "bias"))


def _show_output(o):
    charts.show(st, fx.output_chart(o.result), key="exp_output_chart")
    st.caption("Left: how the ten outputs add up on each validation digit. Right: the largest output "
               "(the answer's confidence) on the digits read right and on those read wrong.",
               help=explain("softmax", "sigmoid"))


def _show_scale(o):
    charts.show(st, fx.scale_chart(o.result), key="exp_scale_chart")
    st.caption(f"A unit is saturated on a digit when its slope g'(z2) is below {100 * ex.FLAT:g} % of "
               "its steepest (a sigmoid below 0.01 or above 0.99): backprop passes almost nothing "
               "through it.", help=explain("saturated", "delta2"))


# --- the table ----------------------------------------------------------------------------------

EXPERIMENTS = (
    Experiment(
        "lambda", "1 · λ sweep", "Run the λ sweep",
        lambda s: "Train once for each λ from 0 to 30 (same seed). Too little λ lets the wizard memorise "
                  "his digits, too much keeps him from learning them: the validation curve shows the "
                  "balance. Click a point (or pick below) to make that model the active one.",
        lambda split, base, p: ex.lambda_sweep(split, base, progress=p),
        _show_lambda, lambda o: lessons.lambda_sweep(o.result)),
    Experiment(
        "learning", "2 · Learning curve", "Run the learning curve",
        lambda s: "Train on the first m training digits (each digit in its share), for m from 100 to all "
                  "of them, and measure the error on those m digits and on the validation digits.",
        lambda split, base, p: ex.learning_curve(split, base, progress=p),
        lambda o: charts.show(st, fx.learning_chart(o.result), key="exp_learning_chart"),
        lambda o: lessons.learning_curve(o.result)),
    Experiment(
        "seeds", "3 · Seed spread", "Run ten seeds",
        lambda s: f"The same settings, ten random starts (seeds {s.seed}-{s.seed + 9}). Ng's exercise "
                  "says the accuracy \"may vary by about 1 % due to the random initialization\": here "
                  "it is.",
        lambda split, base, p: ex.seed_spread(split, base, progress=p),
        _show_seeds,
        lambda o: lessons.seed_spread(o.result)),
    Experiment(
        "race", "4 · Optimizer race", "Run the race",
        lambda s: f"L-BFGS-B, CG, TNC and gradient descent at two learning rates ({ex.GD_RATES[0]:g} "
                  f"and {ex.GD_RATES[1]:g}) from the same start weights, each allowed 2 × maxiter = "
                  f"{2 * s.maxiter} evaluations of J and its gradient (one pass over the data each).",
        lambda split, base, p: ex.optimizer_race(split, base, progress=p),
        _show_race, lambda o: lessons.optimizer_race(o.result), unit="evaluations"),
    Experiment(
        "symmetry", "5 · Symmetry breaking", "Run both starts",
        lambda s: "Start once with every weight equal to 0.1 and once with tiny random weights "
                  "(±0.0001), then train both the same way and look at the hidden units' W1 images.",
        lambda split, base, p: ex.symmetry(split, base, progress=p),
        _show_symmetry, lambda o: lessons.symmetry(o.result)),
    Experiment(
        "hidden", "6 · Hidden units", "Run the trainings",
        lambda s: "What the hidden units look for (each unit's W1 row as an image, red = positive "
                  "weight), for λ = 0, 1 and 10, then for 5, 25 and 100 hidden units; all from the "
                  "same seed.",
        lambda split, base, p: ex.hidden_units(split, base, progress=p),
        _show_hidden, lambda o: lessons.hidden_units(o.result, o.image_shape)),
    Experiment(
        "activation", "7 · Activation race", "Run the activation race",
        lambda s: f"The same network ({s.hidden_size} hidden units, λ = {s.lambd:g}) trained with "
                  f"each hidden activation, sigmoid, tanh and ReLU, for the same {s.maxiter} "
                  f"iterations on at most {ex.STUDY_DIGITS:,} of the training digits (each digit in "
                  "its share: fewer digits keep three trainings on two cores within about 10 s), each "
                  "from its own seeded start. Which reads new digits best, and how many ReLU units "
                  "die?",
        lambda split, base, p: ex.activation_race(split, base, progress=p),
        _show_activation, lambda o: lessons.activation_race(o.result)),
    Experiment(
        "depth", "8 · Depth", "Run the three depths",
        lambda s: "One, two and three hidden layers of equal width, each width chosen so that the "
                  f"network has about as many weights as {s.hidden_size} hidden units in one layer; "
                  f"all trained for {s.maxiter} iterations on the same training digits (at most "
                  f"{ex.STUDY_DIGITS:,}, each digit in its share, to keep the three within about "
                  "10 s). Is deeper better at the same size?",
        lambda split, base, p: ex.depth(split, base, progress=p),
        _show_depth, lambda o: lessons.depth(o.result)),
    Experiment(
        "output", "9 · Output layer", "Run both output layers",
        lambda s: "The same network with the tutorial's ten sigmoid outputs, then with a softmax "
                  "output layer. Do the ten outputs sum to 1, and how confident are the wrong "
                  "answers?",
        lambda split, base, p: ex.output_layer(split, base, progress=p),
        _show_output, lambda o: lessons.output_layer(o.result)),
    Experiment(
        "scale", "10 · Input scale", "Run both scales",
        lambda s: f"The same start weights trained for {s.maxiter} iterations on the pixels from 0 "
                  f"to 1, then on the raw pixels from 0 to {ex.RAW_SCALE:g} (an image file's), "
                  "everything else the same. What happens to training?",
        lambda split, base, p: ex.input_scale(split, base, progress=p),
        _show_scale, lambda o: lessons.input_scale(o.result)),
)
