"""The Grade page's views: which way round the weights are (every reading tried), their grade on a
data set (nn_core.grade_weights drawn), and the button that makes them the active model."""

import streamlit as st

import nn_core
from nn_core import DATASET_INFO, layout

from . import charts, state
from .settings import Settings

SHOW_STATUS = {"as expected": st.success, "mistake": st.warning, "unclear": st.info}
BEST, PROMISED = "the best-fitting reading", "the reading the file format promises"


@st.cache_data(show_spinner="Trying every way of reading the weights…", max_entries=16)
def diagnose(W1, W2, X, y, image_shape, expected):
    return layout.diagnose_layout(W1, W2, X, y, image_shape, expected=expected)


def dataset_shapes():
    """{data set name: image shape} of the built-in data sets and the user's own, if loaded."""
    user = st.session_state.get("user_data")
    shapes = {name: info.image_shape for name, info in DATASET_INFO.items()}
    return shapes | ({user.name: user.image_shape} if user is not None else {})


def show_readings(report, raw, name, n_digits):
    """The detector's verdict, what to fix, and every reading tried, best first."""
    st.subheader("Are they the right way round?")
    SHOW_STATUS[report.status](report.message)
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
               f"{raw.W2.shape[0]}×{raw.W2.shape[1]}), tried on {min(n_digits, 1000):,} digits of "
               f"{name}, best first.")


def show_grade(grade, name, shape):
    """Cost and accuracies as metrics, the test confusion matrix and the hidden units' images."""
    net = grade.network
    st.subheader(f"The grade: {net.n_inputs}-{net.hidden_size}-10 on {name}")
    cols = st.columns(5)
    cols[0].metric("cost J, λ = 0", f"{grade.cost:.4f}", help="on the training split")
    cols[1].metric("cost J, λ = 1", f"{grade.cost + grade.penalty:.4f}",
                   help="the same plus the penalty on weights")
    for col, (part, accuracy) in zip(cols[2:], grade.accuracy.items()):
        col.metric(f"{part} accuracy", state.percent(accuracy))
    left, right = st.columns([2, 3])
    charts.show(left, charts.confusion_heatmap(grade.confusion,
                                               title="Test digits: true (rows) vs predicted"),
                key="grade_confusion")
    charts.show(right, charts.weight_grid(net.W1, shape), key="grade_units")
    right.caption("Each hidden unit's row of W1 as an image (red excites, blue inhibits). In weights "
                  "read the right way round, the units look like strokes and blobs where digits have "
                  "ink.")


def activate_ui(grade, name):
    """'Make this the active model', or why these weights cannot be (hidden size out of range).
    The same weights on the same data set again make their run active rather than add one."""
    if grade.refusal is not None:
        st.warning(f"The grade above stands, but the dashboard can make active only models in its "
                   f"hidden-size range ({grade.refusal}), so these weights cannot become the active "
                   "model.")
        return
    net = grade.network
    init = state.weights_init(net)
    if not st.button("Make this the active model", key="grade_activate"):
        return
    existing = [r for r in state.runs() if r.settings.init == init and r.settings.dataset == name]
    if existing:
        state.set_active(existing[-1].id)
    else:
        settings = Settings(dataset=name, hidden_size=net.hidden_size, lambd=1.0, maxiter=0, init=init)
        result = nn_core.TrainResult(network=state.freeze(net.copy()),
                                     message="uploaded weights: not trained here")
        state.add_run(state.make_run(settings, result, note="uploaded weights"))
    st.success(f"These weights are now the active model ({state.active_run().label}): every page "
               "uses them.")
