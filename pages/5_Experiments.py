"""Experiments: ten classic questions about the network, each a button, a chart and a lesson."""


import streamlit as st

from nn_core import experiments as ex
from ui import experiment_runs as runs
from ui import nav, state
from ui.experiment_tabs import EXPERIMENTS

st.set_page_config(page_title="Experiments", page_icon="🧪", layout="wide")
nav.sidebar()
st.title("Experiments: what makes the wizard read better?")
st.write(
    "Each experiment trains the wizard several times, changing one thing only: λ, how many digits "
    "he studies, his random start, the optimizer, his hidden units, their activation, how many "
    "hidden layers, the output layer, or the pixels' scale. The validation digits, kept "
    "from him, show which choice reads new handwriting best. Each experiment takes a few seconds "
    "(two trainings at a time, one per core); the same settings again come from the cache at once."
)
with st.expander("The maths"):
    st.latex(r"J(W_1, W_2) = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=0}^{9}\left[y_k^{(i)}\log a_{3,k}^{(i)}"
             r" + (1-y_k^{(i)})\log(1-a_{3,k}^{(i)})\right] + \frac{\lambda}{2m}"
             r"\left(\sum W_1^2 + \sum W_2^2\right)")
    st.write("The cost curves below show J without its λ term, so different λ compare fairly. "
             "Error = 1 − accuracy, measured on the m digits studied (train) and on the validation "
             "digits. Gradient descent steps by hand-picked learning rate α:")
    st.latex(r"W \leftarrow W - \alpha \, \frac{\partial J}{\partial W}")
    st.write("If every weight starts equal, each hidden unit's a2 = sigmoid(z2) and its error "
             "delta2 = (W2ᵀ delta3) ⊙ a2 (1 − a2) are the same, so are their gradients: they stay "
             "twins.")

active = state.active_run()
with st.container(border=True):
    st.write(f"**Base settings**, from the active model (run {active.label}). Change any of them "
             "for the experiments here; the method is the active model's.")
    settings = runs.settings_ui(active.settings, state.dataset_names())
split = state.get_split(settings.dataset)
if len(split.validation) == 0:
    st.warning(f"**{settings.dataset}** holds only {len(split.train)} digits: too few to keep some "
               "aside for validation, and every experiment here is judged on validation digits. "
               "Pick a built-in data set above, or load more digits in the Data explorer.")
    st.stop()
base = ex.Base.of(settings)

for tab, e in zip(st.tabs([e.tab for e in EXPERIMENTS]), EXPERIMENTS):
    with tab:
        st.write(e.intro(settings))
        o = runs.section(e.name, e.button, settings, split, lambda p, e=e: e.run(split, base, p), e.unit)
        if o is not None:
            e.show(o)
            st.success(f"**What it teaches.** {e.lesson(o)}")

st.info("**Experiment to try:** set the base λ to 0 and maxiter to 200, then run the learning curve "
        "and the λ sweep again. Does the gap between train and validation error grow, and does the "
        "best λ move?")
