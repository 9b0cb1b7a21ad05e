"""Grade weights: how good are W1 and W2 from elsewhere, and are they the right way round?"""


import streamlit as st

import nn_core
from nn_core import cost_terms, layout, one_hot
from ui import charts, nav, state
from ui.settings import Settings
from ui.text import literal

BUILTIN_INPUTS = {name: info.n_inputs for name, info in nn_core.DATASET_INFO.items()}
KINDS = {  # kind -> (label, uploader labels and types, reader)
    "in": ("W1.in + W2.in (the tutorial's files)", [("W1.in", None), ("W2.in", None)],
           layout.raw_seed_weights),
    "mat": ("a .mat file (Coursera's Theta1, Theta2)", [(".mat file", ["mat"])], layout.raw_mat_weights),
    "npz": ("an .npz file (W1, W2, saved by this dashboard)", [(".npz file", ["npz"])],
            layout.raw_npz_weights),
}
PENDING, LOADED, ERROR = "grade_pending", "grade_loaded", "grade_error"

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
    st.latex(r"a_3 = \mathrm{sigmoid}\big(W_2 [1; \mathrm{sigmoid}(W_1 [1; a_1])]\big),\qquad "
             r"\text{prediction} = \arg\max_d a_{3,d}")
    st.latex(r"J = -\frac{1}{m}\sum_{i,k}\left[y_k \log a_{3,k} + (1-y_k)\log(1-a_{3,k})\right]"
             r" + \frac{\lambda}{2m}\left(\sum W_1[:,1{:}]^2 + \sum W_2[:,1{:}]^2\right)")
    st.write("The tutorial's files store each image column by column, and row j of W2 is class "
             "j + 1 (digit 0 is class 10, the last row). This dashboard stores images row by row "
             "and row d of W2 is digit d. Read a file the wrong way and the pixels or the digits "
             "get shuffled: the arithmetic still runs, but the answers are nonsense.")


@st.cache_data(show_spinner="Trying every way of reading the weights…", max_entries=16)
def diagnose(W1, W2, X, y, image_shape, expected):
    return layout.diagnose_layout(W1, W2, X, y, image_shape, expected=expected)


def request_upload(kind):
    """Button callback: remember which files to read; the page reads them on this rerun."""
    files = [st.session_state.get(f"grade_file_{kind}_{i}") for i in range(len(KINDS[kind][1]))]
    st.session_state[PENDING] = (kind, files)


def read_pending():
    """Read requested files; a bad file leaves the loaded weights (and everything else) as they were."""
    kind, files = st.session_state.pop(PENDING)
    if any(f is None for f in files):
        st.session_state[ERROR] = "choose every file first (expected "
        st.session_state[ERROR] += " and ".join(label for label, _ in KINDS[kind][1]) + ")"
        return
    names = " + ".join(getattr(f, "name", label) for f, (label, _) in zip(files, KINDS[kind][1]))
    try:
        st.session_state[LOADED] = KINDS[kind][2](*files, source=names)
        st.session_state.pop(ERROR, None)
    except nn_core.DataFormatError as error:
        st.session_state[ERROR] = str(error)


# --- which weights ------------------------------------------------------------------------
if PENDING in st.session_state:
    read_pending()
run = state.active_run()
sources = {"active": f"the active model ({run.label})", "upload": "my own files (upload)"}
for w1, w2 in (("TrainedW1.in", "TrainedW2.in"), ("W1.in", "W2.in")):
    if (state.DATA_DIR / w1).exists() and (state.DATA_DIR / w2).exists():
        sources[w1] = f"data/{w1} and data/{w2}"
source = st.radio("Weights to grade", list(sources), format_func=sources.get, key="grade_source")
if source == "upload":
    kind = st.radio("File type", list(KINDS), format_func=lambda k: KINDS[k][0], key="grade_kind",
                    horizontal=True)
    for i, (col, (label, types)) in enumerate(zip(st.columns(2), KINDS[kind][1])):
        col.file_uploader(label, type=types, key=f"grade_file_{kind}_{i}")
    st.button("Read these files", key="grade_read", on_click=request_upload, args=(kind,))
    st.caption("Files are read in memory and never saved. Nothing else changes until you press "
               "'Make this the active model'.")
if ERROR in st.session_state:
    st.error(f"Could not read your files: {literal(st.session_state[ERROR])}. Nothing was changed: your "
             "models and any weights read before are as they were.")

if source == "active":
    raw = layout.RawWeights(run.network.W1, run.network.W2, layout.DIGIT_ORDER, run.label)
elif source == "upload":
    raw = st.session_state.get(LOADED)
    if raw is None:
        st.info("Choose your files above and press **Read these files**.")
        st.stop()
else:
    try:
        raw = layout.raw_seed_weights(state.DATA_DIR / source, state.DATA_DIR / source.replace("W1", "W2"),
                                      source=sources[source])
    except nn_core.DataFormatError as error:
        st.error(f"Could not read {sources[source]}: {literal(error)}")
        st.stop()

# --- on which digits -------------------------------------------------------------------------
user = st.session_state.get("user_data")
inputs = dict(BUILTIN_INPUTS, **({user.name: user.n_inputs} if user is not None else {}))
options = [name for n in layout.input_sizes(raw.W1.shape[1]) for name, k in inputs.items() if k == n]
if source == "active" and run.settings.dataset in options:
    options.remove(run.settings.dataset)
    options.insert(0, run.settings.dataset)
if not options:
    st.error(f"W1 ({literal(raw.source)}) has {raw.W1.shape[1]} columns, expected the bias column "
             "plus one per pixel: 401 for 20×20 digits, 785 for 28×28, 65 for 8×8"
             + (f", {user.n_inputs + 1} for your own data" if user is not None else "") + ".")
    st.stop()
name = st.selectbox("Grade on the digits of", options, key="grade_dataset")
ds, split = state.get_dataset(name), state.get_split(name)
try:
    report = diagnose(raw.W1, raw.W2, ds.X, ds.y, ds.image_shape, raw.expected)
except nn_core.DataFormatError as error:
    st.error(f"These weights do not fit {name}: {literal(error)}")
    st.stop()

st.subheader("Are they the right way round?")
{"as expected": st.success, "mistake": st.warning, "unclear": st.info}[report.status](report.message)
for fix in report.fixes:
    st.markdown(f"- {fix}")
st.dataframe(
    [{"pixels": c.reading.pixels, "W2 rows": c.reading.rows, "W1 columns": c.reading.w1_columns,
      "W2 columns": c.reading.w2_columns, "accuracy %": 100 * c.accuracy, "cost J (λ=0)": c.cost,
      "the format's own layout": c.expected} for c in report.candidates],
    hide_index=True, key="grade_readings",
    column_config={"accuracy %": st.column_config.NumberColumn(format="%.1f"),
                   "cost J (λ=0)": st.column_config.NumberColumn(format="%.3f")})
st.caption(f"Every reading that fits the shapes ({raw.W1.shape[0]}×{raw.W1.shape[1]} and "
           f"{raw.W2.shape[0]}×{raw.W2.shape[1]}), tried on {min(len(ds), 1000):,} digits of {name}, "
           "best first.")

graded = report.expected or report.best
if report.status == "mistake" and report.expected is not None:
    choice = st.radio("Grade", ["the best-fitting reading", "the reading the file format promises"],
                      key="grade_reading", horizontal=True)
    graded = report.best if choice == "the best-fitting reading" else report.expected
elif report.expected is None:
    st.caption("The format's own layout does not fit these shapes: the best-fitting reading is graded.")
net = graded.network

# --- the grade ------------------------------------------------------------------------------
st.subheader(f"The grade: {net.n_inputs}-{net.hidden_size}-10 on {name}")
train_Y = one_hot(split.train.y)
data, reg1 = cost_terms(net.W1, net.W2, split.train.X, train_Y, 1.0)
acc = {part: net.accuracy(getattr(split, part).X, getattr(split, part).y)
       for part in ("train", "validation", "test")}
cols = st.columns(5)
cols[0].metric("cost J, λ = 0", f"{data:.4f}", help="on the training split")
cols[1].metric("cost J, λ = 1", f"{data + reg1:.4f}", help="the same plus the penalty on weights")
for col, part in zip(cols[2:], acc):
    col.metric(f"{part} accuracy", state.percent(acc[part]))
left, right = st.columns([2, 3])
pred = net.predict(split.test.X)
charts.show(left, charts.confusion_heatmap(nn_core.confusion_matrix(split.test.y, pred),
                                           title="Test digits: true (rows) vs predicted"),
                  key="grade_confusion")
charts.show(right, charts.weight_grid(net.W1, ds.image_shape), key="grade_units")
right.caption("Each hidden unit's row of W1 as an image (red excites, blue inhibits). In weights "
              "read the right way round, the units look like strokes and blobs where digits have ink.")

try:
    nn_core.check_hidden_size(net.hidden_size, "these weights")
    beyond = None
except nn_core.DataFormatError as error:
    beyond = str(error)
if source != "active" and beyond is not None:
    st.warning(f"The grade above stands, but the dashboard can make active only models in its "
               f"hidden-size range ({beyond}), so these weights cannot become the active model.")
elif source != "active":
    init = state.weights_init(net)
    if st.button("Make this the active model", key="grade_activate"):
        existing = [r for r in state.runs() if r.settings.init == init
                    and r.settings.dataset == name]
        if existing:
            state.set_active(existing[-1].id)
        else:
            settings = Settings(dataset=name, hidden_size=net.hidden_size, lambd=1.0, maxiter=0,
                                init=init)
            result = nn_core.TrainResult(network=state.freeze(net.copy()),
                                         message="uploaded weights: not trained here")
            state.add_run(state.make_run(settings, result, note="uploaded weights"))
        st.success(f"These weights are now the active model ({state.active_run().label}): every "
                   "page uses them.")

st.info(
    "**Experiment to try:** on the Train page, save a model as W1.in / W2.in, then open W2.in in a "
    "text editor and move its last row to the top (the mistake of forgetting that digit 0 is class "
    "10). Upload it here: the accuracy collapses, and the detector tells you which row went where."
)
