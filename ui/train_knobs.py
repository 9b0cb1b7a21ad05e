"""The Train page's knobs: data set, architecture (hidden layers, their sizes, activation and
output), λ, maxiter, method, learning rate and seed, mirrored in the URL.

How it works
1. The first visit of a session reads the settings from the URL (ui.settings.read_query: each
   value checked once by nn_core) and shows a warning per refused value; later visits start
   from the settings last used.
2. Each widget is primed with its remembered value when it has none, then read as it is: the
   widgets' ranges are nn_core's, so their values need no second conversion or check (train
   checks what it is given).
3. Start weights from a file fix the architecture: the size, layer and function widgets show
   the weights' own and are disabled.
"""

from dataclasses import replace

import streamlit as st

import nn_core

from . import architecture
from .glossary import explain
from .settings import (
    DEFAULT,
    FIELD_NAMES,
    LR_MAX,
    LR_MIN,
    MAXITER_MAX,
    SEED_MAX,
    TUTORIAL,
    hidden_layers,
    read_query,
    to_query,
)

LAMBDAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
KEYS = {"dataset": "train_dataset", "lambd": "train_lambd", "maxiter": "train_maxiter",
        "method": "train_method", "seed": "train_seed", "learning_rate": "train_lr",
        "activation": "train_activation", "output": "train_output"}
LAYERS_KEY = "train_layers"
# One slider per hidden layer; the first keeps the key it had before there were several.
HIDDEN_KEYS = ("train_hidden_size", "train_hidden_size_2", "train_hidden_size_3")
assert len(HIDDEN_KEYS) == nn_core.MAX_HIDDEN_LAYERS


def _remembered():
    """The settings to show: the last ones used in this session, else the URL's (a shared link)."""
    if "train_settings" not in st.session_state:
        settings, problems = read_query(st.query_params.to_dict())
        st.session_state["train_settings"] = settings
        for problem in problems:
            st.warning(f"The link's settings: {problem}.")
    return st.session_state["train_settings"]


def _architecture_values(hidden_size, activation, output):
    """{widget key: value} for an architecture; deeper layers not in it repeat the last size."""
    sizes = hidden_layers(hidden_size)
    values = {LAYERS_KEY: len(sizes), KEYS["activation"]: activation, KEYS["output"]: output}
    values.update({key: sizes[min(i, len(sizes) - 1)] for i, key in enumerate(HIDDEN_KEYS)})
    return values


def _prime_widgets(saved, names):
    """Give each widget its remembered value when it has none (first run, or back from a page)."""
    values = {key: getattr(saved, name) for name, key in KEYS.items()}
    values.update(_architecture_values(saved.hidden_size, saved.activation, saved.output))
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if st.session_state[KEYS["dataset"]] not in names:
        st.session_state[KEYS["dataset"]] = names[0]


def dataset_ui(names):
    """The data set picker (first, since the start weights must fit its input size)."""
    _prime_widgets(_remembered(), names)
    return st.selectbox("data set", names, key=KEYS["dataset"],
                        help="mnist-20x20 is the closest to the tutorial's 20x20 digits.")


def _hidden_ui(fixed):
    """The number of hidden layers and one size slider per layer -> hidden_size (int or tuple)."""
    layers = st.radio("hidden layers", range(1, nn_core.MAX_HIDDEN_LAYERS + 1), key=LAYERS_KEY,
                      horizontal=True, disabled=fixed,
                      help=explain("hidden layer") + " The tutorial's network has one.")
    sizes = []
    for i in range(layers):
        label = "hidden units" if layers == 1 else f"hidden units, layer {i + 1}"
        sizes.append(st.slider(label, *nn_core.HIDDEN_RANGE, key=HIDDEN_KEYS[i], disabled=fixed,
                               help=explain("hidden unit") + f" The tutorial: {TUTORIAL.hidden_size}."))
    return sizes[0] if layers == 1 else tuple(sizes)


def _functions_ui(fixed):
    """The hidden layers' activation and the output layer's function."""
    activation = st.radio("activation (hidden layers)", list(nn_core.ACTIVATIONS), key=KEYS["activation"],
                          horizontal=True, disabled=fixed, format_func=architecture.shown,
                          help=explain("sigmoid", "tanh", "ReLU"))
    output = st.radio("outputs", list(nn_core.OUTPUTS), key=KEYS["output"], horizontal=True,
                      disabled=fixed, help=explain("sigmoid", "softmax"))
    return activation, output


def settings_ui(start):
    """Architecture, λ, maxiter, method (+ learning rate for GD) and seed -> Settings.

    start: (network or None, init) from start_weights_ui; its weights fix the architecture.
    """
    saved = _remembered()
    fixed = start[0]
    if fixed is not None:  # show the architecture that will be used (start_weights_ui checked it)
        st.session_state.update(_architecture_values(fixed.hidden_size, fixed.activation, fixed.output))
    lam_key = KEYS["lambd"]
    options = sorted(set(LAMBDAS) | {st.session_state[lam_key]})
    c1, c2 = st.columns(2)
    with c1:
        hidden = _hidden_ui(fixed is not None)
        if fixed is not None:
            st.caption(f"Your start weights have {architecture.hidden_words(fixed)}, so that is the network.",
                       help=explain("hidden layer"))
        lambd = st.select_slider("λ (regularization)", options, key=lam_key,
                                 format_func=lambda v: f"{v:g}", help=explain("λ", "regularization"))
        maxiter = st.slider("maxiter (iterations)", 1, MAXITER_MAX, key=KEYS["maxiter"],
                            help=explain("maxiter", "iteration"))
    with c2:
        activation, output = _functions_ui(fixed is not None)
        method = st.radio("method", nn_core.METHODS, key=KEYS["method"], horizontal=True,
                          help=explain("L-BFGS-B", "CG", "TNC", "GD"))
        lr = saved.learning_rate  # kept for when GD is picked again
        if method == "GD":
            lr = st.number_input("learning rate (GD only)", LR_MIN, LR_MAX, key=KEYS["learning_rate"],
                                 step=0.1, format="%g", help=explain("learning rate", "gradient"))
        seed = st.number_input("seed (random start)", 0, SEED_MAX, key=KEYS["seed"], step=1,
                               disabled=fixed is not None, help=explain("seed", "symmetry"))
    settings = replace(saved, dataset=st.session_state[KEYS["dataset"]], hidden_size=hidden,
                       activation=activation, output=output, lambd=lambd, maxiter=maxiter,
                       method=method, learning_rate=lr, seed=seed, init=start[1])
    st.session_state["train_settings"] = settings
    return _cache_key(settings)


def _use_tutorial():
    st.session_state.update(_architecture_values(TUTORIAL.hidden_size, TUTORIAL.activation,
                                                 TUTORIAL.output))
    for name in ("lambd", "maxiter", "method"):
        st.session_state[KEYS[name]] = getattr(TUTORIAL, name)


def tutorial_ui(fixed_hidden=False, disabled=False):
    """One click to the tutorial's own settings, and why the dashboard starts elsewhere."""
    c1, c2 = st.columns([1, 2], vertical_alignment="center")
    c1.button("Use the tutorial's settings", key="train_tutorial", on_click=_use_tutorial,
              disabled=fixed_hidden or disabled,
              help=f"One hidden layer of {TUTORIAL.hidden_size} sigmoid units, sigmoid outputs, "
                   f"λ = {TUTORIAL.lambd:g}, maxiter {TUTORIAL.maxiter}, {TUTORIAL.method}, as in "
                   "the tutorial's train.py.")
    c2.caption(f"Why the defaults differ (λ = {DEFAULT.lambd:g}, {DEFAULT.maxiter} iterations): after "
               f"{TUTORIAL.maxiter} iterations J is still falling fast, so the wizard has not finished "
               f"studying; given {DEFAULT.maxiter}, λ = {TUTORIAL.lambd:g} lets him memorise more, and "
               f"λ = {DEFAULT.lambd:g} reads new digits better. Train both and compare their "
               "validation accuracy in the runs chart.")


def _cache_key(settings):
    """The learning rate only matters for GD: other methods share one cache entry."""
    return settings if settings.method == "GD" else replace(settings, learning_rate=DEFAULT.learning_rate)


def mirror_in_url(settings):
    """Write the settings into the URL (only what differs from the defaults) and show the link."""
    wanted = to_query(settings)
    for name in FIELD_NAMES:
        if name in wanted and st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and name in st.query_params:
            del st.query_params[name]
    query = "&".join(f"{k}={v}" for k, v in wanted.items())
    base = st.context.url or ""
    st.caption("Copy this link to share these settings (your start weights are not in it):")
    st.code(base + ("?" + query if query else ""), language=None)
