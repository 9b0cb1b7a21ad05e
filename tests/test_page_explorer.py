"""The Data explorer page (AppTest) and its loader for the user's own X.in / y.in."""

import dataclasses
import io
import re

import malformed
import numpy as np
import pytest
from conftest import ROOT
from plotly_spec import array, figure
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core import DataFormatError
from nn_core.digits.datasets import load_dataset
from nn_core.formats.seed_files import seed_data_bytes
from ui import data_upload, state
from ui.settings import Settings
from ui.state import Run

PAGE = str(ROOT / "pages" / "1_Data_explorer.py")


def page(**session):
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


def shown_examples(at):
    """The example numbers in the random grid, tile by tile, from its hover data."""
    heat = figure(at, "explorer_grid")["data"][0]
    owner = array(heat["customdata"])
    return heat, owner, [int(i) for i in dict.fromkeys(owner[owner >= 0].ravel().tolist())]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def small_run(run_id=77):
    """A model of this session, other than the default, trained for 2 iterations on 200 digits."""
    ds = load_dataset("mnist-20x20").subset(np.arange(200))
    result = nn_core.train(ds.X, ds.y, hidden_size=4, maxiter=2, seed=1)
    return Run(run_id, Settings(hidden_size=4, maxiter=2), result, {"train": 0.1, "validation": 0.1,
                                                                "test": 0.1})


def test_fresh_session_renders_the_default_data():
    at = page()
    assert not at.exception
    assert at.title[0].value.startswith("Data explorer")
    assert at.selectbox(key="explorer_dataset").value == "mnist-20x20"
    assert metric(at, "image size") == "20 × 20"
    assert metric(at, "examples m") == f"{len(load_dataset('mnist-20x20')):,}"
    assert any("Source:" in c.value and "MNIST" in c.value for c in at.caption)
    assert at.info[-1].value.startswith("**Experiment to try:**")


def test_grid_shows_n_by_n_digits_titled_with_their_labels():
    ds = load_dataset("mnist-20x20")
    at = page()
    heat, owner, shown = shown_examples(at)
    assert len(shown) == 25  # 5 x 5, the tutorial's displayData(5, ...)
    titles = figure(at, "explorer_grid")["data"][1]["text"]
    assert titles == [str(ds.y[i]) for i in shown]
    z = array(heat["z"])
    for i in shown[:5]:  # each tile holds that example's pixels, upright
        np.testing.assert_allclose(z[owner == i].reshape(20, 20), ds.X[i].reshape(20, 20), atol=1e-6)
    at.slider(key="explorer_grid_n").set_value(3).run()
    assert len(shown_examples(at)[2]) == 9


def test_reshuffle_shows_other_digits_and_the_same_draw_again_gives_the_same_digits():
    at = page()
    before = shown_examples(at)[2]
    at.button(key="explorer_reshuffle").click().run()
    after = shown_examples(at)[2]
    assert not at.exception and len(after) == 25
    assert set(after) != set(before)
    again = page(explorer_grid_seed=1)  # a new session on draw 1 sees what the reshuffle showed
    assert shown_examples(again)[2] == after


def test_index_input_changes_the_example_and_its_label():
    ds = load_dataset("mnist-20x20")
    at = page()
    assert at.number_input(key="explorer_index").value == 3402  # the tutorial's testNo
    i, j = 0, int(np.flatnonzero(ds.y != ds.y[0])[0])
    for k in (i, j):
        at.number_input(key="explorer_index").set_value(k).run()
        assert metric(at, "label y (the answer)") == str(ds.y[k])
        z = array(figure(at, "explorer_one")["data"][0]["z"])
        np.testing.assert_allclose(z, ds.X[k].reshape(20, 20))
    assert metric(at, "the wizard says") in [str(d) for d in range(10)]


def test_choosing_sklearn_8x8_changes_the_image_shape_and_explains_the_model_mismatch():
    at = page()
    at.selectbox(key="explorer_dataset").set_value("sklearn-8x8").run()
    assert not at.exception
    assert metric(at, "image size") == "8 × 8"
    assert array(figure(at, "explorer_one")["data"][0]["z"]).shape == (8, 8)
    assert at.number_input(key="explorer_index").value < len(load_dataset("sklearn-8x8"))
    # The active model reads 400 pixels; these digits have 64: no prediction, an explanation.
    assert any("400 inputs" in i.value and "64 pixels" in i.value for i in at.info)
    assert not [m for m in at.metric if m.label == "the wizard says"]


def test_user_data_in_the_session_appears_in_the_picker():
    mine = load_dataset("sklearn-8x8").subset(np.arange(30))
    mine = dataclasses.replace(mine, name="my 30 digits")
    at = page(user_data=mine)
    assert "my 30 digits" in at.selectbox(key="explorer_dataset").options
    at.selectbox(key="explorer_dataset").set_value("my 30 digits").run()
    assert metric(at, "examples m") == "30"
    assert metric(at, "image size") == "8 × 8"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(state, "DATA_DIR", tmp_path)
    return tmp_path


def test_bad_data_folder_files_show_an_error_and_change_nothing(data_dir):
    (data_dir / "X.in").write_text("0.1,0.2,0.3\n0.4,0.5\n")  # ragged rows
    (data_dir / "y.in").write_text("1\n2\n")
    run = small_run()
    at = page(runs=[run], active_run_id=run.id)
    at.button(key="explorer_load_repo").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "X.in" in at.error[0].value and "expected" in at.error[0].value
    assert "user_data" not in at.session_state
    assert at.session_state["active_run_id"] == run.id
    assert at.session_state["runs"] == [run] and at.session_state["runs"][0].network is run.network
    assert at.selectbox(key="explorer_dataset").options == ["mnist-20x20", "mnist-28x28",
                                                            "sklearn-8x8"]


def test_good_data_folder_files_become_the_session_data_set(data_dir):
    mine = load_dataset("sklearn-8x8").subset(np.arange(40))
    x_bytes, y_bytes = seed_data_bytes(mine)
    (data_dir / "X.in").write_bytes(x_bytes)
    (data_dir / "y.in").write_bytes(y_bytes)
    at = page()
    at.button(key="explorer_load_repo").click().run()
    assert not at.exception and not at.error
    user = at.session_state["user_data"]
    np.testing.assert_allclose(user.X, mine.X)
    assert at.selectbox(key="explorer_dataset").value == user.name
    assert metric(at, "examples m") == "40" and metric(at, "image size") == "8 × 8"


def test_no_data_folder_button_without_the_files(data_dir):
    at = page()
    assert not [b for b in at.button if b.key == "explorer_load_repo"]


class Upload(io.BytesIO):
    """What st.file_uploader hands over: a binary file object with a name."""

    def __init__(self, data, name):
        super().__init__(data)
        self.name = name


def test_read_user_files_parses_uploads_in_memory():
    mine = load_dataset("mnist-20x20").subset(np.arange(12))
    x_bytes, y_bytes = seed_data_bytes(mine)
    ds = data_upload.read_user_files(Upload(x_bytes, "X.in"), Upload(y_bytes, "y.in"))
    np.testing.assert_allclose(ds.X, mine.X)
    assert ds.y.tolist() == mine.y.tolist() and ds.image_shape == (20, 20)
    # Different contents get different names, so the picker and the caches tell them apart.
    x2, y2 = seed_data_bytes(load_dataset("mnist-20x20").subset(np.arange(12, 24)))
    assert data_upload.read_user_files(x2, y2).name != ds.name


def test_read_user_files_reads_npz_with_x_and_y():
    mine = load_dataset("sklearn-8x8").subset(np.arange(10))
    buf = io.BytesIO()
    np.savez(buf, X=mine.X, y=mine.y)
    ds = data_upload.read_user_files(Upload(buf.getvalue(), "digits.npz"))
    assert ds.image_shape == (8, 8) and ds.y.tolist() == mine.y.tolist()


@pytest.mark.parametrize("x, y, message", [
    (b"0.1,0.2\n0.3\n", b"1\n2\n", "X.in"),
    (b"0,0,0,0\n", None, "y.in is missing"),
    (b"not a zip", None, "npz"),
])
def test_read_user_files_rejects_bad_files_with_expected_and_found(x, y, message):
    name = "X.npz" if message == "npz" else "X.in"
    with pytest.raises(DataFormatError, match=message) as err:
        data_upload.read_user_files(Upload(x, name), None if y is None else Upload(y, "y.in"))
    assert "expected" in str(err.value) or "must" in str(err.value)


def test_npz_with_weights_only_is_not_a_data_set():
    buf = io.BytesIO()
    net = nn_core.Network.random(4, 2, seed=0)
    np.savez(buf, W1=net.W1, W2=net.W2)
    with pytest.raises(DataFormatError, match="holds no digits"):
        data_upload.read_user_files(Upload(buf.getvalue(), "weights.npz"))


def test_a_one_digit_data_set_still_renders():
    one = dataclasses.replace(load_dataset("sklearn-8x8").subset([5]), name="one digit")
    at = page(user_data=one, explorer_dataset="one digit")
    assert not at.exception
    assert metric(at, "examples m") == "1"
    assert any("at least two digits" in i.value for i in at.info)


def test_the_upload_box_states_the_limits_and_a_199_kb_bomb_is_refused_saying_them():
    """The .npz of 50,000 uint8 images of 64x64 that took the server to 5.7 GB: refused from its
    header, with the limit; the page says the limits before anything is uploaded."""
    at = page()
    assert any(f"At most {nn_core.MAX_DIGITS:,} digits of at most {nn_core.MAX_PIXELS:,} pixels" in c.value
               for c in at.caption)
    at.file_uploader(key="explorer_x_upload").upload("digits.npz", malformed.zip_bomb((50_000, 4096), "|u1"))
    at.run()
    at.button(key="explorer_load").click().run()
    assert not at.exception
    assert len(at.error) == 1
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", at.error[0].value)  # as the browser shows it
    assert (f"too large once unpacked: expected at most {nn_core.MAX_UNPACKED_BYTES:,} bytes of arrays, "
            "found at least 204,850,256") in shown
    assert "user_data" not in at.session_state


def test_the_pca_map_says_what_to_see_in_it_and_names_its_axes():
    at = page()
    assert any(c.value.startswith("What to see: digits that look alike land close together")
               for c in at.caption)
    layout = figure(at, "explorer_pca_mnist-20x20")["layout"]
    assert layout["xaxis"]["title"]["text"].startswith("principal component 1 (")
    assert layout["yaxis"]["title"]["text"].startswith("principal component 2 (")


def test_every_chart_names_what_its_axes_show_and_in_what_unit():
    from plotly_spec import axis_titles

    at = AppTest.from_file(str(ROOT / "pages/1_Data_explorer.py"), default_timeout=120).run()
    titles = axis_titles(at)
    assert all(all(titles[key].values()) for key in titles), titles
    assert "0 to 1" in titles["explorer_pixels"]["xaxis"]
    assert titles["explorer_proba"]["yaxis"] == "activation a3 (0 to 1)"
    assert "pixel-value units" in titles["explorer_pca_mnist-20x20"]["xaxis"]
