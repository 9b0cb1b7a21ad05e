"""The Draw page's views of one drawing: the answer, how the drawing became the input, which
hidden units voted, and which pixels decided (saliency). Each draws one section of the page."""

import numpy as np
import streamlit as st

from nn_core import contrast, contributions, saliency

from . import charts, glossary
from . import figs_draw as fd


def answer(label, digit):
    """The predicted digit, large, under a small label."""
    st.markdown(f"{label}<div class='draw-answer' style='font-size:5.5rem;font-weight:700;"
                f"line-height:1.1'>{digit}</div>", unsafe_allow_html=True)


def bars(p, title, key):
    fig = charts.probability_bars(p, title=title)
    fig.update_xaxes(type="category")  # a tick for every digit, even in a narrow column
    charts.show(st, fig, key=key)


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
        col.caption(f"{img.shape[0]}×{img.shape[1]} pixels"
                    + (f", shown in {k}×{k} blocks" if k > 1 else ""))
    st.caption("Like MNIST: crop, fit the longer side into a box keeping the shape, move the centre "
               "of mass to the middle, then shrink as the data set was shrunk (8×8: block averages).")


def show_hidden(net, x, pred, shape):
    st.subheader("Inside the network: which hidden units voted")
    a2 = net.forward(x).a2[0]
    votes = contributions(net, x, pred)
    charts.show(st, fd.hidden_votes(a2, votes, pred), key="draw_hidden")
    top = np.argsort(votes)[::-1][:5]
    # Two short lines a tile: on a phone's narrow tiles one long line ran into its neighbours.
    titles = [f"unit {j}<br>vote {votes[j]:+.1f}" for j in top]
    W = net.W1[top, 1:]  # charts.weight_grid's picture, with room for two title lines
    limit = float(np.abs(W).max()) or 1.0
    charts.show(st, charts.image_grid(W, shape, cols=5, titles=titles, zmin=-limit, zmax=limit,
                                      colorscale=charts.DIVERGING, showscale=True,
                                      value_name="weight", px_per_row=180, title_lines=2),
                key="draw_top_units")
    st.caption(f"The five units that pushed hardest for {pred}, as the pattern each one looks for "
               "(its row of W1: red pixels excite the unit, blue ones inhibit it).")


def show_saliency(net, x, p, pred, shape):
    st.subheader("Saliency: which pixels made it say so",
                 help=glossary.explain("saliency", "∂z3/∂a1", "z3", "a3"))
    others = [int(d) for d in np.argsort(p)[::-1] if d != pred]
    # Each stroke changes the options (their order and a3), but a keyed selectbox keeps showing the
    # label it had: a new drawing starts again from its runner-up, as the label below does.
    if st.session_state.get("draw_other_for") != hash(x.tobytes()):
        st.session_state.update(draw_other=others[0], draw_other_for=hash(x.tobytes()))
    c1, c2 = st.columns([2, 3])
    other = c1.selectbox("Compare with digit", others, key="draw_other",
                         format_func=lambda d: f"{d} (a3 = {p[d]:.2f})")
    out = c2.radio("Gradient of", ("z3", "a3"), horizontal=True, key="draw_saliency_of",
                   format_func={"z3": "the score z3 (before the last sigmoid)",
                                "a3": "the output a3"}.get,
                   help="a3's gradient is z3's times a3 (1 − a3): nearly blank when the network "
                        "is sure, although the same pixels decide.")
    maps = ((saliency(net, x, pred, out), f"∂{out}[{pred}]/∂a1: for {pred}"),
            (saliency(net, x, other, out), f"∂{out}[{other}]/∂a1: for {other}"),
            (contrast(net, x, pred, other, out), f"{pred} and not {other}"))
    for i, (col, (grad, title)) in enumerate(zip(st.columns(3), maps, strict=True)):
        charts.show(col, fd.saliency_map(grad, x, shape, title), key=f"draw_saliency{i}")
    st.caption(f"Each map is ∂{out}/∂a1 for one digit. Red: more ink there would raise {out}; "
               f"blue: ink there lowers it. The black "
               f"line is your drawing's outline. The right map shows which pixels made it say "
               f"{pred} and not {other}.")
