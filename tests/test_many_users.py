"""Many users at once: the shared default model is never changed, the caches stay bounded, ten
sessions training and predicting at the same time each get their own results, and a prediction
stays quick while another session trains.

The concurrent sessions are AppTests in threads (benchmarks/load_test.py, run here small); the
figures are printed (pytest -s shows them).
"""

import re

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from benchmarks import load_test
from ui import state
from ui.jobs import wait_for_jobs
from ui.settings import Settings

PAGES = ROOT / "pages"


@pytest.fixture(scope="module")
def default_before():
    """The shared default model and a copy of everything about it, taken before any page runs."""
    result = state.default_result()
    net = result.network
    return result, net, net.W1.copy(), net.W2.copy(), len(result.history), result.message


def assert_default_unchanged(default_before):
    result, net, W1, W2, n_steps, message = default_before
    assert state.default_result() is result and result.network is net
    assert np.array_equal(net.W1, W1) and np.array_equal(net.W2, W2)
    assert not net.W1.flags.writeable and not net.W2.flags.writeable
    assert len(result.history) == n_steps and result.message == message
    assert state.default_run().result is result


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pages_that_draw_and_train_never_change_the_shared_default_model(default_before):
    # Train: a run of its own (it starts from random weights, never from the shared model).
    at = AppTest.from_file(str(PAGES / "2_Train.py"), default_timeout=120)
    at.session_state["train_hidden_size"], at.session_state["train_maxiter"] = 4, 2
    no_exception(at.run().button(key="train_go").click().run())
    wait_for_jobs(at.session_state)
    no_exception(at.run())
    # Draw: predict a drawing with the default model, then retrain it on "my digits".
    rgba = load_test.drawing_rgba()
    at = AppTest.from_file(str(PAGES / "4_Draw_and_predict.py"), default_timeout=120)
    at.session_state["draw_canvas_0"] = load_test.canvas_value(rgba)
    at.session_state["my_digits"] = [{"id": 1, "x": np.full(400, 0.3), "label": 7, "shape": (20, 20)}]
    at.session_state["draw_maxiter"] = 1
    no_exception(at.run())
    assert load_test.shown_answer(at) is not None
    no_exception(at.button(key="draw_retrain").click().run())
    wait_for_jobs(at.session_state)
    no_exception(at.run())
    retrained = at.session_state["runs"][-1]
    assert retrained.note == "with my digits" and retrained.network is not default_before[1]
    # The pages that look inside the default model, and grade it.
    for page in ("3_Hidden_units.py", "6_Inside_the_network.py", "7_Grade_weights.py"):
        no_exception(AppTest.from_file(str(PAGES / page), default_timeout=120).run())
    assert_default_unchanged(default_before)


def test_a_page_that_tried_to_change_the_shared_model_would_fail_loudly(default_before):
    net = default_before[1]
    with pytest.raises(ValueError, match="read-only"):
        net.W1[0, 0] = 1.0
    assert_default_unchanged(default_before)


def test_the_trained_model_cache_is_bounded():
    info = state.cached_train._info
    assert info.max_entries == 64 and 0 < info.ttl <= 24 * 3600
    # Fill it beyond its bound with tiny models (1 hidden unit, 1 iteration, 8x8 digits).
    for seed in range(info.max_entries + 8):
        state.cached_train(Settings(dataset="sklearn-8x8", hidden_size=1, maxiter=1, seed=5000 + seed))
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    caches = [c for by_key in _resource_caches._function_caches.values()
              for key, c in by_key.items() if key == state.cached_train._function_key]
    assert caches and all(len(c._mem_cache) <= info.max_entries for c in caches)
    # The newest is still there (an instant hit), the oldest was dropped.
    newest = Settings(dataset="sklearn-8x8", hidden_size=1, maxiter=1, seed=5000 + info.max_entries + 7)
    assert state.cached_train(newest) is state.cached_train(newest)


def test_every_cache_of_the_app_has_a_bound():
    # A cache with arguments grows with every new argument: each needs max_entries (or a ttl).
    # Argument-less ones (the default model and its run) hold a single entry.
    for path in [*sorted((ROOT / "ui").glob("*.py")), *sorted(PAGES.glob("*.py")), ROOT / "app.py"]:
        text = path.read_text()
        for match in re.finditer(r"@st\.(cache_data|cache_resource)(\((?P<opts>[^)]*)\))?\s*\n"
                                 r"def (?P<name>\w+)\((?P<params>[^)]*)\)", text):
            bounded = "max_entries" in (match["opts"] or "") or "ttl" in (match["opts"] or "")
            assert bounded or not match["params"].strip(), f"{path.name}: {match['name']} is unbounded"


def test_ten_sessions_training_and_predicting_at_once_each_get_their_own_results(capsys):
    sessions, wall, memory = load_test.run_sessions(n=10, dataset="sklearn-8x8", maxiter=2)
    report = load_test.describe(sessions, wall, memory)
    with capsys.disabled():
        print("\n" + report)
    assert all(s.ok for s in sessions), report
    assert len({s.settings for s in sessions}) == 10  # different settings...
    # ...and a run of its own each, numbered within its own session (run ids are per session)
    assert [s.run_id for s in sessions] == [1] * 10
    assert memory.peak_mb - memory.start_mb < 1500  # MB: ten sessions fit a small server


def test_a_drawing_is_predicted_in_well_under_a_second_while_another_session_trains(capsys):
    figures = load_test.latency_under_training(predictions=15, page_runs=2)
    with capsys.disabled():
        print("\n" + load_test.describe_latency(figures))
    assert figures["training_iterations_meanwhile"] >= 1  # it really was training meanwhile
    assert max(figures["busy_core"]) < 1.0  # seconds: prepare_drawing + predict_proba
    assert max(figures["busy_page"]) < 10.0  # the whole page, every chart included (AppTest)


# --- nothing lost -------------------------------------------------------------------------------

def app(page="pages/2_Train.py"):
    """The whole app in one session, opened at `page`: pages switched as in the sidebar share
    the session state."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).switch_page(page)


def train_on_page(at, hidden, maxiter=2):
    at.slider(key="train_hidden_size").set_value(hidden)
    at.slider(key="train_maxiter").set_value(maxiter)
    no_exception(at.run().button(key="train_go").click().run())
    wait_for_jobs(at.session_state)
    no_exception(at.run())
    return at.session_state["runs"][-1]


def test_runs_and_knobs_survive_page_switches_and_reruns():
    at = no_exception(app().run())
    first, second = train_on_page(at, 4), train_on_page(at, 6, maxiter=3)
    runs = list(at.session_state["runs"])
    assert [r.settings.hidden_size for r in runs] == [4, 6] and at.session_state["active_run_id"] == second.id
    for page in ("pages/4_Draw_and_predict.py", "pages/3_Hidden_units.py", "app.py"):
        no_exception(at.switch_page(page).run())
        assert at.session_state["runs"] == runs and at.session_state["active_run_id"] == second.id
        if page.startswith("pages/4"):
            assert any(second.label in c.value for c in at.caption)  # the Draw page uses it
    no_exception(at.switch_page("pages/2_Train.py").run())
    for _ in range(3):
        no_exception(at.run())  # reruns
    assert at.session_state["runs"] == runs and runs[0] is first
    assert at.slider(key="train_hidden_size").value == 6 and at.slider(key="train_maxiter").value == 3
    assert any(second.label in m.value for m in at.markdown)  # still the active model
    assert list(at.dataframe[0].value["run"]) == [0, first.id, second.id]  # the history table


def test_a_run_goes_on_when_the_user_leaves_the_train_page_and_lands_in_the_history():
    from ui import training_ui

    at = no_exception(app().run())
    earlier = train_on_page(at, 4)
    at.session_state["train_dataset"] = "sklearn-8x8"
    at.slider(key="train_hidden_size").set_value(5)
    at.slider(key="train_maxiter").set_value(60)
    at.number_input(key="train_seed").set_value(4323)  # settings no other test trains (no cache hit)
    no_exception(at.run().button(key="train_go").click().run())
    job = at.session_state[training_ui.JOB]
    # The user leaves for the Draw page while the wizard studies: the run goes on.
    no_exception(at.switch_page("pages/4_Draw_and_predict.py").run())
    assert not job.stop_requested
    assert job.wait(120)
    no_exception(at.run())
    new = at.session_state["runs"][-1]
    assert [r.id for r in at.session_state["runs"]] == [earlier.id, new.id]
    assert not new.result.stopped and new.settings.hidden_size == 5 and new.result.n_iterations > 3
    assert at.session_state["active_run_id"] == new.id  # the model the user asked for, on every page
    assert any(f"#{new.id} ·" in c.value for c in at.caption if "Active model" in c.value)
    # Back on Train: its verdict is shown once.
    no_exception(at.switch_page("pages/2_Train.py").run())
    assert any(f"Run #{new.id}" in m.value for m in [*at.success, *at.warning])
def test_every_trained_model_can_be_downloaded(monkeypatch):
    from streamlit.runtime import memory_media_file_storage as media

    served = {}  # file id -> bytes, as the download buttons hand them to the media server
    real = media.MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        file_id = real(self, data, mimetype, kind, filename)
        served[file_id] = data
        return file_id

    monkeypatch.setattr(media.MemoryMediaFileStorage, "load_and_get_id", spy)
    from nn_core import read_npz, read_seed_weights

    at = no_exception(app().run())
    runs = [state.default_run(), train_on_page(at, 3)]
    for run in runs:
        if at.session_state["active_run_id"] != run.id:
            at.selectbox(key="train_pick").set_value(run.id)
            no_exception(at.run().button(key="train_activate").click().run())
        files = {b.label: served[b.proto.url.rsplit("/", 1)[1].split(".")[0]]
                 for b in at.get("download_button")}
        assert set(files) >= {"TrainedW1.in", "TrainedW2.in", "weights (.npz)"}
        net = read_seed_weights(files["TrainedW1.in"], files["TrainedW2.in"], n_inputs=400)
        assert net == run.network  # the tutorial's files give back this run's weights, bit for bit
        assert read_npz(files["weights (.npz)"])["network"] == run.network
