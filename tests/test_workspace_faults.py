"""When the database fails, the pages keep your work and save it once the database is back.

The pages run in AppTest against a real PostgreSQL that the test stops (pg_ctl stop -m fast) and
starts again (tests/pg_server.py), and against a SQLite path that cannot be opened (a directory
where the file should be) or a file that is not a database. A "fresh session" is a new AppTest
opened with the same ?ws=, which reads only what the database holds.
"""

import time

import numpy as np
import pytest
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from pg_server import postgres_server
from streamlit.testing.v1 import AppTest

import storage
from storage import db
from ui import workspace
from ui.jobs import wait_for_jobs

TRAIN, DRAW, HOME = (str(ROOT / p) for p in ("pages/2_Train.py", "pages/4_Draw_and_predict.py",
                                              "app.py"))


@pytest.fixture(scope="module")
def server():
    with postgres_server() as server:
        yield server


@pytest.fixture
def pg(server, monkeypatch):
    """The pages on the PostgreSQL server, which is running again after each test."""
    monkeypatch.setenv(db.ENV_URL, server.url)
    db.forget_engines()
    yield server
    if not server.running:
        server.start()
    db.forget_engines()


def page(path, ws, digit=None):
    at = AppTest.from_file(path, default_timeout=120)
    at.query_params["ws"] = ws
    if digit is not None:
        at.session_state[CANVAS_KEY] = mnist_canvas_value(digit)
    return at.run()


def train_tiny(at, maxiter=3):
    at.slider(key="train_maxiter").set_value(maxiter)
    at.slider(key="train_hidden_size").set_value(5)
    at.run()
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)
    return at.run()


def warnings(at):
    """The sidebar's database warnings (a page may warn about its training result too)."""
    return " ".join(w.value for w in at.warning if "database" in w.value)


def successes(at):
    return " ".join(s.value for s in at.success)


def after_the_retry_pause(at):
    """The next page run once RETRY_SECONDS have passed: the database is tried again."""
    time.sleep(workspace.RETRY_SECONDS)
    return at.run()


def same_weights(a, b):
    return [W.tobytes() for W in a.network.weights] == [W.tobytes() for W in b.network.weights]


def test_postgresql_down_mid_session_keeps_the_run_and_saves_it_when_back(pg):
    ws = storage.new_workspace_id()
    at = page(TRAIN, ws)
    assert not warnings(at) and not at.exception
    pg.stop()
    at = train_tiny(at)
    (run,) = at.session_state["runs"]
    assert at.session_state["active_run_id"] == run.id and not at.exception
    text = warnings(at)
    assert "Could not save your workspace in the database" in text
    assert ("kept in this session only: 1 run, 0 digits and your choice of active model are "
            "waiting, and will be saved when the database is back") in text
    pg.start()
    at = after_the_retry_pause(at)
    assert not warnings(at) and not at.exception
    assert "Saved again: the database is back, and the 1 run and 0 digits" in successes(at)
    assert at.run().success == []  # said once
    again = page(TRAIN, ws)  # a fresh session reads it from the database
    (back,) = again.session_state["runs"]
    assert back.id == run.id == again.session_state["active_run_id"] and same_weights(back, run)
    assert not warnings(again) and not again.exception


def test_postgresql_down_at_the_start_merges_the_sessions_run_with_the_stored_ones(pg):
    """Read failed at the start: the run made meanwhile is numbered past the stored ones, the
    stored ones are kept, and the active model is the one chosen in this session."""
    ws = storage.new_workspace_id()
    first = train_tiny(page(TRAIN, ws))
    (stored,) = first.session_state["runs"]
    engine = storage.open_database()
    for k in (1, 2):
        storage.save_digit(engine, ws, {"id": k, "x": np.full(400, k / 10), "label": k,
                                        "shape": (20, 20)})
    pg.stop()
    at = page(TRAIN, ws)
    assert "Could not read your workspace from the database" in warnings(at)
    at = train_tiny(at, maxiter=4)
    (mine,) = at.session_state["runs"]
    assert mine.id == 1 and "1 run, 0 digits and your choice of active model made here are " \
        "waiting. When the database is back" in warnings(at)
    pg.start()
    at = after_the_retry_pause(at)
    assert not warnings(at) and not at.exception
    assert "next to what it held before" in successes(at)
    assert [r.id for r in at.session_state["runs"]] == [stored.id, 2] and mine.id == 2
    assert at.session_state["active_run_id"] == 2
    again = page(TRAIN, ws)
    assert [r.id for r in again.session_state["runs"]] == [1, 2]
    assert same_weights(again.session_state["runs"][0], stored)
    assert same_weights(again.session_state["runs"][1], mine)
    assert again.session_state["active_run_id"] == 2
    assert [d["id"] for d in again.session_state["my_digits"]] == [1, 2]


def test_two_tabs_that_each_count_to_run_1_keep_both_runs(pg):
    """Both tabs count to run #1: the second is stored as #2 and its tab calls it #2 too."""
    ws = storage.new_workspace_id()
    one, two = page(TRAIN, ws), page(TRAIN, ws)
    one, two = train_tiny(one), train_tiny(two, maxiter=4)
    assert [r.id for r in one.session_state["runs"]] == [1]
    assert [r.id for r in two.session_state["runs"]] == [2]
    assert two.session_state["active_run_id"] == 2
    again = page(TRAIN, ws)
    assert [r.settings.maxiter for r in again.session_state["runs"]] == [3, 4]
    assert not warnings(one) and not warnings(two)


@pytest.fixture
def sqlite_path(tmp_path, monkeypatch):
    path = tmp_path / "workspaces.sqlite3"
    monkeypatch.setenv(db.ENV_URL, f"sqlite:///{path}")
    db.forget_engines()
    yield path
    db.forget_engines()


def test_sqlite_that_cannot_be_opened_keeps_my_digits_and_saves_them_once_fixed(sqlite_path,
                                                                                monkeypatch):
    sqlite_path.mkdir()  # a directory where the database file should be
    ws = storage.new_workspace_id()
    at = page(DRAW, ws, digit=7)
    at.selectbox(key="draw_label").set_value(7).run()
    at.button(key="draw_add").click().run()
    at.button(key="draw_add").click().run()
    at.button(key="draw_remove_1").click().run()
    assert [d["id"] for d in at.session_state["my_digits"]] == [2] and not at.exception
    assert "0 runs and 1 digit made here are waiting" in warnings(at)
    sqlite_path.rmdir()
    monkeypatch.setattr(workspace, "RETRY_SECONDS", 60)
    at.run()  # tried a moment ago: a down database does not slow every click
    assert "are waiting" in warnings(at)
    monkeypatch.setattr(workspace, "RETRY_SECONDS", 0)
    at.run()
    assert not warnings(at) and "Saved again" in successes(at)
    back = page(DRAW, ws).session_state["my_digits"]
    assert [(d["id"], d["label"]) for d in back] == [(1, 7)]  # the first id of the database


def test_a_damaged_sqlite_file_is_kept_aside_and_every_session_is_told_once(sqlite_path):
    sqlite_path.write_bytes(b"this is not a database\n" * 100)
    ws = storage.new_workspace_id()
    at = page(DRAW, ws, digit=3)
    (aside,) = sqlite_path.parent.glob("workspaces.sqlite3.damaged-*")
    told = [w.value for w in at.warning if "was damaged" in w.value]
    assert told and str(sqlite_path) in told[0] and str(aside) in told[0]
    at.button(key="draw_add").click().run()
    assert not warnings(at) and not at.exception  # told once; the fresh database works
    other = page(HOME, storage.new_workspace_id())  # another session of this server process
    assert any(str(aside) in w.value for w in other.warning)
    assert not warnings(other.run())
    assert [d["label"] for d in page(DRAW, ws).session_state["my_digits"]] == [3]
    assert aside.read_bytes() == b"this is not a database\n" * 100


def test_sqlite_file_replaced_mid_session_keeps_the_new_digit_and_saves_it_once_restored(
        sqlite_path, monkeypatch):
    monkeypatch.setattr(workspace, "RETRY_SECONDS", 0)
    ws = storage.new_workspace_id()
    at = page(DRAW, ws, digit=5)
    at.button(key="draw_add").click().run()  # saved
    moved = sqlite_path.parent / "moved"
    moved.mkdir()
    for f in sqlite_path.parent.glob("workspaces.sqlite3*"):
        f.rename(moved / f.name)
    sqlite_path.mkdir()  # the database cannot be written any more
    at.button(key="draw_add").click().run()
    assert len(at.session_state["my_digits"]) == 2 and not at.exception
    assert "Could not save your workspace" in warnings(at)
    assert "0 runs and 1 digit are waiting" in warnings(at)
    sqlite_path.rmdir()
    for f in moved.iterdir():  # the file is put back
        f.rename(sqlite_path.parent / f.name)
    at.run()
    assert not warnings(at) and "Saved again" in successes(at)
    assert [d["id"] for d in page(DRAW, ws).session_state["my_digits"]] == [1, 2]


def test_a_session_that_read_the_damaged_file_writes_its_workspace_into_the_fresh_one(
        sqlite_path):
    ws = storage.new_workspace_id()
    at = page(DRAW, ws, digit=2)
    at.button(key="draw_add").click().run()  # saved in the file that is about to be damaged
    db.forget_engines()  # the connections closed (the WAL written back), as between two opens
    for side in ("-wal", "-shm"):
        sqlite_path.with_name(sqlite_path.name + side).unlink(missing_ok=True)
    sqlite_path.write_bytes(b"\x00" * 4096)
    at.button(key="draw_add").click().run()  # opens the file: damaged, moved aside
    assert any("was damaged" in w.value for w in at.warning) and not at.exception
    assert [d["id"] for d in page(DRAW, ws).session_state["my_digits"]] == [1, 2]


def test_a_workspace_unread_at_the_start_is_read_once_the_database_is_back(sqlite_path,
                                                                            monkeypatch):
    monkeypatch.setattr(workspace, "RETRY_SECONDS", 0)
    ws = storage.new_workspace_id()
    storage.save_digit(storage.open_database(), ws, {"id": 1, "x": np.zeros(400), "label": 8,
                                                     "shape": (20, 20)})
    db.forget_engines()
    sqlite_path.rename(sqlite_path.with_name("away"))
    sqlite_path.mkdir()
    at = page(DRAW, ws)
    assert "Could not read your workspace" in warnings(at) and at.session_state["my_digits"] == []
    sqlite_path.rmdir()
    sqlite_path.with_name("away").rename(sqlite_path)
    at.run()
    assert "The database is back: your workspace was read." in successes(at)
    assert [d["label"] for d in at.session_state["my_digits"]] == [8] and not warnings(at)
