"""The Hidden units page (AppTest): one weight image per hidden unit, and one unit's details."""


import numpy as np
import pytest
from conftest import ROOT
from plotly_spec import array, figure
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core.digits.datasets import load_dataset, split_dataset
from ui.settings import DEFAULT, Settings
from ui.state import Run

PAGE = str(ROOT / "pages" / "3_Hidden_units.py")


def grid_units(at):
    """The unit numbers of the weight images in the grid (one clickable marker per image)."""
    markers = figure(at, "hidden_grid")["data"][-1]
    return [int(u) for u in array(markers["customdata"])]


def page(run=None):
    at = AppTest.from_file(PAGE, default_timeout=90)
    if run is not None:
        at.session_state["runs"] = [run]
        at.session_state["active_run_id"] = run.id
    return at.run()


def make_run(network, settings, run_id=5):
    result = nn_core.TrainResult(network=network)
    return Run(run_id, settings, result, {"train": 0.0, "validation": 0.0, "test": 0.0})


@pytest.fixture(scope="module")
def small_8x8_run():
    """A 64-7-10 model trained briefly on scikit-learn's 8x8 digits."""
    split = split_dataset(load_dataset("sklearn-8x8"), seed=0)
    settings = Settings(dataset="sklearn-8x8", hidden_size=7, maxiter=15)
    result = nn_core.train(split.train.X, split.train.y, hidden_size=7, maxiter=15, seed=0)
    return Run(3, settings, result, {"train": 0.0, "validation": 0.0, "test": 0.0})


def test_fresh_session_shows_one_weight_image_per_hidden_unit_of_the_default_model():
    at = page()
    assert not at.exception
    assert at.title[0].value.startswith("Hidden units")
    assert grid_units(at) == list(range(DEFAULT.hidden_size))
    heat = figure(at, "hidden_grid")["data"][0]
    owner = array(heat["customdata"])
    assert (owner == 0).sum() == 20 * 20  # each unit's image has one weight per 20x20 pixel
    assert "red pixels push the unit on" in at.markdown[0].value
    assert at.info[-1].value.startswith("**Experiment to try:**")


def test_grid_follows_the_active_model_size_and_image_shape(small_8x8_run):
    net = small_8x8_run.network
    at = page(small_8x8_run)
    assert not at.exception
    assert grid_units(at) == list(range(7))
    heat = figure(at, "hidden_grid")["data"][0]
    z, owner = array(heat["z"]), array(heat["customdata"])
    for j in range(7):  # tile j is row j of W1 without its bias, upright as an 8x8 image
        np.testing.assert_allclose(z[owner == j].reshape(8, 8), net.W1[j, 1:].reshape(8, 8),
                                   rtol=1e-6, atol=1e-6)
    big = array(figure(at, "hidden_weight_image")["data"][0]["z"])
    assert big.shape == (8, 8)
    # One scale for all units, centred on 0.
    assert heat["zmin"] == -heat["zmax"] == pytest.approx(-np.abs(net.W1[:, 1:]).max(), rel=1e-6)


def test_selecting_a_unit_changes_the_detail_charts(small_8x8_run):
    net = small_8x8_run.network
    split = split_dataset(load_dataset("sklearn-8x8"), seed=0)
    at = page(small_8x8_run)
    details = {}
    for unit in (0, 4):
        at.selectbox(key="hidden_unit").set_value(unit).run()
        assert not at.exception
        votes = array(figure(at, "hidden_votes")["data"][0]["y"])
        np.testing.assert_allclose(votes, net.W2[:, unit + 1])  # column unit+1: bias is column 0
        big = array(figure(at, "hidden_weight_image")["data"][0]["z"])
        np.testing.assert_allclose(big, net.W1[unit, 1:].reshape(8, 8))
        # Mean activation per digit on the validation split, computed here by hand.
        a = 1 / (1 + np.exp(-(split.validation.X @ net.W1[unit, 1:] + net.W1[unit, 0])))
        expected = [a[split.validation.y == d].mean() for d in range(10)]
        np.testing.assert_allclose(array(figure(at, "hidden_activation")["data"][0]["y"]),
                                   expected, rtol=1e-6)
        top = figure(at, "hidden_top")
        ids = array(top["data"][0]["customdata"])
        shown = list(dict.fromkeys(ids[ids >= 0].ravel().tolist()))
        a_train = 1 / (1 + np.exp(-(split.train.X @ net.W1[unit, 1:] + net.W1[unit, 0])))
        assert len(shown) == 12
        assert sorted(a_train[shown]) == sorted(np.sort(a_train)[-12:])
        details[unit] = (votes, shown)
    assert not np.allclose(details[0][0], details[4][0])
    assert details[0][1] != details[4][1]


def test_many_hidden_units_are_shown_a_page_at_a_time():
    settings = Settings(dataset="sklearn-8x8", hidden_size=150)
    at = page(make_run(nn_core.Network.random(64, 150, seed=0), settings))
    assert not at.exception
    assert grid_units(at) == list(range(100))
    at.selectbox(key="hidden_page").select_index(1).run()
    assert grid_units(at) == list(range(100, 150))
    at.selectbox(key="hidden_unit").set_value(149).run()
    assert not at.exception and "Unit 149" in at.subheader[-1].value


def test_a_model_whose_data_set_is_gone_still_shows_its_weights():
    settings = Settings(dataset="your X.in / y.in · 10 digits · abcdef", hidden_size=3)
    at = page(make_run(nn_core.Network.random(16, 3, seed=0), settings))
    assert not at.exception
    assert grid_units(at) == [0, 1, 2]
    assert array(figure(at, "hidden_weight_image")["data"][0]["z"]).shape == (4, 4)
    assert any("not loaded" in i.value for i in at.info)


# --- deeper networks (issue 12 item 3) and finding units by what they do (issue 13 item 3) ------

@pytest.fixture(scope="module")
def deep_run():
    """A 64-30-20-10 relu/softmax model, trained briefly on part of the 8x8 digits."""
    split = split_dataset(load_dataset("sklearn-8x8"), seed=0)
    settings = Settings(dataset="sklearn-8x8", hidden_size=(30, 20), maxiter=20,
                        activation="relu", output="softmax")
    result = nn_core.train(split.train.X[:400], split.train.y[:400], hidden_size=(30, 20),
                           maxiter=20, seed=0, activation="relu", output="softmax")
    return Run(8, settings, result, {"train": 0.0, "validation": 0.0, "test": 0.0}), split


def test_a_deep_model_offers_each_hidden_layer_and_layer_2_shows_mean_activation_per_digit(deep_run):
    run, split = deep_run
    net = run.network
    at = page(run)
    assert not at.exception
    layers = at.selectbox(key="hidden_layer")
    assert layers.options and len(layers.options) == 2
    assert grid_units(at) == list(range(30))  # layer 1: its units as weight images
    layers.set_value(2).run()
    assert not at.exception
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-hidden_grid")]
    at.selectbox(key="hidden_unit").set_value(5).run()
    a3 = net.forward(split.validation.X).a[2]  # layer 2's activations, a3
    expected = [a3[split.validation.y == d, 5].mean() for d in range(10)]
    shown = figure(at, "hidden_activation")
    np.testing.assert_allclose(array(shown["data"][0]["y"]), expected, rtol=1e-6)
    assert "mean a3" in shown["layout"]["yaxis"]["title"]["text"]
    votes = array(figure(at, "hidden_votes")["data"][0]["y"])  # layer 2 votes through W3
    np.testing.assert_allclose(votes, net.weights[2][:, 6])


@pytest.mark.parametrize("layer", [1, 2])
def test_sorting_the_overview_by_0_puts_the_strongest_0_unit_first_and_opens_it(deep_run, layer):
    run, split = deep_run
    net = run.network
    a = net.forward(split.validation.X).a[layer]
    mean0 = a[split.validation.y == 0].mean(axis=0)
    at = page(run)
    if layer == 2:
        at.selectbox(key="hidden_layer").set_value(2).run()
    overview = figure(at, "hidden_overview")
    assert overview["layout"]["xaxis"]["title"]["text"].startswith("digit")
    assert overview["layout"]["yaxis"]["title"]["text"] == "hidden unit"
    assert list(overview["data"][0]["y"]) == [f"unit {j}" for j in range(len(mean0))]
    at.selectbox(key="hidden_sort").set_value(0).run()
    assert not at.exception
    sorted_view = figure(at, "hidden_overview")
    rows = list(sorted_view["data"][0]["y"])
    first = int(rows[0].split()[1])
    assert mean0[first] == pytest.approx(mean0.max())
    np.testing.assert_allclose(array(sorted_view["data"][0]["z"])[0],
                               [a[split.validation.y == d, first].mean() for d in range(10)],
                               rtol=1e-6)
    # The top row's click targets carry that unit, for the click handler below.
    assert set(array(sorted_view["data"][1]["customdata"])[:10].tolist()) == {first}
    # Choosing "the 0 detectors first" opens that unit.
    assert at.selectbox(key="hidden_unit").value == first
    assert f"Unit {first}" in at.subheader[-1].value
    np.testing.assert_allclose(array(figure(at, "hidden_activation")["data"][0]["y"])[0],
                               mean0[first], rtol=1e-6)


def test_a_click_on_a_row_of_the_overview_opens_that_unit(monkeypatch):
    """The click handler reads the chart's selection (a click on a cell's marker) and selects the
    unit it carries: the selectbox "hidden_unit", and so the unit shown, follows."""
    from types import SimpleNamespace

    from ui import hidden_views

    click = SimpleNamespace(selection=SimpleNamespace(points=[{"x": "0", "customdata": 17}]))
    fake = SimpleNamespace(session_state={"hidden_overview": click, "hidden_unit": 0})
    monkeypatch.setattr(hidden_views, "st", fake)
    hidden_views._on_overview_click()
    assert fake.session_state["hidden_unit"] == 17
