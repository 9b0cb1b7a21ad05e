"""Train: the tutorial's train.py with its knobs. Watch J fall, stop any time, compare the runs."""

import streamlit as st

from ui import charts, mistakes, nav, runs_views, state
from ui import training_ui as tui
from ui.glossary import explain

st.set_page_config(page_title="Train", page_icon="🏋️", layout="wide")
nav.sidebar()
st.title("Train the wizard")
st.write(
    "This is the tutorial's train.py with its knobs turned into controls. The wizard studies 70 % "
    "of the digits; after every iteration the optimizer moves W1 and W2 a little downhill on the "
    "cost J, and you watch J fall. The other 30 % (validation and test digits) are kept from him, "
    "to tell how well he reads handwriting he has never seen."
)
with st.expander("The maths"):
    st.latex(r"J(W_1, W_2) = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=0}^{9}\left[y_k^{(i)}\log a_{3,k}^{(i)}"
             r" + (1-y_k^{(i)})\log(1-a_{3,k}^{(i)})\right] + \frac{\lambda}{2m}"
             r"\left(\sum W_1^2 + \sum W_2^2\right)")
    st.write("Backprop gives the gradient from the errors delta3 = a3 − y and "
             "delta2 = (W2ᵀ delta3) ⊙ a2 (1 − a2) (bias columns left out of the penalty):")
    st.latex(r"\frac{\partial J}{\partial W_2} = \frac{1}{m}\,\delta_3^{\top} [1, a_2] + "
             r"\frac{\lambda}{m} W_2, \qquad \frac{\partial J}{\partial W_1} = \frac{1}{m}\,"
             r"\delta_2^{\top} [1, a_1] + \frac{\lambda}{m} W_1")
    st.write("GD steps W ← W − learning rate × ∂J/∂W. L-BFGS-B (the tutorial's choice), CG and TNC "
             "also remember earlier gradients to guess the valley's shape and pick their own step.")
    st.caption("The words in these formulas, in plain language: the ? on the right.",
               help=explain("cost J", "a2", "a3", "W1", "W2", "bias", "backprop", "delta3", "delta2",
                            "learning rate"))

tui.collect_training()  # a run that ended since the last script run: its verdict

with st.container(border=True):
    left, right = st.columns([1, 2])
    with left:
        dataset = tui.dataset_ui(state.dataset_names())
        start = tui.start_weights_ui(state.get_dataset(dataset).n_inputs)
    with right:
        settings = tui.settings_ui(start)
    tui.tutorial_ui(fixed_hidden=start[0] is not None)
    tui.mirror_in_url(settings)


# A fragment: the Train click reruns only these lines, so the browser draws the first progress at once
# instead of after redrawing the whole page below (2.6 s, against 1 s when training blocked the page).
@st.fragment
def train_controls(settings, start):
    st.button("Train", type="primary", key="train_go", disabled=start[1] is None or tui.training(),
              on_click=tui.start_training, args=(settings, start[0]))
    tui.watch_training()
    tui.show_message(st.session_state.get("train_message"))


train_controls(settings, start)

# --- the active model ---------------------------------------------------------------------------
run = state.active_run()
net = run.network
try:
    split = state.get_split(run.settings.dataset)
except ValueError:  # the data it was trained on was replaced by another upload in this session
    split = None
st.header("The active model")
st.markdown(f"**{run.label}**")
st.caption(f"{run.result.n_iterations} iterations in {run.result.seconds:.1f} s · {run.result.message}"
           + (f" · {run.note}" if run.note and run.note != run.result.message else ""))
m1, m2, m3 = st.columns(3)
m1.metric("train accuracy", state.percent(run.accuracy["train"]), help=explain("training set", "accuracy"))
m2.metric("validation accuracy", state.percent(run.accuracy["validation"]), help=explain("validation"))
m3.metric("test accuracy", state.percent(run.accuracy["test"]), help=explain("test"))
st.caption("The tutorial measures accuracy on its training set, which flatters the wizard: he has "
           "studied those exact digits. Validation and test digits are new to him, like yours.")
charts.show(st, charts.cost_curve(run.result.history_columns()), key="train_cost_curve")
st.caption("J falls as the wizard learns; the dotted line, the gradient norm, says how steep the "
           "valley still is.", help=explain("cost J", "gradient norm", "gradient"))

if split is None:
    st.info(f"The digits model #{run.id} was trained on ({run.settings.dataset}) are no longer loaded "
            "in this session: other files replaced them in the Data explorer. Its weights, "
            "accuracies and place in your runs are kept; load those files again to see its mistakes.")
elif len(split.validation) == 0:
    st.info(f"{run.settings.dataset} is too small to keep validation digits aside, so there are no "
            "mistakes on new digits to show.")
else:
    mistakes.show_mistakes(net, split.validation)

# --- the runs of this session -------------------------------------------------------------------
runs_views.your_runs(run)

st.subheader("Download the active model")
tui.downloads_ui(net, split.train.image_shape if split is not None else None)

st.info("**Experiment to try:** set λ = 0, 200 hidden units and maxiter 300. Training accuracy "
        "climbs towards 100 % while validation stalls: the wizard memorised the digits he studied "
        "(overfitting). "
        "Now train again with λ = 3 and compare the two runs in the chart above.")
