"""The Hidden units page's data and its longer sections.

- model_data: the split the active model was trained on (None when it is gone or does not
  fit the model) and the image shape its W1 rows are drawn in.
- on_grid_click: a click on a weight image selects that unit.
- unit_activity: when the selected unit switches on: its mean activation a2 by digit (on the
  validation digits) and the 12 training digits that excite it most.
"""

import streamlit as st

from nn_core import DataFormatError, mean_activation_per_class, top_activating

from . import charts, state
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


def on_grid_click():
    """A click on a grid cell selects that unit (the selectbox "hidden_unit" follows)."""
    event = st.session_state.get("hidden_grid")
    for p in (event.selection.points if event else []):
        if p.get("customdata") is not None:
            st.session_state["hidden_unit"] = int(p["customdata"])
            return


def unit_activity(net, split, unit, shape, where):
    """Mean a2 of `unit` by digit (drawn in `where`), then its TOP_K training digits below."""
    a2_val = net.forward(split.validation.X).a2
    mean_a2 = mean_activation_per_class(a2_val, split.validation.y)[:, unit]
    charts.show(where, fh.activation_bars(mean_a2, unit), width="stretch", key="hidden_activation")
    a2_train = net.forward(split.train.X).a2
    top = top_activating(a2_train, unit, k=TOP_K)
    st.markdown(f"**The {TOP_K} training digits that switch unit {unit} on most** (label · a2)")
    charts.show(st, fh.top_images(split.train.X, split.train.y, a2_train[:, unit], top, shape),
                width="stretch", key="hidden_top")
