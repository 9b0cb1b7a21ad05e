"""AppTest for the Inside the network page: the gradient check, its bugs, and one digit's backprop."""

import base64
import json

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core import cost_and_gradient, train
from ui import formulas, state
from ui.settings import Settings

PAGE = str(ROOT / "pages/6_Inside_the_network.py")
SETTINGS = Settings(dataset="sklearn-8x8", hidden_size=12, lambd=2.0, maxiter=30)


@pytest.fixture(scope="module")
def small_run():
    """A quick model on the 8x8 digits, so these tests need not train the default model."""
    split = state.get_split(SETTINGS.dataset)
    result = train(split.train.X, split.train.y, hidden_size=12, lambd=2.0, maxiter=30)
    return state.make_run(SETTINGS, result, run_id=901), split


def page(run, **session):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = run.id
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def chart(at, key):
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key)).proto.spec)


def values(array):
    """A plotly array from a chart's JSON: a list, or numpy's bytes in base64 (plotly 6)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).ravel()
    return np.ravel(np.asarray(array, dtype=float))


def test_renders_and_the_correct_backprop_passes(small_run):
    at = page(small_run[0])
    assert not at.exception
    assert at.title[0].value.startswith("Inside the network")
    assert float(metric(at, "relative difference: correct backprop")) < 1e-7
    assert at.success and not at.error
    assert at.info[-1].value.startswith("**Experiment to try:**")


def test_the_maths_shows_the_one_j_formula_and_the_unit_worked_out(small_run):
    run, split = small_run
    at = page(run)
    shown = [f.value for f in at.latex]
    assert any(formulas.J in f for f in shown)  # the same J as every page that shows it
    j = int(at.slider(key="inside_unit").value)
    x, y = split.train.X[0], split.train.y[0]
    a2 = run.network.forward(x).a2[0]
    back = run.network.W2[:, j + 1] @ (run.network.predict_proba(x)[0] - np.eye(10)[y])
    assert any(f"({back:.4f}) \\times {a2[j] * (1 - a2[j]):.4f}" in f for f in shown)


def test_the_bug_toggle_changes_the_relative_difference(small_run):
    at = page(small_run[0])
    for bug in ["forget the sigmoid derivative", "regularize the bias too", "forget to divide by m",
                "use delta3 = y - a3 (sign error)"]:
        at.radio(key="inside_bug").set_value(bug).run()
        assert not at.exception
        assert float(metric(at, f"relative difference: {bug}")) > 1e-3
        assert float(metric(at, "relative difference: correct backprop")) < 1e-7  # shown next to it
        assert at.error and "disagree" in at.error[0].value
        assert chart(at, "inside_scatter")["layout"]["title"]["text"] == f"Every weight: {bug}"


def test_the_bias_bug_hides_when_lambda_is_zero(small_run):
    at = page(small_run[0])
    at.radio(key="inside_bug").set_value("regularize the bias too").run()
    at.select_slider(key="inside_check_lambd").set_value(0.0).run()
    assert float(metric(at, "relative difference: regularize the bias too")) < 1e-7
    assert at.success


def test_cost_split_of_the_active_model(small_run):
    run, split = small_run
    at = page(run)
    J0, _ = cost_and_gradient(run.network, split.train.X, split.train.y, 0.0)
    J, _ = cost_and_gradient(run.network, split.train.X, split.train.y, SETTINGS.lambd)
    assert float(metric(at, "data term")) == pytest.approx(J0, abs=1e-4)
    assert float(metric(at, "regularization term")) == pytest.approx(J - J0, abs=1e-4)
    assert float(metric(at, "J")) == pytest.approx(J, abs=1e-4)


def test_another_example_changes_the_backprop_view(small_run):
    run, split = small_run
    at = page(run)
    first = chart(at, "inside_a1")
    np.testing.assert_allclose(values(first["data"][0]["z"]), split.train.X[0])
    at.number_input(key="inside_index").set_value(7).run()
    assert not at.exception
    shown = chart(at, "inside_a1")
    np.testing.assert_allclose(values(shown["data"][0]["z"]), split.train.X[7])
    assert f"training example #7, a {split.train.y[7]}" in [c.value for c in at.caption]
    # delta3 = a3 - y for example 7, computed here from the network directly.
    a3 = run.network.predict_proba(split.train.X[7])[0]
    shown_delta3 = values(chart(at, "inside_delta3")["data"][0]["y"])
    np.testing.assert_allclose(shown_delta3, a3 - np.eye(10)[split.train.y[7]], atol=1e-12)
    assert not np.allclose(shown_delta3, values(chart(page(run), "inside_delta3")["data"][0]["y"]))


def test_the_unit_gradient_is_delta2_times_the_image(small_run):
    run, split = small_run
    at = page(run)
    at.slider(key="inside_unit").set_value(3).run()
    x, y = split.train.X[0], split.train.y[0]
    act = run.network.forward(x)
    delta3 = act.a3[0] - np.eye(10)[y]
    delta2 = (run.network.W2[:, 1:].T @ delta3) * act.a2[0] * (1 - act.a2[0])
    np.testing.assert_allclose(values(chart(at, "inside_grad")["data"][0]["z"]), delta2[3] * x,
                               atol=1e-12)
    assert float(metric(at, "delta2 of unit 3")) == pytest.approx(delta2[3], abs=1e-5)


def test_the_current_drawing_can_be_followed(small_run):
    run, split = small_run
    drawing = split.test.X[4].copy()
    at = page(run, draw_vector=drawing)
    at.radio(key="inside_source").set_value("my drawing (from the Draw page)").run()
    assert not at.exception
    np.testing.assert_allclose(values(chart(at, "inside_a1")["data"][0]["z"]), drawing)
    at.selectbox(key="inside_draw_label").set_value(2).run()
    assert "your drawing, a 2" in [c.value for c in at.caption]


def test_a_drawing_of_another_size_is_not_offered(small_run):
    at = page(small_run[0], draw_vector=np.zeros(400))
    assert at.radio(key="inside_source").options == ["a training example"]


# --- deeper networks (issue 12 item 3) ----------------------------------------------------------

def test_a_two_layer_tanh_softmax_check_passes_and_the_formulas_follow_it(small_run):
    at = page(small_run[0])
    at.radio(key="inside_arch").set_value("choose").run()
    at.selectbox(key="inside_depth").set_value(2)
    at.selectbox(key="inside_activation").set_value("tanh")
    at.selectbox(key="inside_output").set_value("softmax").run()
    assert not at.exception
    assert float(metric(at, "relative difference: correct backprop")) < 1e-7
    assert at.success and not at.error
    names = chart(at, "inside_scatter")["data"]
    assert [t["name"] for t in names[1:]] == ["weights of W1", "weights of W2", "weights of W3"]
    shown = [f.value for f in at.latex]
    assert any(r"\mathrm{softmax}(z_{4})" in f for f in shown)  # the forward pass
    assert any(r"J = -\frac{1}{m}\sum_{i,k} y_k \log a_{4,k}" in f for f in shown)  # softmax's J
    assert any(r"\odot (1-a_{3}^2)" in f and r"\odot (1-a_{2}^2)" in f for f in shown)  # tanh'
    assert not any(formulas.J in f for f in shown)  # not the tutorial's sigmoid J
    assert any("3-5-5-10" in m.value and "tanh" in m.value for m in at.markdown)
    at.radio(key="inside_bug").set_value("forget the sigmoid derivative").run()
    assert float(metric(at, "relative difference: forget the sigmoid derivative")) > 1e-3


def test_a_deep_active_model_shows_every_layers_delta(small_run):
    _, split = small_run
    result = train(split.train.X[:300], split.train.y[:300], hidden_size=(30, 20), maxiter=20,
                   activation="relu", output="softmax")
    settings = Settings(dataset="sklearn-8x8", hidden_size=(30, 20), maxiter=20,
                        activation="relu", output="softmax")
    run = state.make_run(settings, result, run_id=902)
    at = page(run)
    assert not at.exception
    assert float(metric(at, "relative difference: correct backprop")) < 1e-7  # its architecture
    assert "relu" in at.radio(key="inside_arch").format_func("like the active model")
    net, x, y = run.network, split.train.X[0], split.train.y[0]
    act = net.forward(x)
    delta4 = act.output[0] - np.eye(10)[y]
    delta3 = (net.weights[2][:, 1:].T @ delta4) * (act.a[2][0] > 0)
    delta2 = (net.weights[1][:, 1:].T @ delta3) * (act.a[1][0] > 0)
    for key, expected in (("inside_delta4", delta4), ("inside_delta3", delta3),
                          ("inside_delta2", delta2)):
        np.testing.assert_allclose(values(chart(at, key)["data"][0]["y"]), expected, atol=1e-12)
    np.testing.assert_allclose(values(chart(at, "inside_a3")["data"][0]["y"]), act.a[2][0])
    assert chart(at, "inside_a4")["layout"]["title"]["text"] == "Output a4 and the target y"
