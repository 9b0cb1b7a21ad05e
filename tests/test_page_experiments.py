"""AppTest for the Experiments page: each experiment at a tiny size (8x8 digits, 2 iterations)
shows its chart and its lesson and keeps them across reruns and page visits; the same settings
again come from the cache; a λ sweep's model can be made active; Stop keeps the trainings that
had finished; settings nn_core refuses show an error."""

import plotly_spec
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core import DataFormatError
from nn_core import experiments as ex
from ui.jobs import wait_for_jobs

PAGE = str(ROOT / "pages/5_Experiments.py")
EXPERIMENTS = ["lambda", "learning", "seeds", "race", "symmetry", "hidden", "activation", "depth",
               "output", "scale"]


def _page(maxiter=2):
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.selectbox(key="exp_dataset").set_value("sklearn-8x8")
    at.number_input(key="exp_maxiter").set_value(maxiter)
    return at.run()


def run(at, name):
    """Press the experiment's button and show what its job left once it has ended."""
    at.button(key=f"exp_{name}_run").click().run()
    wait_for_jobs(at.session_state)
    return at.run()


def _lessons(at):
    return [s.value for s in at.success if s.value.startswith("**What it teaches.**")]


def test_overrides_start_from_the_active_model():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert "Experiments" in at.title[0].value
    assert at.number_input(key="exp_hidden").value == 25  # the shared default model: 400-25-10
    assert at.number_input(key="exp_lambd").value == 1.0
    assert at.number_input(key="exp_maxiter").value == 50
    assert not _lessons(at)
    assert at.info[-1].value.startswith("**Experiment to try:**")


@pytest.mark.parametrize("index, name", list(enumerate(EXPERIMENTS)))
def test_each_experiment_shows_its_chart_and_lesson_and_keeps_them(index, name):
    at = _page()
    tab = at.tabs[index]
    assert not tab.get("plotly_chart")
    run(at, name)
    assert not at.exception
    tab = at.tabs[index]
    assert tab.get("plotly_chart"), "no chart after the run"
    assert len(_lessons(at)) == 1
    assert "sklearn-8x8" in " ".join(c.value for c in tab.caption)  # the settings it ran with
    assert name in at.session_state["exp_outcomes"]
    at.run()  # any later rerun (another click, a page switch and back) still shows it
    assert at.tabs[index].get("plotly_chart") and len(_lessons(at)) == 1


def test_the_same_settings_again_come_from_the_cache():
    at = _page(maxiter=3)
    run(at, "seeds")
    first = at.session_state["exp_outcomes"]["seeds"]
    run(at, "seeds")
    again = at.session_state["exp_outcomes"]["seeds"]
    assert again.cached and not first.cached
    assert list(again.result.validation_accuracy) == list(first.result.validation_accuracy)
    assert any("from the cache" in c.value for c in at.tabs[2].caption)


def test_a_model_from_the_lambda_sweep_becomes_the_active_model():
    at = _page()
    run(at, "lambda")
    sweep = at.session_state["exp_outcomes"]["lambda"].result
    last = len(sweep.values) - 1
    at.selectbox(key="exp_lambda_pick").set_value(last)
    at.button(key="exp_lambda_activate").click().run()
    assert not at.exception
    runs = at.session_state["runs"]
    assert at.session_state["active_run_id"] == runs[-1].id
    assert runs[-1].settings.lambd == sweep.values[last] and runs[-1].network == sweep.results[last].network
    assert any("is now the active model" in i.value for i in at.info)
    # The base settings keep what the user set; the chart and lesson stay.
    assert at.number_input(key="exp_maxiter").value == 2 and len(_lessons(at)) == 1


def test_stop_keeps_the_finished_trainings_and_caches_nothing():
    import time

    from ui import experiment_runs as runs

    at = _page(maxiter=10)
    at.number_input(key="exp_seed").set_value(6).run()
    at.button(key="exp_seeds_run").click().run()
    job = at.session_state[runs.job_key("seeds")]
    deadline = time.monotonic() + 60
    while job.done < 10 and time.monotonic() < deadline:  # the first training has finished
        time.sleep(0.01)
    at.run()
    assert at.button(key="exp_seeds_run").disabled  # one run of an experiment at a time
    at.button(key="exp_seeds_stop").click().run()
    wait_for_jobs(at.session_state)
    at.run()
    assert not at.exception
    outcome = at.session_state["exp_outcomes"]["seeds"]
    assert not outcome.result.complete
    assert 1 <= len(outcome.result.values) < 10
    assert outcome.result.values[0] == 6  # the ten seeds start at the base seed
    assert "stopped early" in " ".join(c.value for c in at.tabs[2].caption)
    box = runs._finished("seeds", outcome.settings, "sklearn-8x8")
    assert "outcome" not in box  # a stopped experiment is never served from the cache


def test_settings_nn_core_refuses_show_an_error_and_keep_earlier_results(monkeypatch):
    at = _page()
    run(at, "learning")
    first = at.session_state["exp_outcomes"]["learning"]
    runs_before = list(at.session_state["runs"]) if "runs" in at.session_state else []

    def refuse(*args, **kwargs):
        raise DataFormatError("m must be a whole number from 1 to 8, found 100")

    monkeypatch.setattr(ex, "learning_curve", refuse)
    at.number_input(key="exp_hidden").set_value(30).run()
    run(at, "learning")
    assert not at.exception
    assert any("could not run" in e.value and "found 100" in e.value for e in at.error)
    assert at.session_state["exp_outcomes"]["learning"] is first  # the earlier result stays
    assert (list(at.session_state["runs"]) if "runs" in at.session_state else []) == runs_before


def test_results_survive_a_visit_to_another_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/5_Experiments.py").run()
    at.selectbox(key="exp_dataset").set_value("sklearn-8x8")
    at.number_input(key="exp_maxiter").set_value(2).run()
    run(at, "symmetry")
    lesson = _lessons(at)
    at.switch_page("pages/2_Train.py").run()
    assert not _lessons(at)
    at.switch_page("pages/5_Experiments.py").run()
    assert not at.exception
    assert _lessons(at) == lesson and at.tabs[4].get("plotly_chart")


def test_a_data_set_too_small_for_validation_says_so_instead_of_offering_runs():
    import numpy as np

    from nn_core.digits.my_digits import as_dataset

    few = as_dataset(np.random.default_rng(3).uniform(0, 1, (10, 64)), np.arange(10), (8, 8))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["user_data"] = few
    at.run()
    at.selectbox(key="exp_dataset").set_value(few.name).run()
    assert not at.exception
    assert any("too few to keep some aside for validation" in w.value for w in at.warning)
    assert not [b for b in at.button if (b.key or "").endswith("_run")]  # nothing to run on
    at.selectbox(key="exp_dataset").set_value("sklearn-8x8").run()  # the way back
    assert at.button(key="exp_symmetry_run")


def test_the_seed_spread_chart_names_what_each_axis_and_box_shows():
    at = run(_page(maxiter=3), "seeds")
    spec = plotly_spec.figure(at, "exp_seed_chart")
    boxes = [t["name"] for t in spec["data"]]
    assert boxes == ["validation accuracy, 10 seeds", "final cost J, 10 seeds"]  # not "10 seeds"/"J"
    titles = [spec["layout"][axis]["title"]["text"] for axis in ("yaxis", "yaxis2")]
    assert titles[0] == "validation accuracy (%)" and titles[1].startswith("cost J on the training digits")
    assert any("Each box plot gathers the ten seeds" in c.value for c in at.tabs[2].caption)


def test_the_new_experiments_label_every_axis_with_what_and_in_what_unit():
    at = _page()
    for name in ("activation", "depth", "output", "scale"):
        run(at, name)
        spec = plotly_spec.figure(at, f"exp_{name}_chart")
        axes = [k for k in spec["layout"] if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(spec["layout"][k]["title"]["text"] for k in axes), name
        units = [spec["layout"][k]["title"]["text"] for k in axes if k.startswith("yaxis")]
        assert all("(" in t for t in units), f"{name}: a y axis without its unit: {units}"
    assert not at.exception
    lessons = _lessons(at)
    assert len(lessons) == 4
    assert any("ReLU units died" in t for t in lessons)  # the activation race counts dead units
    assert any("weights (at most" in t for t in lessons)  # depth shows the weight counts
    assert any("always sum to 1" in t for t in lessons)  # softmax
    assert any("pixels from 0 to 1" in t for t in lessons)  # input scale
