"""Home: what the app is, the network it trains, and where to start."""

import streamlit as st

from ui import architecture, charts, formulas, nav, state, tour
from ui.glossary import explain

# The path through the pages a newcomer takes first (the sidebar lists every page: ui/nav.py).
START_HERE = (("pages/1_Data_explorer.py", "look at the digits in the Data explorer"),
              ("pages/2_Train.py", "train a model with your own settings"),
              ("pages/3_Hidden_units.py", "see what its hidden units learned"),
              ("pages/4_Draw_and_predict.py", "draw a digit and test it"))

st.set_page_config(page_title="Watch a network learn to read", page_icon="✍️", layout="wide")
nav.sidebar()

st.title("Watch a neural network learn to read handwriting")
if tour.progress() is None:
    st.button(f"Take the guided tour: {len(tour.STEPS)} questions you answer with the app",
              key="tour_start", on_click=tour.start, icon=":material/explore:", type="primary")
st.write(
    "Imagine the network as an old wise wizard who studied thousands of people before you came. "
    "Here the wizard studies thousands of handwritten digits, and you can watch every step: the "
    "digits it learns from, the training, what its hidden units look for, and its guess on a digit "
    "you draw yourself."
)

run = state.active_run()
net = run.network
left, right = st.columns([3, 2])
with left:
    st.subheader(f"The network: {architecture.sizes(net)}")
    charts.show(st, charts.network_diagram(net.layer_sizes), width="stretch", key="home_network")
    st.caption(architecture.caption(net),
               help=explain(*architecture.terms(net)))
with right:
    st.subheader("The active model")
    st.markdown(run.label, help=explain("L-BFGS-B", "seed"))
    a = run.accuracy
    c1, c2, c3 = st.columns(3)
    c1.metric("train accuracy", state.percent(a["train"]), help=explain("training set", "accuracy"))
    c2.metric("validation", state.percent(a["validation"]), help=explain("validation"))
    c3.metric("test", state.percent(a["test"]), help=explain("test"))
    st.caption(
        "Train accuracy is measured on the digits the wizard studied; validation and test digits "
        "were kept hidden from him, so they tell how well he reads handwriting he has never seen."
    )

with st.expander("The maths, one click away"):
    forward, J, _, _ = formulas.for_network_shape(len(net.layer_sizes) - 2, net.activation, net.output)
    st.latex(forward)
    st.latex(J)
    st.caption("The sums of squares skip the bias columns. Training moves W1 and W2 to make J small.",
               help=explain("cost J", "λ", "backprop"))

st.subheader("The tutorial's four parts, here")
st.markdown(
    """
| tutorial | page | what you do there |
|---|---|---|
| Part 1 · the network class (NN.py) | **Inside the network** | check the gradients, follow backprop through one digit |
| Part 2 · understanding data (displayData) | **Data explorer** | browse digits, class counts, mean digits, a PCA map |
| Part 3 · training (train.py) | **Train** | turn the knobs (λ, iterations, hidden units, method) and watch J fall |
| Part 4 · predicting (predict.py) | **Draw and predict** | draw a digit and see what the wizard says, step by step |

Beyond the tutorial: **Hidden units** shows what each hidden unit looks for, **Experiments** runs
the classic bias/variance and optimizer experiments, and **Grade weights** checks weights you trained
elsewhere.
""",
    help=explain("PCA", "backprop"),
)
with st.container(border=True):
    st.markdown("**Start here**, one page after another:")
    for step, (page, label) in enumerate(START_HERE, 1):
        st.page_link(page, label=f"{step} · {label}", icon=":material/arrow_forward:")
