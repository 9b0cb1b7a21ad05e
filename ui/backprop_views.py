"""The Inside page's views: the architecture to check, a gradient check's verdict and table, and
one digit's forward and backward pass (nn_core.backprop_one's result drawn number by number,
every layer of it). Each draws one section."""

import numpy as np
import streamlit as st

from nn_core import ACTIVATIONS, BUGS, MAX_HIDDEN_LAYERS, OUTPUTS, gradient_check, small_problem

from . import charts, formulas, glossary
from . import figs_inside as fi

CORRECT = "correct backprop"
SMALL = (3, 5, 5)  # inputs, units per hidden layer, examples: 80 weights for one hidden layer
LIKE_ACTIVE, CHOOSE = "like the active model", "choose"


def architecture_ui(net):
    """(hidden layers, activation, output) of the small network to check: the active model's
    depth, activation and output, or the user's choice of each."""
    like = (len(net.weights) - 1, net.activation, net.output)
    how = st.radio("Network to check", (LIKE_ACTIVE, CHOOSE), key="inside_arch", horizontal=True,
                   help=glossary.explain("gradient checking", "sigmoid"),
                   format_func=lambda h: f"like the active model ({like[0]} hidden layer"
                   f"{'s' if like[0] > 1 else ''}, {like[1]}, {like[2]} outputs)"
                   if h == LIKE_ACTIVE else "choose depth, activation and output")
    if how == LIKE_ACTIVE:
        return like
    c1, c2, c3 = st.columns(3)
    return (c1.selectbox("Hidden layers", range(1, MAX_HIDDEN_LAYERS + 1), key="inside_depth"),
            c2.selectbox("Hidden activation", list(ACTIVATIONS), key="inside_activation"),
            c3.selectbox("Output layer", list(OUTPUTS), key="inside_output"))


def small_sizes(depth):
    """The small problem's layer sizes (inputs, hidden..., 10)."""
    return (SMALL[0], *(SMALL[1],) * depth, 10)


@st.cache_data(show_spinner=False, max_entries=64)
def check_backprop(bug, lambd, depth=1, activation="sigmoid", output="sigmoid"):
    """The gradient check of the fixed small problem: two cost evaluations a weight, once per
    (bug, λ, architecture)."""
    hidden = SMALL[1] if depth == 1 else (SMALL[1],) * depth
    small_net, small_X, small_y = small_problem(SMALL[0], hidden, SMALL[2], activation=activation,
                                                output=output)
    return gradient_check(small_net, small_X, small_y, lambd, cost_fn=BUGS[bug])


def show_check(where, bug, lambd, arch=(1, "sigmoid", "sigmoid")):
    """The check of one backprop (and of the correct one beside it): verdict, every weight's
    two gradients as a table and as a scatter plot."""
    check, reference = check_backprop(bug, lambd, *arch), check_backprop(CORRECT, lambd, *arch)
    m1, m2 = where.columns(2)
    m1.metric(f"relative difference: {bug}", f"{check.relative_difference:.2e}")
    if bug != CORRECT:
        m2.metric(f"relative difference: {CORRECT}", f"{reference.relative_difference:.2e}",
                  help="the same check on the real backprop, for comparison")
    if check.ok:
        where.success("Backprop agrees with the numerical gradient (below 10⁻⁷): safe to train.")
    else:
        where.error(f"Backprop and the numerical gradient disagree ({check.relative_difference:.1e}, "
                    "far above 10⁻⁷): there is a bug, and training would follow the wrong slope.")
    names = fi.weight_names(small_sizes(arch[0]))
    table, plot = st.columns([2, 3])
    table.dataframe({"weight": names, "backprop": check.analytic, "numerical": check.numerical,
                     "difference": check.analytic - check.numerical},
                    height=360, hide_index=True, key="inside_gradtable",
                    column_config={k: st.column_config.NumberColumn(format="%.6f")
                                   for k in ("backprop", "numerical")}
                    | {"difference": st.column_config.NumberColumn(format="%.1e")})
    charts.show(plot, fi.gradcheck_scatter(check, names, f"Every weight: {bug}"), key="inside_scatter")


def show_forward(b, shape, what, activation="sigmoid"):
    """a1 as the image, z2 and every hidden layer's activations as bars, the output against y."""
    L = len(b.a) - 1  # weight matrices: the output is a_{L+1}
    st.subheader(f"Forward: a1 → z2, a2 → … → a{L + 1}")
    f1, f2, f3 = st.columns([1, 2, 2])
    charts.show(f1, charts.digit_image(b.a1, shape, title="a1 (the pixels)", height=230),
                key="inside_a1")
    f1.caption(what)
    charts.show(f2, fi.vector_bars(b.z2, "z2 = W1 [1; a1]", "hidden unit j", "z2", height=150),
                key="inside_z2")
    for k in range(2, L + 1):  # every hidden layer a2 ... aL
        charts.show(f2, fi.vector_bars(b.a[k - 1], f"a{k} = {activation}(z{k})",
                                       f"unit of hidden layer {k - 1}", f"a{k}",
                                       yrange=fi.RANGES.get(activation), height=150),
                    key=f"inside_a{k}")
    charts.show(f3, fi.outputs_vs_target(b.output, b.y, f"a{L + 1}"), key=f"inside_a{L + 1}")
    f3.caption(f"The network says {b.prediction}; the cost of this one example is J = {b.J:.3f}.")


def show_deltas(b, j, activation="sigmoid"):
    """Every layer's error as bars, from the output's back to the first hidden layer's."""
    L = len(b.a) - 1
    slope = formulas.SLOPES[activation].replace("{a}", "a{k}").replace("^2", "²")
    cols = st.columns(min(L, 2))
    for i, k in enumerate(range(L + 1, 1, -1)):  # delta_{L+1} (the output's) ... delta2
        d = b.deltas[k - 2]
        if k == L + 1:
            fig = fi.vector_bars(d, f"delta{k} = a{k} − y", "digit (output unit)", f"delta{k}")
        else:
            title = f"delta{k} = (W{k}ᵀ delta{k + 1}) ⊙ {slope.format(k=k)}"
            fig = fi.vector_bars(d, title, f"unit of hidden layer {k - 1}", f"delta{k}",
                                 highlight=j if k == 2 else None)
        charts.show(cols[i % len(cols)], fig, key=f"inside_delta{k}")
    st.caption(f"The unit with the largest error |delta2| for this digit is unit "
               f"{b.largest_error_unit}; the red bar is the unit you follow (j = {j}).")


def show_backward(b, j, shape, activation="sigmoid"):
    """Every layer's delta as bars, then first-layer unit j's gradient as an image and its delta2
    worked out."""
    show_deltas(b, j, activation)
    img, numbers = st.columns([2, 3])
    charts.show(img, fi.gradient_image(b.unit_gradient(j), shape,
                                       f"dJ/dW1[{j}, 1:] = delta2_{j} × a1"), key="inside_grad")
    with numbers:
        for line in formulas.unit_delta2(j, b.back[j], b.slope[j], b.delta2[j], activation,
                                         deep=len(b.a) > 3):
            st.latex(line)
        st.latex(formulas.unit_gradient(j, b.delta2[j]))
        n1, n2, n3 = st.columns(3)
        n1.metric(f"a2 of unit {j}", f"{b.a2[j]:.3f}")
        n2.metric(f"{activation} slope g′(z2)", f"{b.slope[j]:.3f}")
        n3.metric(f"delta2 of unit {j}", f"{b.delta2[j]:+.5f}")
        st.write(
            "Each pixel of the image is that pixel's value in a1 times delta2: only inked pixels get "
            "a gradient. Training moves W1 against the gradient (W1 ← W1 − step × gradient): where it "
            f"is red, unit {j}'s weights go down, so next time this digit excites the unit less; "
            "where it is blue, they go up. A unit on a flat part of its activation (a sigmoid near "
            "0 or 1, a relu that is off) has a tiny slope and barely learns from this example."
        )


def drawing_for(net):
    """The Draw page's current drawing as a vector of net's inputs, or None (none, or another size)."""
    drawing = st.session_state.get("draw_vector")
    if drawing is None or np.size(drawing) != net.n_inputs:
        return None
    return np.asarray(drawing, dtype=float).ravel()
