"""The Hidden units page's data and its longer sections.

- model_data: the split the active model was trained on (None when it is gone or does not
  fit the model) and the image shape its W1 rows are drawn in.
- layer_picker: which hidden layer to look at (layer 1's units are a2, layer 2's a3, ...).
- layer_means: every unit's mean activation per digit on the validation digits.
- overview: all units × digits as one heatmap, sorted by a digit ("the 0 detectors first");
  choosing a digit opens its strongest unit, a click on a row opens that unit.
- on_grid_click: a click on a weight image selects that unit.
- unit_votes / unit_activity: where the selected unit sends its output, and when it switches
  on: its mean activation by digit and the 12 training digits that excite it most.
"""

import numpy as np
import streamlit as st

from nn_core import DataFormatError, mean_activation_per_class, top_activating

from . import charts, glossary, state
from . import figs_hidden as fh

TOP_K = 12  # training digits shown for the selected unit


def model_data(run):
    """(split or None, image shape) for the run's network."""
    net = run.network
    try:
        split = state.get_split(run.settings.dataset)  # its parts carry image_shape: no copy of X
        if split.train.n_inputs != net.n_inputs:
            split = None
    except DataFormatError:  # e.g. the user's uploaded data set was replaced since training
        split = None
    shape = fh.image_shape_for(net.n_inputs, split.train.image_shape if split is not None else None)
    return split, shape


def layer_picker(net):
    """The hidden layer chosen (1 = the one that looks at the pixels); no widget for one layer."""
    n = len(net.weights) - 1
    if n == 1:
        return 1
    return st.selectbox("Hidden layer", list(range(1, n + 1)), key="hidden_layer",
                        help=glossary.explain("hidden unit", "W1"),
                        format_func=lambda l: f"layer {l} ({net.layer_sizes[l]} units, a{l + 1})"
                        + (": looks at the pixels" if l == 1 else f": looks at layer {l - 1}"))


def layer_means(net, split, layer):
    """(10, h): row d is the layer's mean activation over the validation digits d."""
    a = net.forward(split.validation.X).a[layer]
    return mean_activation_per_class(a, split.validation.y)


def sorted_units(means, digit):
    """The units, the most active for `digit` first (unit order when digit is None); a digit
    without validation examples (NaN) leaves the unit order."""
    if digit is None or np.isnan(means[digit]).all():
        return np.arange(means.shape[1])
    return np.argsort(-np.nan_to_num(means[digit], nan=-np.inf), kind="stable")


def _open_top(means):
    """Choosing a digit to sort by opens its strongest unit at once: "show me the 0 detector"."""
    digit = st.session_state.get("hidden_sort")
    if digit is not None:
        st.session_state["hidden_unit"] = int(sorted_units(means, digit)[0])


def _on_overview_click():
    event = st.session_state.get("hidden_overview")
    for p in (event.selection.points if event else []):
        if p.get("customdata") is not None:
            st.session_state["hidden_unit"] = int(p["customdata"])
            return


def overview(net, means, layer, unit):
    """The sort selectbox and the units × digits heatmap of one layer."""
    name = f"a{layer + 1}"
    st.subheader(f"Find units by what they do: all {means.shape[1]} units of layer {layer}",
                 help=glossary.explain("hidden unit", "validation"))
    digit = st.selectbox("Sort units by digit", [None, *range(10)], key="hidden_sort",
                         on_change=_open_top, args=(means,),
                         format_func=lambda d: "unit number" if d is None
                         else f"the {d} detectors first (largest mean {name} for {d})")
    order = sorted_units(means, digit)
    charts.show(st, fh.digit_overview(means, order, name, net.activation, selected=unit),
                width="stretch", on_select=_on_overview_click, selection_mode="points",
                key="hidden_overview")
    st.caption(f"One row per unit, one column per digit: the unit's mean activation {name} over "
               "the validation digits of that class. Bright = the unit is on for that digit. "
               "Click a row to open that unit below; the framed row is the unit shown.")


def on_grid_click():
    """A click on a grid cell selects that unit (the selectbox "hidden_unit" follows)."""
    event = st.session_state.get("hidden_grid")
    for p in (event.selection.points if event else []):
        if p.get("customdata") is not None:
            st.session_state["hidden_unit"] = int(p["customdata"])
            return


def unit_votes(net, layer, unit, where):
    """Where the unit sends its output: its votes for each digit (last hidden layer), or its
    weights to the next hidden layer's units."""
    W, matrix = net.weights[layer], f"W{layer + 1}"
    if layer == len(net.weights) - 1:
        fig = fh.outgoing_bars(W[:, unit + 1], unit, matrix)
    else:
        fig = fh.next_layer_bars(W[:, unit + 1], unit, matrix)
    charts.show(where, fig, width="stretch", key="hidden_votes")


def unit_activity(net, split, means, layer, unit, shape, where):
    """Mean activation of `unit` by digit (drawn in `where`), then its TOP_K training digits."""
    name = f"a{layer + 1}"
    charts.show(where, fh.activation_bars(means[:, unit], unit, name, net.activation),
                width="stretch", key="hidden_activation")
    a_train = net.forward(split.train.X).a[layer]
    top = top_activating(a_train, unit, k=TOP_K)
    st.markdown(f"**The {TOP_K} training digits that switch unit {unit} on most** (label · {name})")
    charts.show(st, fh.top_images(split.train.X, split.train.y, a_train[:, unit], top, shape),
                width="stretch", key="hidden_top")


def maths(net, layer):
    """The expander's formulas for the chosen layer."""
    if layer == 1:
        st.write("Hidden unit j takes the whole picture a1 (with a 1 for the bias) and squashes "
                 f"its weighted sum with the {net.activation}:")
        st.latex(r"z_{2,j} = W_1[j,0] + \sum_{p=1}^{n} W_1[j,p]\, a_{1,p},\qquad "
                 rf"a_{{2,j}} = \mathrm{{{net.activation}}}(z_{{2,j}})")
        st.write("The picture of unit j is the row W1[j, 1:] laid out like a digit.")
    else:
        st.write(f"Unit j of layer {layer} does the same with the units of layer {layer - 1} "
                 "instead of pixels, so it has no picture: what it responds to is shown by its "
                 "mean activation per digit.")
        st.latex(rf"a_{{{layer + 1},j}} = \mathrm{{{net.activation}}}\Big(W_{layer}[j,0] + "
                 rf"\sum_i W_{layer}[j,i+1]\, a_{{{layer},i}}\Big)")
    L = len(net.weights)
    st.write(f"The output for digit d adds up the last hidden layer's votes; units count from 0 "
             f"and column 0 of W{L} is the bias, so unit j's vote for digit d is W{L}[d, j+1]. "
             "The penalty (λ/2m)·ΣW² in the cost J keeps weights small, which makes the "
             "pictures smoother: with λ = 0 they look like noise.")
