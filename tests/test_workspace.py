"""Your work survives: the pages with a workspace in a real SQLite file (AppTest).

A "reload" is a new AppTest session opened with the same ?ws=; a "server restart" also closes
every database connection (storage.db.forget_engines) so the next session reads the file afresh.
"""

import numpy as np
import pytest
import sqlalchemy as sa
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from pg_server import postgres_url
from streamlit.testing.v1 import AppTest
from test_any_active_model import active, load_own_data, npz, render_every_page, train_on_page

import storage
from storage import db
from ui import state
from ui.jobs import wait_for_jobs

TRAIN, DRAW, HOME = (str(ROOT / p) for p in ("pages/2_Train.py", "pages/4_Draw_and_predict.py",
                                              "app.py"))
WS = "w" * 22


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'workspaces.sqlite3'}"
    monkeypatch.setenv(db.ENV_URL, url)
    db.forget_engines()
    yield url
    db.forget_engines()


def page(path, ws=WS, digit=None, **query):
    at = AppTest.from_file(path, default_timeout=120)
    at.query_params.update(query)
    if ws:
        at.query_params["ws"] = ws
    if digit is not None:
        at.session_state[CANVAS_KEY] = mnist_canvas_value(digit)
    return at.run()


def train_tiny(at):
    at.slider(key="train_maxiter").set_value(3)
    at.slider(key="train_hidden_size").set_value(5)
    at.run()
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    return at.run()


def test_a_new_visitor_gets_a_workspace_of_128_bits_in_the_url_next_to_the_settings():
    at = page(HOME, ws=None)
    ws = at.query_params["ws"]
    assert storage.valid_workspace_id(ws) and len(ws) >= 22
    assert any(c.value.endswith(f"?ws={ws}") for c in at.code)  # the link to carry on elsewhere
    at = page(TRAIN, ws=None, lambd="3")
    assert float(at.query_params["lambd"]) == 3 and storage.valid_workspace_id(at.query_params["ws"])
    assert not at.exception and not at.warning


def test_a_run_and_the_active_model_survive_a_reload_and_a_server_restart():
    at = train_tiny(page(TRAIN))
    (run,) = at.session_state["runs"]
    assert at.session_state["active_run_id"] == run.id
    for restart in (False, True):
        if restart:
            db.forget_engines()
        again = page(TRAIN)
        (back,) = again.session_state["runs"]
        assert again.session_state["active_run_id"] == back.id == run.id
        assert back.settings == run.settings and back.accuracy == run.accuracy
        assert [W.tobytes() for W in back.network.weights] == [W.tobytes() for W in run.network.weights]
        assert back.result.history == run.result.history
        assert back.label == run.label and not again.exception
    stranger = page(TRAIN, ws="s" * 22)
    assert stranger.session_state["runs"] == [] and stranger.session_state["active_run_id"] is None


def test_my_digits_survive_a_reload_and_removing_one_is_kept_too():
    at = page(DRAW, digit=7)
    at.selectbox(key="draw_label").set_value(7).run()
    at.button(key="draw_add").click().run()
    at.button(key="draw_add").click().run()
    at.button(key="draw_remove_1").click().run()
    kept = at.session_state["my_digits"]
    db.forget_engines()
    again = page(DRAW)
    back = again.session_state["my_digits"]
    assert [(d["id"], d["label"], d["shape"]) for d in back] == [(2, 7, (20, 20))]
    assert np.array_equal(back[0]["x"], kept[0]["x"])
    assert again.button(key="draw_remove_2") and not again.exception


def test_delete_my_workspace_empties_it_for_every_session_and_gives_a_new_link():
    at = page(DRAW, digit=3)
    at.button(key="draw_add").click().run()
    at.checkbox(key="ws_confirm").check().run()
    at.button(key="ws_delete").click().run()
    assert at.session_state["my_digits"] == [] and at.query_params["ws"] != WS
    assert any("deleted" in s.value for s in at.success)
    assert page(DRAW).session_state["my_digits"] == []
    with sa.create_engine(db.database_url()).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.digits)).scalar() == 0


def test_the_oldest_runs_are_dropped_beyond_the_bound_and_the_sidebar_says_so(monkeypatch):
    monkeypatch.setattr(state, "MAX_RUNS", 1)
    at = train_tiny(page(TRAIN))
    at.slider(key="train_maxiter").set_value(4).run()
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    at.run()
    again = page(TRAIN)
    assert [r.id for r in again.session_state["runs"]] == [2]
    assert any(c.value == "Your workspace keeps the newest 1 runs and 200 digits: the oldest were "
               "dropped (1 run, 0 digits so far)." for c in again.caption)


def test_a_failed_write_keeps_the_work_in_memory_and_says_so(monkeypatch, tmp_path):
    (tmp_path / "file").write_text("a file where a directory should be")
    monkeypatch.setenv(db.ENV_URL, f"sqlite:///{tmp_path / 'file' / 'db.sqlite3'}")
    at = page(DRAW, digit=7)
    at.button(key="draw_add").click().run()
    assert len(at.session_state["my_digits"]) == 1 and not at.exception
    assert any("Your work is kept in this session only" in w.value for w in at.warning)


def test_a_database_of_a_newer_app_is_refused_in_words_not_a_traceback(database):
    with sa.create_engine(database).begin() as conn:
        db.migrate(conn)
        conn.execute(sa.update(db.version_table).values(version=db.SCHEMA_VERSION + 1))
    at = page(HOME)
    assert not at.exception
    assert any("written by a newer version of the app" in w.value for w in at.warning)


def test_a_model_of_an_uploaded_data_set_comes_back_without_its_data_and_every_page_says_so():
    """The data set itself is not stored (only digits the user adds are): after a reload its
    model is still active, and every page copes with its digits being gone."""
    rng = np.random.default_rng(1)
    at = page(HOME)
    ds = load_own_data(at, "tiny.npz", npz(X=rng.uniform(0, 1, (10, 20, 20)), y=np.arange(10)))
    run_id = active(train_on_page(at, dataset=ds.name)).id
    again = AppTest.from_file(HOME, default_timeout=180)
    again.query_params["ws"] = WS
    again.run()
    assert "user_data" not in again.session_state
    assert active(again).id == run_id and active(again).settings.dataset == ds.name
    render_every_page(again)


@pytest.fixture(scope="module")
def pg_server():
    with postgres_url() as url:
        yield url


def test_on_postgresql_a_run_and_my_digits_survive_a_server_restart(monkeypatch, pg_server):
    """The same pages on a real PostgreSQL (tests/pg_server.py) through NN_DIGITS_DATABASE_URL."""
    monkeypatch.setenv(db.ENV_URL, pg_server)
    db.forget_engines()
    ws = storage.new_workspace_id()
    at = train_tiny(page(TRAIN, ws=ws))
    (run,) = at.session_state["runs"]
    draw = page(DRAW, ws=ws, digit=4)
    draw.selectbox(key="draw_label").set_value(4).run()
    draw.button(key="draw_add").click().run()
    db.forget_engines()
    again = page(DRAW, ws=ws)
    assert [d["label"] for d in again.session_state["my_digits"]] == [4]
    (back,) = again.session_state["runs"]
    assert again.session_state["active_run_id"] == back.id == run.id
    assert [W.tobytes() for W in back.network.weights] == [W.tobytes() for W in run.network.weights]
    assert not again.exception and not again.warning
