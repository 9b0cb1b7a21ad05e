"""Inside the network: check backprop against brute force, then follow one digit through it."""

import numpy as np
import streamlit as st

from nn_core import (
    BUG_EXPLANATIONS,
    BUGS,
    backprop_one,
    cost_terms,
    gradient_check,
    one_hot,
    small_problem,
)
from ui import charts, nav, state
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
with st.expander("The maths"):
    st.latex(r"z_2 = W_1 [1; a_1],\quad a_2 = \mathrm{sigmoid}(z_2),\quad "
             r"z_3 = W_2 [1; a_2],\quad a_3 = \mathrm{sigmoid}(z_3)")
    st.latex(r"J = -\frac{1}{m}\sum_{i,k}\left[y_k \log a_{3,k} + (1-y_k)\log(1-a_{3,k})\right]"
             r" + \frac{\lambda}{2m}\left(\sum W_1[:,1{:}]^2 + \sum W_2[:,1{:}]^2\right)")
    st.latex(r"\delta_3 = a_3 - y,\qquad \delta_2 = \left(W_2[:,1{:}]^T \delta_3\right) \odot a_2(1-a_2)")
    st.latex(r"\frac{\partial J}{\partial W_2} = \frac{1}{m}\sum \delta_3 [1; a_2]^T + \frac{\lambda}{m}W_2,"
             r"\qquad \frac{\partial J}{\partial W_1} = \frac{1}{m}\sum \delta_2 [1; a_1]^T"
             r" + \frac{\lambda}{m}W_1 \quad(\text{no }\lambda\text{ on the bias column})")
    st.latex(r"\text{numerical}_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}"
             r"{2\varepsilon},\qquad \text{relative difference} = "
             r"\frac{\lVert \text{num} - \text{backprop} \rVert}{\lVert \text{num} + \text{backprop} \rVert}")


@st.cache_data(show_spinner=False, max_entries=32)  # 5 bugs x 4 lambdas fit
def check_backprop(bug, lambd):
    """The gradient check of the fixed small problem: 160 cost evaluations, once per (bug, λ)."""
    small_net, small_X, small_y = small_problem(3, 5, 5)
    return gradient_check(small_net, small_X, small_y, lambd, cost_fn=BUGS[bug])


# --- 1 · gradient checking ----------------------------------------------------------------
st.header("1 · Check the maths (gradient checking)")
st.write("A small network (3 inputs, 5 hidden units, 10 outputs, 5 examples, fixed weights), so "
         "that all 80 weights can be nudged by ε = 10⁻⁴ one at a time.")
controls, results = st.columns([1, 2])
bug = controls.radio("Which backprop to check", list(BUGS), key="inside_bug")
lambd = controls.select_slider("λ for the check", [0.0, 1.0, 3.0, 10.0], value=1.0,
                               key="inside_check_lambd")
controls.caption(BUG_EXPLANATIONS[bug])
check = check_backprop(bug, lambd)
reference = check_backprop("correct backprop", lambd)
m1, m2 = results.columns(2)
m1.metric(f"relative difference: {bug}", f"{check.relative_difference:.2e}")
if bug != "correct backprop":
    m2.metric("relative difference: correct backprop", f"{reference.relative_difference:.2e}",
              help="the same check on the real backprop, for comparison")
if check.ok:
    results.success("Backprop agrees with the numerical gradient (below 10⁻⁷): safe to train.")
else:
    results.error(f"Backprop and the numerical gradient disagree ({check.relative_difference:.1e}, "
                  "far above 10⁻⁷): there is a bug, and training would follow the wrong slope.")
names = fi.weight_names(3, 5)
table, plot = st.columns([2, 3])
table.dataframe({"weight": names, "backprop": check.analytic, "numerical": check.numerical,
                 "difference": check.analytic - check.numerical},
                height=360, hide_index=True, key="inside_gradtable",
                column_config={k: st.column_config.NumberColumn(format="%.6f")
                               for k in ("backprop", "numerical")}
                | {"difference": st.column_config.NumberColumn(format="%.1e")})
charts.show(plot, fi.gradcheck_scatter(check, names, f"Every weight: {bug}"), key="inside_scatter")

run = state.active_run()
net = run.network
try:
    split = state.get_split(run.settings.dataset)
except Exception:  # the data this model was trained on is no longer in the session
    split = None
if split is None or split.train.n_inputs != net.n_inputs:
    st.info(f"The active model ({run.label}) has no matching training data here. Make a model "
            "active on the Train page to see its cost and its backprop.")
    st.stop()

st.subheader("The active model's cost, in two parts")
data, reg = cost_terms(net.W1, net.W2, split.train.X, one_hot(split.train.y), run.settings.lambd)
c1, c2, c3, c4 = st.columns([1, 1, 1, 3])
c1.metric("data term", f"{data:.4f}", help="cross-entropy: how wrong the outputs a3 are")
c2.metric("regularization term", f"{reg:.4f}", help="λ/2m × sum of squared weights, biases excluded")
c3.metric("J", f"{data + reg:.4f}")
charts.show(c4, fi.cost_split(data, reg, run.settings.lambd), key="inside_costsplit")
st.caption(f"{run.label}, on its {len(split.train):,} training digits at its own λ = "
           f"{run.settings.lambd:g}. A large λ makes the penalty a big share of J: the wizard is "
           "told to keep his weights small rather than fit every example.")

# --- 2 · backprop on one digit ------------------------------------------------------------
st.header("2 · Backprop on one digit")
shape = split.train.image_shape
drawing = st.session_state.get("draw_vector")
sources = ["a training example"]
if drawing is not None and np.size(drawing) == net.n_inputs:
    sources.append("my drawing (from the Draw page)")
source = st.radio("Follow", sources, key="inside_source", horizontal=True)
if len(sources) == 1:
    st.caption("Draw a digit on the Draw and predict page and it appears here as a second choice.")
if source == "a training example":
    idx = int(st.number_input(f"Training example (0 to {len(split.train) - 1})", 0,
                              len(split.train) - 1, 0, key="inside_index"))
    x, label = split.train.X[idx], int(split.train.y[idx])
    what = f"training example #{idx}, a {label}"
else:
    x = np.asarray(drawing, dtype=float).ravel()
    guess = int(net.predict(x)[0])
    label = int(st.selectbox("Which digit did you draw? (the target y)", range(10), index=guess,
                             key="inside_draw_label"))
    what = f"your drawing, a {label}"
b = backprop_one(net, x, label)

st.subheader("Forward: a1 → z2, a2 → a3")
f1, f2, f3 = st.columns([1, 2, 2])
charts.show(f1, charts.digit_image(b.a1, shape, title="a1 (the pixels)", height=230), key="inside_a1")
f1.caption(what)
charts.show(f2, fi.vector_bars(b.z2, "z2 = W1 [1; a1]", "hidden unit j", "z2", height=150),
                key="inside_z2")
charts.show(f2, fi.vector_bars(b.a2, "a2 = sigmoid(z2)", "hidden unit j", "a2", yrange=[0, 1],
                               height=150), key="inside_a2")
charts.show(f3, fi.outputs_vs_target(b.a3, b.y), key="inside_a3")
f3.caption(f"The network says {int(np.argmax(b.a3))}; the cost of this one example is J = {b.J:.3f}.")

st.subheader("Backward: delta3 → delta2 → the gradient")
if net.hidden_size > 1:  # a slider needs two ends: a one-unit network has only unit 0 to follow
    j = int(st.slider("Hidden unit j to follow", 0, net.hidden_size - 1,
                      int(np.argmax(np.abs(b.delta2))), key="inside_unit"))
else:
    j = 0
g1, g2 = st.columns(2)
charts.show(g1, fi.vector_bars(b.delta3, "delta3 = a3 − y", "digit (output unit)", "delta3"),
                key="inside_delta3")
charts.show(g2, fi.vector_bars(b.delta2, "delta2 = (W2ᵀ delta3) ⊙ a2(1 − a2)", "hidden unit j",
                               "delta2", highlight=j), key="inside_delta2")
st.caption(f"The unit with the largest error |delta2| for this digit is unit "
           f"{int(np.argmax(np.abs(b.delta2)))}; the red bar is the unit you follow (j = {j}).")

img, numbers = st.columns([2, 3])
charts.show(img, fi.gradient_image(b.unit_gradient(j), shape, f"dJ/dW1[{j}, 1:] = delta2_{j} × a1"),
                 key="inside_grad")
back = float(net.W2[:, j + 1] @ b.delta3)
slope = float(b.a2[j] * (1 - b.a2[j]))
with numbers:
    st.latex(rf"\delta_{{2,{j}}} = \Big(\textstyle\sum_d W_2[d, {j + 1}]\,\delta_{{3,d}}\Big)"
             rf"\; a_{{2,{j}}}(1-a_{{2,{j}}})")
    st.latex(rf"= ({back:.4f}) \times {slope:.4f} = {b.delta2[j]:.5f}")
    st.latex(rf"\frac{{\partial J}}{{\partial W_1[{j}, 1{{:}}]}} = \delta_{{2,{j}}}\; a_1"
             rf"\qquad \frac{{\partial J}}{{\partial W_1[{j}, 0]}} = \delta_{{2,{j}}} = {b.delta2[j]:.5f}")
    n1, n2, n3 = st.columns(3)
    n1.metric(f"a2 of unit {j}", f"{b.a2[j]:.3f}")
    n2.metric("sigmoid slope a2(1 − a2)", f"{slope:.3f}")
    n3.metric(f"delta2 of unit {j}", f"{b.delta2[j]:+.5f}")
    st.write(
        "Each pixel of the image is that pixel's value in a1 times delta2: only inked pixels get a "
        "gradient. Training moves W1 against the gradient (W1 ← W1 − step × gradient): where it is "
        f"red, unit {j}'s weights go down, so next time this digit excites the unit less; where it "
        "is blue, they go up. A unit that is sure (a2 near 0 or 1) has a tiny slope a2(1 − a2) and "
        "barely learns from this example."
    )

st.info(
    "**Experiment to try:** choose *regularize the bias too* and set λ to 0: the check passes, "
    "because with no penalty the bug does nothing. Raise λ and watch it appear. Then, in part 2, "
    "find a training example the network gets wrong: its delta3 bars are large, and so is its gradient."
)
