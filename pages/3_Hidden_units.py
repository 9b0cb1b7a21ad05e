"""Hidden units: what each of the wizard's hidden units looks for, and how it votes."""

import streamlit as st

from ui import charts, nav, state
from ui import figs_hidden as fh
from ui import hidden_views as views

st.set_page_config(page_title="Hidden units", page_icon="🧩", layout="wide")
nav.sidebar()
st.title("Hidden units: what the wizard looks for")
st.write(
    "Each hidden unit adds up the pixels of a digit, each pixel times its own weight in W1, and "
    "switches on when the sum is large. Drawing a unit's weights as a picture shows the pattern it "
    "looks for: **red pixels push the unit on, blue pixels push it off**. A unit often looks for a "
    "stroke in one place or a loop, and then votes (W2) for the digits that have it."
)

run = state.active_run()
net = run.network
W1, name = net.W1, run.settings.dataset
split, shape = views.model_data(run)
st.caption(f"Active model: {run.label} · {'-'.join(map(str, net.layer_sizes))} "
           f"({net.activation} hidden units, {net.output} outputs), images {shape[0]}×{shape[1]}. "
           "Train another model on the Train page and this page shows its units.")

layer = views.layer_picker(net)
h = net.layer_sizes[layer]
if st.session_state.get("hidden_unit") not in range(h):
    st.session_state["hidden_unit"] = 0

# --- layer 1: every row of W1 as an image ------------------------------------------------------
if layer == 1:
    ranges = fh.pages(h)
    first, stop = ranges[0]
    if len(ranges) > 1:
        first, stop = st.selectbox("Units shown in the grid", ranges, key="hidden_page",
                                   format_func=lambda r: f"units {r[0]}–{r[1] - 1} of {h}")
    limit = fh.weight_limit(W1)  # one scale for all units, centred on 0
    grid_col, unit_col = st.columns([3, 2])
    with grid_col:
        st.subheader(f"The {h} hidden units' weights (rows of W1)")
        grid = fh.weight_mosaic(W1, shape, list(range(first, stop)), limit,
                                selected=st.session_state["hidden_unit"])
        charts.show(st, grid, width="stretch", on_select=views.on_grid_click,
                    selection_mode="points", key="hidden_grid")
        st.caption(f"Showing units {first}–{stop - 1}. Click an image to look at that unit. "
                   f"Colour scale ±{limit:.2f}, the same for every unit, white = 0.")
    with unit_col:
        unit = st.selectbox("Hidden unit", list(range(h)), key="hidden_unit")
        charts.show(st, fh.weight_image(W1[unit, 1:], shape, limit, unit), width="stretch",
                    key="hidden_weight_image")
        st.caption(f"Bias W1[{unit}, 0] = {W1[unit, 0]:.3f}: the unit's starting push before "
                   "any pixel counts (negative = it needs more ink to switch on).")
else:
    st.write(f"The units of layer {layer} look at the {net.layer_sizes[layer - 1]} units of "
             f"layer {layer - 1}, not at pixels, so they have no picture: each is known by what "
             "it responds to, its mean activation for each digit.")
    unit = st.selectbox("Hidden unit", list(range(h)), key="hidden_unit")

# --- all units at once, then the selected unit ---------------------------------------------------
means = None if split is None else views.layer_means(net, split, layer)
if means is not None:
    views.overview(net, means, layer, unit)

st.subheader(f"Unit {unit}: how it votes, when it switches on, what excites it")
c1, c2 = st.columns(2)
views.unit_votes(net, layer, unit, c1)
if split is None:
    c2.info(f"The data set this model was trained on ({name}) is not loaded, so its "
            "activations cannot be shown. Load it again in the Data explorer.")
else:
    views.unit_activity(net, split, means, layer, unit, shape, c2)

if layer == len(net.weights) - 1:
    charts.show(st, fh.w2_heatmap(net.weights[-1], unit, f"W{layer + 1}"), width="stretch",
                key="hidden_w2")
    st.caption("Each column is one hidden unit's votes: red = it says 'this digit!', blue = 'not "
               "this one'. The framed column is the selected unit.")

with st.expander("The maths"):
    views.maths(net, layer)

st.info("**Experiment to try:** on the Train page train with λ = 0 and then with λ = 10 (same "
        "seed), and come back here after each: which weight pictures look more like strokes?")
