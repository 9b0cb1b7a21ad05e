"""The Grade page's views: the grade of the weights as uploaded (nn_core.grade_weights drawn),
which way round they are (every reading tried), the best other reading with its fix, and the
button that makes a grade the active model."""

import hashlib

import streamlit as st

import nn_core
from nn_core import DATASET_INFO, layout, layout_mistakes

from . import charts, state
from .glossary import GLOSSARY, explain
from .settings import Settings

SHOW_STATUS = {"as expected": st.success, "mistake": st.warning, "unclear": st.info}
BEST_OTHER = "The best other reading (not what you uploaded)"
PARTS = {"train": ("training set", "accuracy"), "validation": ("validation",), "test": ("test",)}


@st.cache_data(show_spinner="Trying every way of reading the weights…", max_entries=16)
def diagnose(W1, W2, X, y, image_shape, expected):
    return layout.diagnose_layout(W1, W2, X, y, image_shape, expected=expected)


def dataset_shapes():
    """{data set name: image shape} of the built-in data sets and the user's own, if loaded."""
    user = st.session_state.get("user_data")
    shapes = {name: info.image_shape for name, info in DATASET_INFO.items()}
    return shapes | ({user.name: user.image_shape} if user is not None else {})


def show_readings(report, raw, name, n_digits):
    """The detector's verdict and every reading tried, best first."""
    st.subheader("Are they the right way round?",
                 help=explain("column-major", "row-major", "class order", "converted twice"))
    SHOW_STATUS[report.status](report.message)
    st.dataframe(
        [{"pixels": c.reading.pixels, "W2 rows": c.reading.rows, "W1 columns": c.reading.w1_columns,
          "W2 columns": c.reading.w2_columns, "accuracy %": 100 * c.accuracy, "cost J (λ=0)": c.cost,
          "the format's own layout": c.expected} for c in report.candidates],
        hide_index=True, key="grade_readings",
        column_config={"accuracy %": st.column_config.NumberColumn(format="%.1f"),
                       "cost J (λ=0)": st.column_config.NumberColumn(format="%.3f")})
    st.caption(f"Every reading that fits the shapes ({raw.W1.shape[0]}×{raw.W1.shape[1]} and "
               f"{raw.W2.shape[0]}×{raw.W2.shape[1]}), tried on {min(n_digits, 1000):,} digits of "
               f"{name}, best first.", help=explain("W1", "W2", "bias", "cost J", "λ", "accuracy"))


def _metrics(grade, suffix=""):
    cols = st.columns(5)
    cols[0].metric(f"cost J, λ = 0{suffix}", f"{grade.cost:.4f}",
                   help="On the training split.\n\n" + explain("cost J", "λ"))
    cols[1].metric(f"cost J, λ = 1{suffix}", f"{grade.cost + grade.penalty:.4f}",
                   help="The same plus the penalty on weights.\n\n" + explain("regularization"))
    for col, (part, accuracy) in zip(cols[2:], grade.accuracy.items()):
        col.metric(f"{part} accuracy{suffix}", state.percent(accuracy), help=explain(*PARTS[part]))


def _network_terms(net):
    """The glossary's words for a network other than the tutorial's: its layers and functions."""
    if net.is_tutorial_shape:
        return []
    words = ("hidden layer", {"relu": "ReLU"}.get(net.activation, net.activation), net.output)
    return [w for w in dict.fromkeys(words) if w in GLOSSARY]


def show_grade(grade, name, shape):
    """The headline: cost and accuracies of the weights as uploaded, the test confusion matrix
    and the first hidden layer's units as images."""
    net, report = grade.network, grade.layout
    sizes = "-".join(map(str, net.layer_sizes))
    if report is None:
        how = "read as the file says"
    elif report.expected is grade.graded:
        how = "as uploaded"
    else:
        how = "in the best-fitting reading"
    st.subheader(f"The grade, {how}: {sizes} on {name}",
                 help=explain("hidden unit", "W1", "W2", "accuracy", *_network_terms(net)))
    if report is not None and report.expected is None:
        st.caption("The format's own layout does not fit these shapes, so the reading that fits "
                   "the digits best is graded.")
    if report is not None and report.offers_choice:
        st.warning(f"Read as uploaded, these weights get {state.percent(grade.accuracy['test'])} of "
                   f"the test digits right: a layout mistake. Read another way they do much better: "
                   f"see **{BEST_OTHER}** below, and what to fix.")
    _metrics(grade)
    left, right = st.columns([2, 3])
    heat = charts.confusion_heatmap(grade.confusion, title="Test digits: true (rows) vs predicted")
    heat.update_traces(colorbar_title="test digits")
    charts.show(left, heat, key="grade_confusion")
    left.caption("Row = the true digit, column = the digit the network said; the number in a cell "
                 "counts test digits.", help=explain("confusion matrix", "test"))
    grid = charts.weight_grid(net.W1, shape)
    grid.update_traces(colorbar_title="weight", selector=dict(type="heatmap"))
    charts.show(right, grid, key="grade_units")
    right.caption("Each hidden unit's row of W1 as an image, one square per pixel (red excites, "
                  "blue inhibits; the colour bar gives the weight, a plain number). In weights read "
                  "the right way round, the units look like strokes and blobs where digits have ink.",
                  help=explain("hidden unit", "W1"))


def show_best_other(fixed, report):
    """The best-fitting reading, labelled as not what was uploaded: its grade, each mistake in
    plain words and what to change."""
    st.subheader(BEST_OTHER, help=explain("column-major", "row-major", "transposed", "class order",
                                          "converted twice", "bias"))
    st.caption(f"Read as {fixed.graded.reading.describe()}. These are not your files' numbers: they "
               "are what your weights would score once the mistake below is fixed.")
    _metrics(fixed, suffix=" (fixed)")
    st.markdown("**What went wrong, in plain words**")
    for sentence in layout_mistakes(fixed.graded.reading, report.expected.reading):
        st.markdown(f"- {sentence}")
    st.markdown("**The fix** (in the file, or in the code that saves it)")
    for fix in report.fixes:
        st.markdown(f"- {fix}")


def tutorial_caption(grade, source, kind, name):
    """Why the tutorial's own weights score higher than a model trained here (when they may be
    the tutorial's: its files in data/, or an upload of .in or .mat files, read the right way)."""
    tutorial = source != "active" and (source != "upload" or kind in ("in", "mat"))
    if not (tutorial and grade.layout is not None and grade.layout.status == "as expected"):
        return
    user = st.session_state.get("user_data")
    if user is not None and user.name == name:
        digits = ("Graded on your own digits: if they are the tutorial's X.in, our test digits are "
                  "among the digits these weights studied, so their test score is no fair exam.")
    else:
        digits = ("The built-in MNIST digits here are another sample of the same handwriting, "
                  "so these weights read them well too.")
    st.caption(
        "If these are the tutorial's own weights (TrainedW1.in, Coursera's Theta1), they score "
        "higher than a model trained here because they were trained on all 5,000 of the "
        "tutorial's digits, none kept aside as test digits, and for longer. A model trained here "
        f"studies only its training digits and never sees the test digits. {digits}",
        help=explain("training set", "test", "overfitting"))


def _init(net):
    """Settings.init for these weights: as state.weights_init, over every matrix of the network."""
    if net.is_tutorial_shape:
        return state.weights_init(net)
    return "weights:" + hashlib.sha1(b"".join(W.tobytes() for W in net.weights)).hexdigest()


def activate_ui(grade, name, key="grade_activate", label="Make this the active model"):
    """'Make this the active model', or why these weights cannot be (hidden size out of range).
    The same weights on the same data set again make their run active rather than add one."""
    if grade.refusal is not None:
        st.warning(f"The grade above stands, but the dashboard can make active only models in its "
                   f"hidden-size range ({grade.refusal}), so these weights cannot become the active "
                   "model.")
        return
    net = grade.network
    init = _init(net)
    if not st.button(label, key=key):
        return
    existing = [r for r in state.runs() if r.settings.init == init and r.settings.dataset == name]
    if existing:
        state.set_active(existing[-1].id)
    else:
        settings = Settings(dataset=name, hidden_size=net.hidden_size, lambd=1.0, maxiter=0,
                            init=init, activation=net.activation, output=net.output)
        frozen = net.copy()
        for W in frozen.weights:  # read-only, as state.freeze makes W1 and W2
            W.setflags(write=False)
        result = nn_core.TrainResult(network=frozen, message="uploaded weights: not trained here")
        state.add_run(state.make_run(settings, result, note="uploaded weights"))
    st.success(f"These weights are now the active model ({state.active_run().label}): every page "
               "uses them.")
