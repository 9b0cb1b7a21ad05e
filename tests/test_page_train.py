"""The Train page in AppTest: knobs <-> URL, a short training run, the cache, Stop, divergence."""

import time
from urllib.parse import parse_qsl

import numpy as np
import plotly_spec
import pytest
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core import Network
from nn_core.formats.seed_files import seed_weights_bytes
from ui import state, training_ui
from ui.jobs import wait_for_jobs
from ui.settings import Settings

PAGE = str(ROOT / "pages" / "2_Train.py")


def fresh(query=None):
    at = AppTest.from_file(PAGE, default_timeout=120)
    if query:
        at.query_params.update(query)
    return at.run()


def tiny(at, maxiter=3, hidden=5):
    at.slider(key="train_maxiter").set_value(maxiter)
    at.slider(key="train_hidden_size").set_value(hidden)
    return at.run()


def train(at):
    """Press Train and show what the training job left once it has ended."""
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    return at.run()


def settings_query(at):
    """The URL's settings, without the workspace id (?ws=, see tests/test_workspace.py)."""
    return {k: v for k, v in at.query_params.items() if k != "ws"}


def messages(at):
    return {kind: [m.value for m in getattr(at, kind)] for kind in ("success", "warning", "error")}


def active_label(at):
    """The active model's label, shown in bold under "The active model"."""
    return next(m.value for m in at.markdown if m.value.startswith("**#"))


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def default_weights():
    """A copy of the shared default model's weights, taken before any test trains."""
    net = state.default_result().network
    return net, net.W1.copy(), net.W2.copy()


def test_fresh_session_shows_the_default_model_and_the_knobs():
    at = fresh()
    assert not at.exception
    assert at.title[0].value == "Train the wizard"
    assert "25 hidden" in active_label(at)
    assert {m.label for m in at.metric} == {"train accuracy", "validation accuracy", "test accuracy"}
    assert float(metric(at, "validation accuracy").rstrip("%")) > 85  # the default model reads
    assert at.slider(key="train_maxiter").value == 50 and at.slider(key="train_hidden_size").value == 25
    assert settings_query(at) == {}  # the defaults need no URL parameters
    assert "Experiment to try" in at.info[-1].value


def test_knobs_change_the_settings_and_the_url():
    at = tiny(fresh(), maxiter=7, hidden=12)
    at.select_slider(key="train_lambd").set_value(0.03)
    at.radio(key="train_method").set_value("GD").run()
    at.number_input(key="train_lr").set_value(2.5).run()
    assert not at.exception
    assert at.session_state["train_settings"] == Settings(hidden_size=12, maxiter=7, lambd=0.03,
                                                          method="GD", learning_rate=2.5)
    assert settings_query(at) == {"hidden_size": "12", "maxiter": "7", "lambd": "0.03",
                                  "method": "GD", "learning_rate": "2.5"}
    link = at.code[0].value  # the link to copy (AppTest has no page address, only the query)
    # The settings only: a link shared with the class must not hand over your workspace.
    assert dict(parse_qsl(link.split("?", 1)[1])) == settings_query(at)
    at.radio(key="train_method").set_value("L-BFGS-B").run()
    assert "learning_rate" not in at.query_params and "method" not in at.query_params
    assert not [w for w in at.number_input if w.key == "train_lr"]  # only shown for GD


def test_query_parameters_initialise_the_widgets():
    at = fresh({"hidden_size": "40", "lambd": "0.5", "maxiter": "120", "method": "GD",
                "learning_rate": "0.2", "seed": "7", "dataset": "sklearn-8x8"})
    assert not at.exception
    assert at.slider(key="train_hidden_size").value == 40
    assert at.slider(key="train_maxiter").value == 120
    assert at.select_slider(key="train_lambd").value == 0.5  # not on the scale: added to it
    assert at.radio(key="train_method").value == "GD"
    assert at.number_input(key="train_lr").value == 0.2
    assert at.number_input(key="train_seed").value == 7
    assert at.selectbox(key="train_dataset").value == "sklearn-8x8"
    # A hand-edited link's refused values fall back to the defaults instead of crashing the page.
    at = fresh({"hidden_size": "100000", "maxiter": "-3", "lambd": "banana"})
    assert not at.exception
    assert at.slider(key="train_hidden_size").value == 25 and at.slider(key="train_maxiter").value == 50
    assert at.select_slider(key="train_lambd").value == 1.0
    assert len(at.warning) == 3


def test_short_training_adds_an_active_run_and_the_same_settings_hit_the_cache(default_weights):
    at = tiny(fresh())
    before = metric(at, "train accuracy")
    train(at)
    assert not at.exception
    runs = at.session_state["runs"]
    assert len(runs) == 1 and at.session_state["active_run_id"] == runs[0].id
    assert runs[0].settings == Settings(hidden_size=5, maxiter=3)
    assert runs[0].result.n_iterations == 3
    assert "5 hidden" in active_label(at)
    assert metric(at, "train accuracy") == f"{runs[0].accuracy['train']:.1%}" != before
    assert any("maxiter = 3" in w for w in messages(at)["warning"])
    history = at.dataframe[0].value
    assert list(history["run"]) == [0, runs[0].id]  # the default model, then the new run
    assert list(history["active"]) == [False, True]

    train(at)  # the same settings again
    runs = at.session_state["runs"]
    assert len(runs) == 2 and at.session_state["active_run_id"] == runs[1].id
    assert runs[1].result is runs[0].result  # the cached object itself: nothing was retrained
    assert any("from the cache" in w for w in messages(at)["warning"])

    net, W1, W2 = default_weights
    assert state.default_result().network is net
    assert np.array_equal(net.W1, W1) and np.array_equal(net.W2, W2)
    assert not net.W1.flags.writeable and not net.W2.flags.writeable


def test_gd_with_a_huge_learning_rate_explains_and_keeps_the_active_model():
    at = train(tiny(fresh(), maxiter=4, hidden=6))
    good = at.session_state["active_run_id"]
    at.select_slider(key="train_lambd").set_value(0.0)
    at.radio(key="train_method").set_value("GD").run()
    at.number_input(key="train_lr").set_value(100.0).run()
    train(at)
    assert not at.exception
    errors = messages(at)["error"]
    assert errors and "learning rate" in errors[0] and "previous model stays active" in errors[0]
    assert at.session_state["active_run_id"] == good
    assert at.session_state["runs"][-1].settings.learning_rate == 100.0  # kept for comparison


def test_stop_keeps_the_partial_run_and_makes_it_active():
    at = fresh({"dataset": "sklearn-8x8", "hidden_size": "5", "maxiter": "1000", "seed": "4321"})
    at.button(key="train_go").click().run()
    job = at.session_state[training_ui.JOB]
    assert job.running and at.button(key="train_go").disabled  # one training at a time
    deadline = time.monotonic() + 30
    while job.done < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    at.run()  # the page shows the running job with its Stop button
    at.button(key="train_stop").click().run()
    wait_for_jobs(at.session_state)
    at.run()
    assert not at.exception
    run = at.session_state["runs"][-1]
    assert at.session_state["active_run_id"] == run.id
    assert run.result.stopped and 3 <= run.result.n_iterations < 1000
    assert any(f"Stopped by you after {run.result.n_iterations} iterations" in w
               for w in messages(at)["warning"])
    assert training_ui.JOB not in at.session_state  # shown once, then gone


def test_a_click_elsewhere_does_not_cancel_training():
    at = fresh({"dataset": "sklearn-8x8", "hidden_size": "5", "maxiter": "40", "seed": "4322"})
    at.button(key="train_go").click().run()
    job = at.session_state[training_ui.JOB]
    at.slider(key="train_hidden_size").set_value(9).run()  # another widget, while it trains
    assert not job.stop_requested
    wait_for_jobs(at.session_state)
    at.run()
    run = at.session_state["runs"][-1]
    assert not run.result.stopped and run.settings.hidden_size == 5 and run.result.n_iterations > 3


def test_uploaded_start_weights_fix_the_hidden_size_and_bad_ones_are_refused():
    at = tiny(fresh(), maxiter=2, hidden=30)
    at.radio(key="train_start").set_value("upload").run()
    assert at.button(key="train_go").disabled  # nothing to start from yet
    assert any("Upload both" in i.value for i in at.info)
    w1, w2 = seed_weights_bytes(Network.random(400, 7, seed=5))
    at.file_uploader(key="train_w1").upload("W1.in", w1)
    at.file_uploader(key="train_w2").upload("W2.in", w2)
    at.run()
    assert at.slider(key="train_hidden_size").disabled and at.slider(key="train_hidden_size").value == 7
    assert any("7 hidden units" in c.value for c in at.caption)
    train(at)
    assert not at.exception
    run = at.session_state["runs"][-1]
    assert run.network.hidden_size == 7 and run.settings.hidden_size == 7
    assert run.settings.init.startswith("weights:") and len(run.settings.init) == len("weights:") + 40
    # Weights made for 28x28 digits do not fit the 20x20 ones: expected vs found, no training.
    w1, w2 = seed_weights_bytes(Network.random(784, 7, seed=5))
    at.file_uploader(key="train_w1").set_value(("W1.in", w1, "text/plain"))
    at.file_uploader(key="train_w2").set_value(("W2.in", w2, "text/plain"))
    at.run()
    assert not at.exception
    assert any("401 columns" in e.value and "785" in e.value for e in at.error)
    assert at.button(key="train_go").disabled
    assert at.session_state["active_run_id"] == run.id  # the user's model is untouched


def test_active_model_can_be_switched_back_to_the_default():
    at = train(tiny(fresh()))
    assert at.session_state["active_run_id"] != 0
    at.selectbox(key="train_pick").set_value(0)
    at.button(key="train_activate").click().run()
    assert at.session_state["active_run_id"] == 0 and "50 it" in active_label(at)


def test_runs_and_knobs_survive_a_page_switch():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/2_Train.py").run()
    train(tiny(at, maxiter=4, hidden=6))
    run_id = at.session_state["active_run_id"]
    at.switch_page("app.py").run()
    assert "train_maxiter" not in at.session_state  # Streamlit forgets widgets of other pages
    at.switch_page("pages/2_Train.py").run()
    assert not at.exception
    assert at.slider(key="train_maxiter").value == 4 and at.slider(key="train_hidden_size").value == 6
    assert at.session_state["active_run_id"] == run_id and len(at.session_state["runs"]) == 1
    assert "6 hidden" in active_label(at)


def test_start_weights_from_the_data_folder(tmp_path, monkeypatch):
    w1, w2 = seed_weights_bytes(Network.random(400, 9, seed=2))
    (tmp_path / "W1.in").write_bytes(w1)
    (tmp_path / "W2.in").write_bytes(w2)
    monkeypatch.setattr(state, "DATA_DIR", tmp_path)
    at = tiny(fresh(), maxiter=2)
    at.radio(key="train_start").set_value("data").run()
    assert at.slider(key="train_hidden_size").disabled
    train(at)
    assert not at.exception
    run = at.session_state["runs"][-1]
    assert run.network.hidden_size == 9 and run.settings.init.startswith("weights:")


def test_a_few_uploaded_digits_train_and_every_page_shows_what_it_can():
    """Ten digits of your own leave nothing for validation and test: accuracies there read "—",
    and no page fails on the model trained on them (home, Train, Draw with retraining, Grade)."""
    from nn_core.digits.my_digits import as_dataset

    rng = np.random.default_rng(3)
    few = as_dataset(rng.uniform(0, 1, (10, 400)), np.arange(10), (20, 20))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user_data"] = few
    at.run()
    at.switch_page("pages/2_Train.py").run()
    at.selectbox(key="train_dataset").set_value(few.name).run()
    train(tiny(at))
    assert not at.exception
    assert metric(at, "validation accuracy") == "—" and metric(at, "test accuracy") == "—"
    assert metric(at, "train accuracy").endswith("%")
    for page in ("app.py", "pages/7_Grade_weights.py", "pages/3_Hidden_units.py",
                 "pages/6_Inside_the_network.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    # Draw a 7, add it to my digits and retrain: no validation digits to compare on either.
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.switch_page("pages/4_Draw_and_predict.py").run()
    at.button(key="draw_add").click().run()
    at.number_input(key="draw_maxiter").set_value(3)
    at.button(key="draw_retrain").click().run()
    wait_for_jobs(at.session_state)  # retraining runs in the background
    at.run()
    assert not at.exception
    assert metric(at, f"validation accuracy, model #{at.session_state['active_run_id']}") == "—"


def test_a_model_whose_uploaded_data_was_replaced_keeps_its_place_on_train():
    """Upload digits, train on them, then load other files in the Data explorer: the model stays
    active and the Train page says why its mistakes cannot be shown, instead of failing."""
    from nn_core.digits.datasets import load_dataset
    from nn_core.formats.seed_files import seed_data_bytes

    mnist = load_dataset("mnist-20x20")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/1_Data_explorer.py").run()

    def load(rows):
        x, y = seed_data_bytes(mnist.subset(rows))
        at.file_uploader(key="explorer_x_upload").upload("X.in", x)
        at.file_uploader(key="explorer_y_upload").upload("y.in", y)
        at.run()
        at.button(key="explorer_load").click().run()
        assert not at.exception and not at.error
        return at.session_state["user_data"].name

    first = load(np.arange(0, 300))
    at.switch_page("pages/2_Train.py").run()
    at.selectbox(key="train_dataset").set_value(first).run()
    train(tiny(at))
    trained = at.session_state["active_run_id"]
    at.switch_page("pages/1_Data_explorer.py").run()
    assert load(np.arange(300, 500)) != first
    at.switch_page("pages/2_Train.py").run()
    assert not at.exception
    assert at.session_state["active_run_id"] == trained
    assert any("no longer loaded in this session" in i.value for i in at.info)
    assert metric(at, "validation accuracy").endswith("%")  # measured when it was trained


def test_the_tutorials_settings_are_one_click_away_and_say_why_the_defaults_differ():
    at = fresh({"hidden_size": "60", "lambd": "3", "maxiter": "200", "method": "CG"})
    at.button(key="train_tutorial").click().run()
    assert not at.exception
    # The tutorial's train.py: hidden_layer_size 25, lambda 0.1, maxiter 20, L-BFGS-B.
    assert at.slider(key="train_hidden_size").value == 25
    assert at.select_slider(key="train_lambd").value == 0.1
    assert at.slider(key="train_maxiter").value == 20 and at.radio(key="train_method").value == "L-BFGS-B"
    assert at.query_params["lambd"] == "0.1" and at.query_params["maxiter"] == "20"
    assert any("Why the defaults differ" in c.value for c in at.caption)


def _runs_chart(at):
    return plotly_spec.figure(at, "train_runs_chart")


def test_runs_that_differ_in_one_knob_are_charted_and_judged_by_that_knob():
    at = tiny(fresh(), maxiter=3, hidden=5)
    train(at)
    at.select_slider(key="train_lambd").set_value(0.1).run()
    at = train(at)
    runs = at.session_state["runs"]
    assert [r.settings.lambd for r in runs] == [1.0, 0.1]
    spec = _runs_chart(at)
    assert spec["data"][1]["x"] == ["λ = 0.1", "λ = 1"]  # sorted by λ, not "#1 #2"
    assert spec["layout"]["xaxis"]["title"]["text"] == "λ"
    assert spec["layout"]["yaxis"]["range"] == [0, 100.5]  # a 1-point gap looks like one point
    val = {r.settings.lambd: 100 * r.accuracy["validation"] for r in runs}
    best = max(val, key=val.get)
    said = next(i.value for i in at.info if "reads new digits best" in i.value)
    assert said.startswith(f"λ = {best:g} reads new digits best")
    assert f"a difference of {abs(val[1.0] - val[0.1]):.1f} points" in said
    assert "seed spread on the Experiments page" in said  # no noise measured yet: where to get it
    assert any("test digits are kept for the end" in c.value for c in at.caption)

    # A third run that differs from the second only in its seed measures the noise.
    at.number_input(key="train_seed").set_value(1).run()
    at = train(at)
    assert knob_of(at) is None  # λ and seed now both vary: no one-knob verdict
    assert not any("reads new digits best" in i.value for i in at.info)


def knob_of(at):
    title = _runs_chart(at)["layout"]["xaxis"]["title"]["text"]
    return None if title == "run" else title
