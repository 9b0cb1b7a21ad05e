"""The Draw page's views of one drawing: the answer, how the drawing became the input, every
hidden layer's activations and which units voted, and which pixels decided (saliency), plus the
page's maths and the test digit shown beside the drawing. Each draws one section of the page.

In any network of L weight matrices the output is a_{L+1} and its score z_{L+1} (a3 and z3 in
the tutorial's): names() gives the two, and the page's words follow the active model.
"""

import numpy as np
import streamlit as st

from nn_core import contrast, contributions, saliency

from . import charts, formulas, glossary
from . import figs_draw as fd


def names(net):
    """(score, output) names of the last layer: ("z3", "a3") for one hidden layer."""
    L = len(net.weights)
    return f"z{L + 1}", f"a{L + 1}"


def maths(net):
    """The expander's formulas, for the active model's depth, activation and output."""
    n, (z, a) = len(net.weights) - 1, names(net)
    st.latex(formulas.prediction(n, net.activation, net.output))
    glossary.markdown(st, f"Saliency: how much each pixel of a1 moves digit d's score {z}_d (backprop down "
                          f"to "
             f"the pixels instead of the weights). We use {z}, not {a}: {a}'s gradient carries "
             f"the {net.output}'s slope, which is almost 0 whenever the network is sure.")
    st.latex(formulas.saliency(n, net.activation))


def answer(label, digit):
    """The predicted digit, large, under a small label."""
    st.markdown(f"{label}<div class='draw-answer' style='font-size:5.5rem;font-weight:700;"
                f"line-height:1.1'>{digit}</div>", unsafe_allow_html=True)


def bars(p, title, key, net):
    """The output layer as bars, named for the model's output function (sigmoid or softmax)."""
    fig = charts.probability_bars(p, title=title)
    fig.update_xaxes(type="category")  # a tick for every digit, even in a narrow column
    fig.update_yaxes(title=f"output {names(net)[1]} ({net.output})")
    charts.show(st, fig, key=key)


def your_answer(net, x, shape):
    """The answer for the drawing x, its runner-up, the image the network saw and the output
    bars; returns (the outputs p, the predicted digit)."""
    p = net.predict_proba(x)[0]
    pred, runner_up = (int(d) for d in np.argsort(-p, kind="stable")[:2])  # ties: argmax first
    answer("The network says", pred)
    glossary.caption(st, f"{names(net)[1]} = {p[pred]:.2f} for {pred}; the runner-up is "
               f"{runner_up} with {p[runner_up]:.2f}")
    charts.show(st, charts.digit_image(x, shape, height=170), key="draw_seen")
    bars(p, "Your drawing", "draw_probs", net)
    return p, pred


def test_digit(net, split, shape):
    """A digit from the test set beside the drawing, with the model's answer for it.

    It stands here from the start: it shows what a digit the network studied looks like, and the
    browser has loaded the chart code before the first drawing, so the answer to that drawing is
    not kept waiting for it. Seeded: the same sequence everywhere."""
    if split is None or not len(split.test) or split.test.X.shape[1] != net.n_inputs:
        glossary.caption(st, "The data this model was trained on has no test digits in this session (not "
                   "loaded, or too few digits to set some aside), so none is shown next to yours.")
        return
    i = int(np.random.default_rng(st.session_state.get("draw_test_n", 0)).integers(len(split.test)))
    tx, ty = split.test.X[i], int(split.test.y[i])
    tp = net.predict_proba(tx)[0]
    answer(f"Test digit #{i}, labelled {ty}, is read as", int(np.argmax(tp)))
    charts.show(st, charts.digit_image(tx, shape, height=170), key="draw_test_img")
    bars(tp, f"Test digit (a real {ty})", "draw_test_probs", net)


def show_steps(net, steps, shape):
    st.subheader(f"How your drawing became {net.n_inputs} numbers")
    frame, box = steps.centred.shape[0], 32 if shape == (8, 8) else 20
    titles = ["1 · your drawing", "2 · cropped to the ink", f"3 · fitted to {box} px",
              f"4 · centred in {frame}×{frame}", f"5 · input {shape[0]}×{shape[1]}"]
    images = (steps.grey, steps.cropped, steps.scaled, steps.centred, steps.image)
    for i, (col, img, title) in enumerate(zip(st.columns(5), images, titles, strict=True)):
        small, k = fd.thumbnail(img)  # shown in k x k blocks
        charts.show(col, charts.digit_image(small, small.shape, title=title, height=210),
                         key=f"draw_step{i}")
        glossary.caption(col, f"{img.shape[0]}×{img.shape[1]} pixels"
                    + (f", shown in {k}×{k} blocks" if k > 1 else ""))
    glossary.caption(st, "Like MNIST: crop, fit the longer side into a box keeping the shape, move the "
               "centre of mass to the middle, then shrink as the data set was shrunk (8×8: block averages).")


def show_hidden(net, x, pred, shape):
    """One activation chart per hidden layer; the last coloured by each unit's vote for pred."""
    st.subheader("Inside the network: which hidden units voted",
                 help=glossary.explain("hidden unit", "hidden layer", "a2", "W2"))
    act, L = net.forward(x), len(net.weights)
    for layer in range(1, L - 1):  # the earlier hidden layers of a deeper network
        charts.show(st, fd.layer_bars(act.a[layer][0], f"a{layer + 1}", net.activation),
                    key=f"draw_layer{layer}")
    votes = contributions(net, x, pred)  # the last hidden layer's terms of the score for pred
    charts.show(st, fd.hidden_votes(act.a[L - 1][0], votes, pred, f"a{L}", f"W{L}",
                                    net.activation), key="draw_hidden")
    top = np.argsort(votes)[::-1][:5]
    if L > 2:
        glossary.caption(st, f"Only the last hidden layer (a{L}) votes for the digits directly, through "
                   f"W{L}; the layers before it pass their units on to the next layer. Its "
                   f"strongest voters for {pred}: units {', '.join(map(str, top))}. What each "
                   "unit responds to is on the Hidden units page.")
        return
    # Two short lines a tile: on a phone's narrow tiles one long line ran into its neighbours.
    titles = [f"unit {j}<br>vote {votes[j]:+.1f}" for j in top]
    W = net.W1[top, 1:]  # charts.weight_grid's picture, with room for two title lines
    limit = float(np.abs(W).max()) or 1.0
    charts.show(st, charts.image_grid(W, shape, cols=5, titles=titles, zmin=-limit, zmax=limit,
                                      colorscale=charts.DIVERGING, showscale=True,
                                      value_name="weight", px_per_row=180, title_lines=2),
                key="draw_top_units")
    glossary.caption(st, f"The five units that pushed hardest for {pred}, as the pattern each one looks for "
               "(its row of W1: red pixels excite the unit, blue ones inhibit it).")


def show_saliency(net, x, p, pred, shape):
    st.subheader("Saliency: which pixels made it say so",
                 help=glossary.explain("saliency", "∂z3/∂a1", "z3", "a3"))
    z, a = names(net)
    others = [int(d) for d in np.argsort(p)[::-1] if d != pred]
    # Each stroke changes the options (their order and a3), but a keyed selectbox keeps showing the
    # label it had: a new drawing starts again from its runner-up, as the label below does.
    if st.session_state.get("draw_other_for") != hash(x.tobytes()):
        st.session_state.update(draw_other=others[0], draw_other_for=hash(x.tobytes()))
    c1, c2 = st.columns([2, 3])
    other = c1.selectbox("Compare with digit", others, key="draw_other",
                         format_func=lambda d: f"{d} ({a} = {p[d]:.2f})")
    # nn_core's saliency calls the last layer's score and output "z3" and "a3" at any depth.
    out = c2.radio("Gradient of", ("z3", "a3"), horizontal=True, key="draw_saliency_of",
                   format_func={"z3": f"the score {z} (before the last {net.output})",
                                "a3": f"the output {a}"}.get,
                   help=f"{a}'s gradient is {z}'s times the {net.output}'s slope: nearly blank "
                        "when the network is sure, although the same pixels decide.")
    shown = {"z3": z, "a3": a}[out]
    maps = ((saliency(net, x, pred, out), f"∂{shown}[{pred}]/∂a1: for {pred}"),
            (saliency(net, x, other, out), f"∂{shown}[{other}]/∂a1: for {other}"),
            (contrast(net, x, pred, other, out), f"{pred} and not {other}"))
    for i, (col, (grad, title)) in enumerate(zip(st.columns(3), maps, strict=True)):
        charts.show(col, fd.saliency_map(grad, x, shape, title), key=f"draw_saliency{i}")
    glossary.caption(st, f"Each map is ∂{shown}/∂a1 for one digit. Red: more ink there would raise {shown}; "
               f"blue: ink there lowers it. The black "
               f"line is your drawing's outline. The right map shows which pixels made it say "
               f"{pred} and not {other}.")
