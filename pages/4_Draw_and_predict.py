"""Draw and predict: the tutorial's predict.py with your own hand, and a look at why it answers."""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

import nn_core
from nn_core import RECIPES, drawing_steps
from ui import drawing_views as dv
from ui import glossary, my_digits, nav, state

CANVAS = 300  # px, square: the canvas docs advise a height of at least 300

st.set_page_config(page_title="Draw and predict", page_icon="✏️", layout="wide")
nav.sidebar()

st.title("Draw a digit: what does the wizard say?")
glossary.markdown(st,
    "This is the tutorial's predict.py, with your own hand instead of a row of X. Draw a digit "
    "with a finger, a pen or the pointer: it is shrunk and centred exactly like the digits the "
    "network studied, then the active model answers at once. Below, look inside: which hidden "
    "units voted, which pixels decided, and teach it your own handwriting."
)
run = state.active_run()
net = run.network
try:
    split = state.get_split(run.settings.dataset)
    shape = split.train.image_shape  # every part of a split carries its data set's image_shape
except ValueError:  # the data this model was trained on is no longer in this session
    shape, split = None, None
if shape is None or shape[0] * shape[1] != net.n_inputs:
    shape = nn_core.builtin_shape(net.n_inputs)
if shape not in RECIPES:
    st.info(f"The active model ({run.label}) takes {net.n_inputs} inputs; drawings can be turned "
            "into 20×20, 28×28 or 8×8 images only. Make another model active on the Train page.")
    st.stop()
glossary.caption(st, f"Active model: {run.label}. Your drawing becomes a {shape[0]}×{shape[1]} image.")
with st.expander("The maths"):
    dv.maths(net)

# --- draw, and the answer -----------------------------------------------------------------
# On a phone the columns stack: the canvas ends its column, so the answer comes right under it.
left, mid, right = st.columns([1.15, 1, 1])
with left:
    b1, b2 = st.columns(2)
    b1.button("Clear", key="draw_clear", on_click=lambda: st.session_state.update(
        draw_n=st.session_state.get("draw_n", 0) + 1))
    if b2.button("Another test digit", key="draw_random", disabled=split is None or not len(split.test),
                 help=glossary.explain("test")):
        st.session_state["draw_test_n"] = st.session_state.get("draw_test_n", 0) + 1
    # The slider just above the canvas: the canvas's own toolbar (shown under the pointer) floats
    # over the end of its track, not over a button.
    width = st.slider("Pen width", 5, 40, 22, key="draw_stroke")
    canvas = st_canvas(stroke_width=width, stroke_color="#FFFFFF", background_color="#000000",
                       width=CANVAS, height=CANVAS, drawing_mode="freedraw", update_streamlit=True,
                       return_image_data=True, key=f"draw_canvas_{st.session_state.get('draw_n', 0)}")

steps = None if canvas.image_data is None else drawing_steps(canvas.image_data, shape)
# Inside the network follows the latest drawing through backprop.
st.session_state["draw_vector"] = None if steps is None else steps.x
with mid:
    if steps is None:
        st.info("Draw a digit in the black box, as large as the box allows: the answer appears "
                "as soon as you finish a stroke.")
    else:
        p, pred = dv.your_answer(net, steps.x, shape)
with right:
    dv.test_digit(net, split, shape)

if steps is not None:
    dv.show_steps(net, steps, shape)
    dv.show_hidden(net, steps.x, pred, shape)
    dv.show_saliency(net, steps.x, p, pred, shape)

# --- teach it your handwriting ------------------------------------------------------------------
st.subheader("Teach it your handwriting")
glossary.markdown(st, "Label your drawings and add them here; then let the network study them along with "
         "its usual training digits.")
if steps is not None:
    my_digits.add_ui(steps.x, p, shape)
my_digits.gallery_ui(net.n_inputs)
my_digits.files_ui(net.n_inputs, shape)

my_digits.retrain_ui(run, split)

st.info("**Experiment to try:** draw a 7 with a bar through it, or a 1 with a serif. Does the "
        "network still read it? Look at the saliency map to see where it looked, then add five "
        "such digits to my digits, retrain with k = 10, and draw it again.")
