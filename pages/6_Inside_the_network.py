"""Inside the network: check backprop against brute force, then follow one digit through it."""

import streamlit as st

from nn_core import BUG_EXPLANATIONS, BUGS, backprop_one, cost_terms, one_hot
from ui import backprop_views as bv
from ui import charts, formulas, nav, state
from ui import figs_inside as fi

st.set_page_config(page_title="Inside the network", page_icon="🔬", layout="wide")
nav.sidebar()
st.title("Inside the network: check the maths, then watch backprop")
st.write(
    "Training only works if backprop gives the right slope of the cost J for every weight. "
    "First we check it the slow, sure way, nudging each weight and watching J, and see what a "
    "wrong backprop looks like. Then we follow one digit forward through the network and its "
    "error backward, number by number."
)
run = state.active_run()
net = run.network

# --- 1 · gradient checking ----------------------------------------------------------------
st.header("1 · Check the maths (gradient checking)")
arch = bv.architecture_ui(net)
sizes = bv.small_sizes(arch[0])
with st.expander("The maths, for this network"):
    for formula in (*formulas.for_network_shape(*arch), formulas.GRADIENT_CHECK):
        st.latex(formula)
st.write(f"A small network ({'-'.join(map(str, sizes))}: {sizes[0]} inputs, "
         f"{' and '.join(map(str, sizes[1:-1]))} {arch[1]} hidden units, 10 {arch[2]} outputs; "
         f"5 examples, fixed weights), so that all {len(fi.weight_names(sizes))} weights can be "
         "nudged by ε = 10⁻⁴ one at a time.")
controls, results = st.columns([1, 2])
bug = controls.radio("Which backprop to check", list(BUGS), key="inside_bug")
lambd = controls.select_slider("λ for the check", [0.0, 1.0, 3.0, 10.0], value=1.0,
                               key="inside_check_lambd")
controls.caption(BUG_EXPLANATIONS[bug])
bv.show_check(results, bug, lambd, arch)

try:
    split = state.get_split(run.settings.dataset)
except Exception:  # the data this model was trained on is no longer in the session
    split = None
if split is None or split.train.n_inputs != net.n_inputs:
    st.info(f"The active model ({run.label}) has no matching training data here. Make a model "
            "active on the Train page to see its cost and its backprop.")
    st.stop()

st.subheader("The active model's cost, in two parts")
data, reg = cost_terms(net, split.train.X, one_hot(split.train.y), run.settings.lambd)
c1, c2, c3, c4 = st.columns([1, 1, 1, 3])
c1.metric("data term", f"{data:.4f}", help="cross-entropy: how wrong the outputs are")
c2.metric("regularization term", f"{reg:.4f}", help="λ/2m × sum of squared weights, biases excluded")
c3.metric("J", f"{data + reg:.4f}")
charts.show(c4, fi.cost_split(data, reg, run.settings.lambd), key="inside_costsplit")
st.caption(f"{run.label}, on its {len(split.train):,} training digits at its own λ = "
           f"{run.settings.lambd:g}. A large λ makes the penalty a big share of J: the wizard is "
           "told to keep his weights small rather than fit every example.")

# --- 2 · backprop on one digit ------------------------------------------------------------
st.header("2 · Backprop on one digit")
drawing = bv.drawing_for(net)
sources = ["a training example"] + (["my drawing (from the Draw page)"] if drawing is not None else [])
source = st.radio("Follow", sources, key="inside_source", horizontal=True)
if len(sources) == 1:
    st.caption("Draw a digit on the Draw and predict page and it appears here as a second choice.")
if source == "a training example":
    idx = int(st.number_input(f"Training example (0 to {len(split.train) - 1})", 0,
                              len(split.train) - 1, 0, key="inside_index"))
    x, label = split.train.X[idx], int(split.train.y[idx])
    what = f"training example #{idx}, a {label}"
else:
    x = drawing
    label = int(st.selectbox("Which digit did you draw? (the target y)", range(10),
                             index=int(net.predict(x)[0]), key="inside_draw_label"))
    what = f"your drawing, a {label}"
b = backprop_one(net, x, label)
bv.show_forward(b, split.train.image_shape, what, net.activation)

st.subheader(f"Backward: {' → '.join(f'delta{k}' for k in range(len(net.weights) + 1, 1, -1))} "
             "→ the gradient")
j = 0  # a slider needs two ends: a one-unit network has only unit 0 to follow
if net.layer_sizes[1] > 1:
    j = int(st.slider("Hidden unit j to follow (first hidden layer)", 0, net.layer_sizes[1] - 1,
                      b.largest_error_unit, key="inside_unit"))
bv.show_backward(b, j, split.train.image_shape, net.activation)

st.info(
    "**Experiment to try:** choose *regularize the bias too* and set λ to 0: the check passes, "
    "because with no penalty the bug does nothing. Raise λ and watch it appear. Then, in part 2, "
    "find a training example the network gets wrong: its delta3 bars are large, and so is its gradient."
)
