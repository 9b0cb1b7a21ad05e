"""The Inside page's views: a gradient check's verdict and table, and one digit's forward and
backward pass (nn_core.backprop_one's result drawn number by number). Each draws one section."""

import numpy as np
import streamlit as st

from nn_core import BUGS, gradient_check, small_problem

from . import charts, formulas
from . import figs_inside as fi

CORRECT = "correct backprop"
SMALL = (3, 5, 5)  # inputs, hidden units, examples: 80 weights to nudge one at a time


@st.cache_data(show_spinner=False, max_entries=32)  # 5 bugs x 4 lambdas fit
def check_backprop(bug, lambd):
    """The gradient check of the fixed small problem: 160 cost evaluations, once per (bug, λ)."""
    small_net, small_X, small_y = small_problem(*SMALL)
    return gradient_check(small_net, small_X, small_y, lambd, cost_fn=BUGS[bug])


def show_check(where, bug, lambd):
    """The check of one backprop (and of the correct one beside it): verdict, every weight's
    two gradients as a table and as a scatter plot."""
    check, reference = check_backprop(bug, lambd), check_backprop(CORRECT, lambd)
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
    names = fi.weight_names(*SMALL[:2])
    table, plot = st.columns([2, 3])
    table.dataframe({"weight": names, "backprop": check.analytic, "numerical": check.numerical,
                     "difference": check.analytic - check.numerical},
                    height=360, hide_index=True, key="inside_gradtable",
                    column_config={k: st.column_config.NumberColumn(format="%.6f")
                                   for k in ("backprop", "numerical")}
                    | {"difference": st.column_config.NumberColumn(format="%.1e")})
    charts.show(plot, fi.gradcheck_scatter(check, names, f"Every weight: {bug}"), key="inside_scatter")


def show_forward(b, shape, what):
    """a1 as the image, z2 and a2 as bars, a3 against the target y."""
    st.subheader("Forward: a1 → z2, a2 → a3")
    f1, f2, f3 = st.columns([1, 2, 2])
    charts.show(f1, charts.digit_image(b.a1, shape, title="a1 (the pixels)", height=230),
                key="inside_a1")
    f1.caption(what)
    charts.show(f2, fi.vector_bars(b.z2, "z2 = W1 [1; a1]", "hidden unit j", "z2", height=150),
                key="inside_z2")
    charts.show(f2, fi.vector_bars(b.a2, "a2 = sigmoid(z2)", "hidden unit j", "a2", yrange=[0, 1],
                                   height=150), key="inside_a2")
    charts.show(f3, fi.outputs_vs_target(b.a3, b.y), key="inside_a3")
    f3.caption(f"The network says {b.prediction}; the cost of this one example is J = {b.J:.3f}.")


def show_backward(b, j, shape):
    """delta3 and delta2 as bars, then hidden unit j's gradient as an image and its delta2 worked out."""
    g1, g2 = st.columns(2)
    charts.show(g1, fi.vector_bars(b.delta3, "delta3 = a3 − y", "digit (output unit)", "delta3"),
                key="inside_delta3")
    charts.show(g2, fi.vector_bars(b.delta2, "delta2 = (W2ᵀ delta3) ⊙ a2(1 − a2)", "hidden unit j",
                                   "delta2", highlight=j), key="inside_delta2")
    st.caption(f"The unit with the largest error |delta2| for this digit is unit "
               f"{b.largest_error_unit}; the red bar is the unit you follow (j = {j}).")
    img, numbers = st.columns([2, 3])
    charts.show(img, fi.gradient_image(b.unit_gradient(j), shape,
                                       f"dJ/dW1[{j}, 1:] = delta2_{j} × a1"), key="inside_grad")
    with numbers:
        for line in formulas.unit_delta2(j, b.back[j], b.slope[j], b.delta2[j]):
            st.latex(line)
        st.latex(formulas.unit_gradient(j, b.delta2[j]))
        n1, n2, n3 = st.columns(3)
        n1.metric(f"a2 of unit {j}", f"{b.a2[j]:.3f}")
        n2.metric("sigmoid slope a2(1 − a2)", f"{b.slope[j]:.3f}")
        n3.metric(f"delta2 of unit {j}", f"{b.delta2[j]:+.5f}")
        st.write(
            "Each pixel of the image is that pixel's value in a1 times delta2: only inked pixels get "
            "a gradient. Training moves W1 against the gradient (W1 ← W1 − step × gradient): where it "
            f"is red, unit {j}'s weights go down, so next time this digit excites the unit less; "
            "where it is blue, they go up. A unit that is sure (a2 near 0 or 1) has a tiny slope "
            "a2(1 − a2) and barely learns from this example."
        )


def drawing_for(net):
    """The Draw page's current drawing as a vector of net's inputs, or None (none, or another size)."""
    drawing = st.session_state.get("draw_vector")
    if drawing is None or np.size(drawing) != net.n_inputs:
        return None
    return np.asarray(drawing, dtype=float).ravel()
