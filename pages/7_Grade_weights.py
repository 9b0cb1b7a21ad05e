"""Grade weights: how good are W1 and W2 from elsewhere, and are they the right way round?"""

import streamlit as st

from nn_core import DataFormatError, fitting_datasets, grade_weights
from ui import formulas, nav, state
from ui import grading_views as gv
from ui import weight_uploads as uploads
from ui.glossary import explain
from ui.text import literal

st.set_page_config(page_title="Grade weights", page_icon="🎓", layout="wide")
nav.sidebar()
st.title("Grade weights: how well do these W1 and W2 read digits?")
st.write(
    "Bring weights trained elsewhere (the tutorial's TrainedW1.in / TrainedW2.in, Coursera's "
    "Theta1 / Theta2, or an .npz from this dashboard) and the wizard grades them on real digits. "
    "Files that are the wrong way round are the most common reason for a network that 'learned "
    "nothing', so every way of reading them is tried, and the one that fits is named."
)
with st.expander("The maths"):
    st.latex(formulas.PREDICTION)
    st.latex(formulas.J)
    st.caption("a3 = sigmoid(W2 [1; sigmoid(W1 [1; a1])]); J averages the cross-entropy of a3.",
               help=explain("sigmoid", "a1", "a3", "cost J", "cross-entropy"))
    st.write("The tutorial's files store each image column by column, and row j of W2 is class "
             "j + 1 (digit 0 is class 10, the last row). This dashboard stores images row by row "
             "and row d of W2 is digit d. Read a file the wrong way and the pixels or the digits "
             "get shuffled: the arithmetic still runs, but the answers are nonsense.")

# --- which weights ------------------------------------------------------------------------
uploads.read_requested()
run = state.active_run()
sources = uploads.sources(run)
source = st.radio("Weights to grade", list(sources), format_func=sources.get, key="grade_source",
                  help=explain("L-BFGS-B", "seed"))
if source == "upload":
    uploads.upload_ui()
if uploads.read_error() is not None:
    st.error(f"Could not read your files: {literal(uploads.read_error())}. Nothing was changed: your "
             "models and any weights read before are as they were.")
try:
    raw = uploads.raw_weights(source, run, sources[source])
except DataFormatError as error:
    st.error(f"Could not read {sources[source]}: {literal(error)}")
    st.stop()
if raw is None:
    st.info("Choose your files above and press **Read these files**.")
    st.stop()

# --- on which digits -------------------------------------------------------------------------
try:
    options = fitting_datasets(raw.W1.shape[1], gv.dataset_shapes(), exact=raw.network is not None,
                               first=run.settings.dataset if source == "active" else None)
except DataFormatError as error:
    st.error(f"These weights ({literal(raw.source)}) fit no data set here: {literal(error)}.")
    st.stop()
name = st.selectbox("Grade on the digits of", options, key="grade_dataset")
ds, split = state.get_dataset(name), state.get_split(name)
report = None
if raw.network is None:
    try:
        report = gv.diagnose(raw.W1, raw.W2, ds.X, ds.y, ds.image_shape, raw.expected)
    except DataFormatError as error:
        st.error(f"These weights do not fit {name}: {literal(error)}")
        st.stop()

# --- the grade of the files as uploaded, then the best other reading -------------------------
grade = grade_weights(raw, ds, split, report=report)
gv.show_grade(grade, name, ds.image_shape)
gv.tutorial_caption(grade, source, st.session_state.get("grade_kind"), name)
if source != "active":
    gv.activate_ui(grade, name)
if report is None:
    layers = len(raw.network.weights) - 1
    st.info(f"No layout detection for this network ({layers} hidden layer{'s' * (layers > 1)}, "
            f"{raw.network.activation} units, {raw.network.output} outputs): it is graded as its "
            "file says. The readings tried for wrongly laid-out files are those of the tutorial's "
            "one-hidden-layer sigmoid files.")
else:
    gv.show_readings(report, raw, name, len(ds))
    if report.offers_choice:
        fixed = grade_weights(raw, ds, split, best=True, report=report)
        gv.show_best_other(fixed, report)
        if source != "active":
            gv.activate_ui(fixed, name, key="grade_activate_fixed",
                           label="Make the fixed reading the active model")

st.info(
    "**Experiment to try:** on the Train page, save a model as W1.in / W2.in, then open W2.in in a "
    "text editor and move its last row to the top (the mistake of forgetting that digit 0 is class "
    "10). Upload it here: the accuracy collapses, and the detector tells you which row went where."
)
