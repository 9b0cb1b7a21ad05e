"""Every kind of model a user can make active renders every page without an exception.

Each test makes one kind of model active the way a user does (Train, Grade weights, start weights,
retraining with my digits, a data set of their own), then opens the home page and every page in
pages/ in turn. A page that cannot show a view for this model says why, in words.
"""

import io

import numpy as np
import pytest
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core.formats.seed_files import seed_weights_bytes
from ui.jobs import wait_for_jobs

PAGES = ["app.py"] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
LO, HI = nn_core.HIDDEN_RANGE


def app():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()


def active(at):
    wanted = at.session_state["active_run_id"] if "active_run_id" in at.session_state else 0
    runs = at.session_state["runs"] if "runs" in at.session_state else []
    return next((r for r in runs if r.id == wanted), None)


def render_every_page(at):
    """Open every page with the model that is active now; none may show an exception."""
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not any("Traceback" in e.value for e in at.error), page


def weights(hidden, seed=4):
    return seed_weights_bytes(nn_core.Network.random(400, hidden, seed=seed))


# --- the ways a model becomes active ----------------------------------------------------------------

def train_on_page(at, hidden=5, maxiter=3, dataset=None):
    at.switch_page("pages/2_Train.py").run()
    if dataset is not None:
        at.selectbox(key="train_dataset").set_value(dataset).run()
    at.slider(key="train_maxiter").set_value(maxiter)
    if not at.slider(key="train_hidden_size").disabled:
        at.slider(key="train_hidden_size").set_value(hidden)
    at.run()
    if not at.button(key="train_go").disabled:
        at.button(key="train_go").click().run()
        wait_for_jobs(at.session_state)  # training runs in the background
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def grade_and_make_active(at, w1, w2):
    """Grade weights: upload W1.in and W2.in, read them, press "Make this the active model"."""
    at.switch_page("pages/7_Grade_weights.py").run()
    at.radio(key="grade_source").set_value("upload").run()
    at.file_uploader(key="grade_file_in_0").upload("W1.in", w1)
    at.file_uploader(key="grade_file_in_1").upload("W2.in", w2)
    at.run()
    at.button(key="grade_read").click().run()
    assert not at.exception, [e.value for e in at.exception]
    button = [b for b in at.button if b.key == "grade_activate"]
    if button and not button[0].disabled:
        button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def start_weights(at, w1, w2, maxiter=1):
    at.switch_page("pages/2_Train.py").run()
    at.radio(key="train_start").set_value("upload").run()
    at.file_uploader(key="train_w1").upload("W1.in", w1)
    at.file_uploader(key="train_w2").upload("W2.in", w2)
    return train_on_page(at, maxiter=maxiter)


def load_own_data(at, name, x_bytes, y_bytes=None):
    at.switch_page("pages/1_Data_explorer.py").run()
    at.file_uploader(key="explorer_x_upload").upload(name, x_bytes)
    if y_bytes is not None:
        at.file_uploader(key="explorer_y_upload").upload("y.in", y_bytes)
    at.run()
    at.button(key="explorer_load").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at.session_state["user_data"]


def npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


# --- the tests -------------------------------------------------------------------------------------

def test_a_model_trained_on_the_train_page():
    at = train_on_page(app())
    assert active(at).settings.maxiter == 3
    render_every_page(at)


def test_graded_tutorial_weights_made_active():
    """The graded model carries maxiter 0 ("not trained here"): the Experiments page starts from
    the default number of iterations instead of failing on 0."""
    at = grade_and_make_active(app(), *weights(25))
    run = active(at)
    assert run.note == "uploaded weights" and run.settings.maxiter == 0 and run.network.hidden_size == 25
    render_every_page(at)
    at.switch_page("pages/5_Experiments.py").run()
    assert at.number_input(key="exp_maxiter").value == 50
    assert at.number_input(key="exp_hidden").value == 25  # the graded model's own size
    assert any("not trained here" in c.value and "starts at 50" in c.value for c in at.caption)


@pytest.mark.parametrize("hidden", [LO, HI])
def test_graded_weights_of_the_smallest_and_largest_size(hidden):
    at = grade_and_make_active(app(), *weights(hidden))
    assert active(at).network.hidden_size == hidden
    render_every_page(at)


def test_graded_weights_beyond_the_range_are_not_made_active_and_no_page_breaks():
    """2000 hidden units: graded, but the Grade page says they are outside the range the dashboard
    can make active, and offers no button that would make them so."""
    at = grade_and_make_active(app(), *weights(2000))
    render_every_page(at)
    assert active(at) is None


@pytest.mark.parametrize("hidden", [LO, HI])
def test_start_weights_of_the_smallest_and_largest_size(hidden):
    at = start_weights(app(), *weights(hidden))
    assert active(at).network.hidden_size == hidden and active(at).settings.init.startswith("weights:")
    render_every_page(at)


def test_start_weights_beyond_the_range_train_nothing_and_no_page_breaks():
    at = start_weights(app(), *weights(2000))
    render_every_page(at)
    assert active(at) is None


def test_graded_weights_retrained_with_my_digits():
    at = grade_and_make_active(app(), *weights(25))
    graded = active(at)
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.switch_page("pages/4_Draw_and_predict.py").run()
    at.button(key="draw_add").click().run()
    at.number_input(key="draw_maxiter").set_value(3)
    at.button(key="draw_retrain").click().run()
    wait_for_jobs(at.session_state)  # retraining runs in the background
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    retrained = active(at)
    assert retrained.id != graded.id and retrained.note == "with my digits"
    render_every_page(at)


def test_a_model_trained_on_non_square_images():
    """X of shape (m, 2, 300) from an .npz: the tutorial's .in files hold square images only, so
    the Train page offers the .npz download and says why the .in files are not available."""
    rng = np.random.default_rng(0)
    ds = load_own_data(app_at := app(), "wide.npz",
                       npz(X=rng.uniform(0, 1, (40, 2, 300)), y=np.arange(40) % 10))
    assert ds.image_shape == (2, 300)
    at = train_on_page(app_at, dataset=ds.name)
    assert active(at).settings.dataset == ds.name and active(at).network.n_inputs == 600
    render_every_page(at)
    at.switch_page("pages/2_Train.py").run()
    why = [i.value for i in at.info if "TrainedW1.in and TrainedW2.in are not available" in i.value]
    assert why and "square images" in why[0] and "2×300" in why[0], [i.value for i in at.info]
    downloads = {e.proto.label for e in at.get("download_button")}
    assert downloads == {"weights (.npz)"}


def test_the_tutorials_files_refuse_images_that_are_not_square_even_with_a_square_count():
    """4 x 100 images have 400 pixels, as 20 x 20 ones do: written as W1.in, their pixels would be
    read back as a 20 x 20 image, so the files are refused for them."""
    net = nn_core.Network.random(400, 3, seed=0)
    assert len(seed_weights_bytes(net, (20, 20))) == 2
    with pytest.raises(nn_core.DataFormatError, match="square images.*found a network for images of 4×100"):
        seed_weights_bytes(net, (4, 100))


def test_a_model_trained_on_a_tiny_uploaded_data_set():
    """Ten digits leave nothing for validation or test."""
    rng = np.random.default_rng(1)
    ds = load_own_data(app_at := app(), "tiny.npz",
                       npz(X=rng.uniform(0, 1, (10, 20, 20)), y=np.arange(10)))
    at = train_on_page(app_at, dataset=ds.name)
    assert active(at).settings.dataset == ds.name
    render_every_page(at)
