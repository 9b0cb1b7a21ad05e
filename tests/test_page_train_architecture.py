"""Deeper networks on the dashboard (issue 12): the Train page's architecture knobs and their URL,
each link value checked once by nn_core, the Home diagram and the downloads of a deep model."""

import numpy as np
import plotly_spec
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core.formats.seed_files import seed_weights_bytes
from ui import run_comparison
from ui.jobs import wait_for_jobs
from ui.settings import DEFAULT, Settings, from_query, query_problems, to_query
from ui.state import Run

PAGE = str(ROOT / "pages" / "2_Train.py")
DEEP_LINK = {"hidden_size": "30,20", "activation": "relu", "output": "softmax", "maxiter": "3"}


def page(path=PAGE, query=None, active=None):
    at = AppTest.from_file(path, default_timeout=120)
    if query:
        at.query_params.update(query)
    if active is not None:
        at.session_state["runs"] = [active]
        at.session_state["active_run_id"] = active.id
    return at.run()


def train(at):
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    return at.run()


# --- the settings and their URL -------------------------------------------------------------------

def test_a_deep_architecture_round_trips_through_the_url_and_names_itself():
    deep = Settings(hidden_size=(100, 50), activation="relu", output="softmax")
    query = to_query(deep)
    assert query == {"hidden_size": "100,50", "activation": "relu", "output": "softmax"}
    assert from_query(query) == deep and not query_problems(query)
    assert deep.label().startswith("mnist-20x20 · 100-50 relu · softmax · λ=1 · 50 it")
    assert DEFAULT.label() == "mnist-20x20 · 25 hidden · λ=1 · 50 it · L-BFGS-B · seed 0"
    assert "25 tanh · sigmoid" in Settings(activation="tanh").label()


@pytest.mark.parametrize("key, value, expected", [
    ("hidden_size", "0,5", "from 1 to 400, found 0"),
    ("hidden_size", "5,5,5,5", "expected 1 to 3 hidden layers, found 4"),
    ("activation", "swish", "expected one of sigmoid, tanh, relu, found 'swish'"),
    ("output", "banana", "expected one of sigmoid, softmax, found 'banana'"),
    ("lambd", "-1", "lambda must be a finite number >= 0, found -1"),
    ("maxiter", "5000", "maxiter must be a whole number 1-1000, found 5000"),
])
def test_a_bad_link_value_gets_the_default_and_one_sentence_saying_why(key, value, expected):
    assert from_query({key: value}) == DEFAULT
    (problem,) = query_problems({key: value})
    assert problem.startswith(f"{key}={value} in the link: ") and expected in problem
    assert f"so the default {_shown(getattr(DEFAULT, key))} is used" in problem


def _shown(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def test_the_runs_chart_can_put_architectures_on_its_axis():
    a, b = Settings(hidden_size=25), Settings(hidden_size=(30, 20))
    runs = [Run(1, a, None, {"validation": 0.8}), Run(2, b, None, {"validation": 0.9})]
    assert run_comparison.knob_that_differs(runs) == "hidden_size"
    labels, order = run_comparison.chart_axis(runs, "hidden_size")
    assert labels == ["hidden units = 25", "hidden units = 30-20"] and order == [0, 1]
    runs[1] = Run(2, Settings(activation="relu"), None, {"validation": 0.9})
    assert run_comparison.knob_that_differs(runs) == "activation"


# --- the Train page -------------------------------------------------------------------------------

def test_a_deep_link_sets_the_knobs_and_trains_that_network():
    at = page(query=DEEP_LINK)
    assert not at.exception and not at.warning
    assert at.radio(key="train_layers").value == 2
    assert at.slider(key="train_hidden_size").value == 30 and at.slider(key="train_hidden_size_2").value == 20
    assert at.radio(key="train_activation").value == "relu"
    assert at.radio(key="train_output").value == "softmax"
    assert {k: v for k, v in at.query_params.items() if k != "ws"} == DEEP_LINK  # mirrored back unchanged
    train(at)
    assert not at.exception
    run = at.session_state["runs"][-1]
    assert at.session_state["active_run_id"] == run.id
    net = run.network
    assert net.layer_sizes == (400, 30, 20, 10) and (net.activation, net.output) == ("relu", "softmax")
    assert "30-20 relu · softmax" in run.label
    assert any("30-20 relu · softmax" in m.value for m in at.markdown if m.value.startswith("**#"))
    history = at.dataframe[0].value
    assert "30-20 relu · softmax" in history["settings"].iloc[-1]
    assert "25 hidden" in history["settings"].iloc[0]  # the default model, as before
    # The deep model's downloads: only the .npz, and why.
    keys = {b.key for b in at.get("download_button")}
    assert keys == {"train_dl_npz"}
    assert any("TrainedW1.in and TrainedW2.in hold the tutorial's network only" in i.value
               for i in at.info)


def test_the_layer_widgets_change_the_settings_and_the_url():
    at = page()
    at.radio(key="train_layers").set_value(3).run()
    at.slider(key="train_hidden_size_2").set_value(40)
    at.slider(key="train_hidden_size_3").set_value(15)
    at.radio(key="train_activation").set_value("tanh").run()
    assert not at.exception
    assert at.session_state["train_settings"].hidden_size == (25, 40, 15)
    assert at.query_params["hidden_size"] == "25,40,15" and at.query_params["activation"] == "tanh"
    at.radio(key="train_layers").set_value(1).run()  # back to one layer: the tutorial's shape
    assert at.session_state["train_settings"].hidden_size == 25
    assert "hidden_size" not in at.query_params
    assert not [s for s in at.slider if s.key == "train_hidden_size_2"]


@pytest.mark.parametrize("key, value, allowed", [
    ("hidden_size", "0,5", "from 1 to 400"), ("hidden_size", "5,5,5,5", "1 to 3 hidden layers"),
    ("activation", "swish", "sigmoid, tanh, relu"), ("output", "banana", "sigmoid, softmax"),
])
def test_a_bad_link_value_is_named_on_the_page_which_still_renders(key, value, allowed):
    at = page(query={key: value, "maxiter": "7"})
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert f"{key}={value} in the link" in warning and allowed in warning
    assert at.radio(key="train_layers").value == 1 and at.slider(key="train_hidden_size").value == 25
    assert at.radio(key="train_activation").value == "sigmoid"
    assert at.slider(key="train_maxiter").value == 7  # the link's good values are kept
    assert key not in at.query_params


def test_start_weights_from_files_fix_the_architecture():
    at = page(query=DEEP_LINK)
    at.radio(key="train_start").set_value("upload").run()
    w1, w2 = seed_weights_bytes(nn_core.Network.random(400, 7, seed=5))
    at.file_uploader(key="train_w1").upload("W1.in", w1)
    at.file_uploader(key="train_w2").upload("W2.in", w2)
    at.run()
    assert at.radio(key="train_layers").value == 1 and at.radio(key="train_layers").disabled
    assert at.slider(key="train_hidden_size").value == 7
    assert at.radio(key="train_activation").value == "sigmoid" and at.radio(key="train_activation").disabled
    assert at.radio(key="train_output").value == "sigmoid" and at.radio(key="train_output").disabled
    train(at)
    assert not at.exception and not at.error
    run = at.session_state["runs"][-1]
    assert run.network.layer_sizes == (400, 7, 10) and run.settings.activation == "sigmoid"


# --- a deep active model on Home and Train --------------------------------------------------------

@pytest.fixture(scope="module")
def deep_run():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0, 1, (40, 400)), np.arange(40) % 10
    result = nn_core.train(X, y, hidden_size=(30, 20), activation="relu", output="softmax", maxiter=2)
    settings = Settings(hidden_size=(30, 20), activation="relu", output="softmax", maxiter=2)
    return Run(91, settings, result, {"train": 0.5, "validation": 0.5, "test": 0.5})


def test_home_draws_every_layer_of_a_deep_active_model(deep_run):
    at = page(str(ROOT / "app.py"), active=deep_run)
    assert not at.exception
    assert "The network: 400-30-20-10" in [s.value for s in at.subheader]
    spec = plotly_spec.figure(at, "home_network")
    names = [t.get("name") for t in spec["data"] if t.get("name")]
    assert names == ["input a1: 400 units", "hidden a2: 30 units", "hidden a3: 20 units",
                     "output a4: 10 units"]
    assert [a["text"] for a in spec["layout"]["annotations"] if "W" in a["text"]] == \
        ["<b>W1</b>", "<b>W2</b>", "<b>W3</b>"]
    caption = next(c for c in at.caption if "inputs (one per pixel)" in c.value)
    assert "30 then 20 hidden ReLU units" in caption.value and "10 softmax outputs" in caption.value
    assert "**ReLU**" in caption.proto.help and "**softmax**" in caption.proto.help


def test_home_keeps_the_tutorials_words_for_the_default_model():
    at = page(str(ROOT / "app.py"))
    assert "The network: 400-25-10" in [s.value for s in at.subheader]
    assert any(c.value.startswith("400 inputs (one per pixel), 25 hidden sigmoid units and 10 outputs")
               for c in at.caption)
    names = [t.get("name") for t in plotly_spec.figure(at, "home_network")["data"] if t.get("name")]
    assert names == ["input a1: 400 units", "hidden a2: 25 units", "output a3: 10 units"]


def test_the_train_page_offers_a_deep_active_model_only_as_npz(deep_run):
    at = page(active=deep_run)
    assert not at.exception
    assert {b.key for b in at.get("download_button")} == {"train_dl_npz"}
    why = next(i.value for i in at.info if "TrainedW1.in and TrainedW2.in" in i.value)
    assert "2 hidden layers (400-30-20-10), relu units and softmax outputs" in why
    assert ".npz" in why


def test_the_dashboards_limits_are_passed_to_nn_cores_one_check_per_knob():
    """The sliders' ends are arguments of nn_core's checks, not a second copy of the rules."""
    from ui import settings

    assert settings.MAXITER_MAX <= nn_core.MAX_ITER
    assert nn_core.check_maxiter(settings.MAXITER_MAX, most=settings.MAXITER_MAX) == settings.MAXITER_MAX
    for check, value, said in (
        (settings.CHECKS["maxiter"], "1001", "maxiter must be a whole number 1-1000, found 1001"),
        (settings.CHECKS["lambd"], "101", "lambda must be a number from 0 to 100, found 101"),
        (settings.CHECKS["seed"], "10001", "seed must be a whole number from 0 up to 10000"),
        (settings.CHECKS["learning_rate"], "0", "learning_rate must be a number from 0.0001 to 100"),
    ):
        with pytest.raises(nn_core.DataFormatError, match=said):
            check(value)
    with pytest.raises(nn_core.DataFormatError, match="learning_rate must be a number > 0"):
        nn_core.check_learning_rate(-1)  # nn_core's own rule, without the dashboard's range
