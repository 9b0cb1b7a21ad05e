"""The floor for benchmarks/latency.py: the Draw page's canvas and nothing else.

The same canvas (streamlit-drawable-canvas, 300 x 300, the same pen) and the same network (the
default model: mnist-20x20, 25 hidden units, λ = 1, 50 iterations, seed 0), but the page only
prints the digit the network reads. No Streamlit page that answers a drawing can be faster, so
the Draw page's time from mouse-up to answer is reported as a multiple of this page's.
Run by latency.py as `streamlit run benchmarks/latency_floor.py` from the project's folder.
"""

import sys
from pathlib import Path

import streamlit as st
from streamlit_drawable_canvas import st_canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import nn_core  # noqa: E402


@st.cache_resource
def network():
    split = nn_core.split_dataset(nn_core.load_dataset("mnist-20x20"), seed=0)
    return nn_core.train(split.train.X, split.train.y, hidden_size=25, lambd=1.0, maxiter=50,
                         seed=0).network


net = network()
st.title("Floor: a canvas and its argmax")
canvas = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000", width=300,
                   height=300, drawing_mode="freedraw", update_streamlit=True, return_image_data=True,
                   key=f"draw_canvas_{st.session_state.get('draw_n', 0)}")
st.button("Clear", key="draw_clear",
          on_click=lambda: st.session_state.update(draw_n=st.session_state.get("draw_n", 0) + 1))
if canvas.image_data is not None and canvas.image_data[..., :3].any():
    digit = int(net.predict(nn_core.prepare_drawing(canvas.image_data, (20, 20)))[0])
    st.markdown(f"The network says<div class='draw-answer'>{digit}</div>", unsafe_allow_html=True)
