"""storage/: a workspace's runs, digits and active model in SQLite and in a real PostgreSQL.

Each test runs on a fresh database of both kinds: a SQLite file in tmp_path, and a new database
in a PostgreSQL server started for this module (tests/pg_server.py). A "server restart" is
storage.db.forget_engines(): every connection closed, the next open starts from the file.
"""

import io
import json
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import ROOT
from pg_server import postgres_server, postgres_url

import storage
from nn_core import Network, network_npz_bytes
from storage import db

WS, OTHER = "a" * 22, "b" * 22


@pytest.fixture(scope="module")
def pg_server():
    with postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workspaces.sqlite3'}"
    else:
        base = request.getfixturevalue("pg_server")
        name = "t_" + uuid.uuid4().hex  # made here, never from user text
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        yield base.rsplit("/", 1)[0] + "/" + name
    db.forget_engines()
    if request.param == "postgresql":
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))  # even if a test kept a connection
        admin.dispose()


def restart(url):
    """A server restart: every connection closed, the database opened afresh."""
    db.forget_engines()
    return storage.open_database(url)


def deep_network():
    return Network.random(16, (7, 5), seed=3, activation="relu", output="softmax")


def a_run(run_id, network=None, accuracy=None):
    return dict(id=run_id, created=1000.0 + run_id, note=f"run {run_id}",
                settings={"dataset": "mnist-20x20", "hidden_size": [7, 5], "lambd": 0.5},
                accuracy=accuracy or {"train": 0.9, "validation": 0.8, "test": 0.7},
                result={"history": [[1, 2.5, 0.1, 3, 0.01], [2, 2.25, 0.05, 5, 0.02]],
                        "converged": False, "message": "maxiter reached", "stopped": False},
                network=network or Network.random(4, 3, seed=run_id))


def test_a_deep_networks_run_survives_a_restart_bit_for_bit(url):
    net = deep_network()
    run = a_run(1, net, {"train": 0.5, "validation": float("nan"), "test": 0.25})
    run["accuracy"]["validation"] = "nan"  # ui/workspace.py writes NaN as text: JSON has none
    storage.save_run(storage.open_database(url), WS, run)
    storage.set_active(storage.open_database(url), WS, 1)
    got = storage.load_workspace(restart(url), WS)
    (back,) = got["runs"]
    assert got["active_run_id"] == 1
    assert [W.tobytes() for W in back["network"].weights] == [W.tobytes() for W in net.weights]
    assert (back["network"].activation, back["network"].output) == ("relu", "softmax")
    assert {k: back[k] for k in run if k != "network"} == {k: run[k] for k in run if k != "network"}


def test_weights_are_stored_as_npz_bytes_never_pickles(url):
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1, deep_network()))
    with engine.connect() as conn:
        blob = bytes(conn.execute(sa.select(db.runs.c.weights)).scalar_one())
    assert blob[:2] == b"PK"  # a zip archive: numpy's .npz
    with np.load(io.BytesIO(blob), allow_pickle=False) as f:
        assert sorted(f.files) == ["W1", "W2", "W3", "activation", "output"]
        assert f["W1"].dtype == np.float64


def test_my_digits_round_trip_and_remove(url):
    engine = storage.open_database(url)
    x = np.linspace(0, 1, 400)
    storage.save_digit(engine, WS, {"id": 1, "x": x, "label": 7, "shape": (20, 20)})
    storage.save_digit(engine, WS, {"id": 2, "x": x[::-1], "label": 3, "shape": (20, 20)})
    storage.remove_digit(engine, WS, 1)
    (item,) = storage.load_workspace(restart(url), WS)["digits"]
    assert (item["id"], item["label"], item["shape"]) == (2, 3, (20, 20))
    assert item["x"].tobytes() == x[::-1].tobytes()


def test_another_workspace_sees_nothing_and_delete_removes_everything(url):
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1))
    storage.save_digit(engine, WS, {"id": 1, "x": np.ones(4), "label": 1, "shape": (2, 2)})
    storage.save_run(engine, OTHER, a_run(5))
    assert [r["id"] for r in storage.load_workspace(engine, OTHER)["runs"]] == [5]
    assert storage.load_workspace(engine, OTHER)["digits"] == []
    storage.delete_workspace(engine, WS)
    gone = storage.load_workspace(restart(url), WS)
    assert (gone["runs"], gone["digits"], gone["active_run_id"]) == ([], [], None)
    assert [r["id"] for r in storage.load_workspace(engine, OTHER)["runs"]] == [5]
    with storage.open_database(url).connect() as conn:  # nothing of WS left in any table
        for table in (db.workspaces, db.runs, db.digits):
            column = table.c.id if table is db.workspaces else table.c.workspace_id
            assert conn.execute(sa.select(sa.func.count()).where(column == WS)).scalar() == 0


def test_bounds_drop_the_oldest_never_the_active_and_count_them(url):
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1))
    storage.set_active(engine, WS, 1)
    dropped = [storage.save_run(engine, WS, a_run(i), keep=3) for i in range(2, 7)]
    assert [saved.dropped for saved in dropped] == [0, 0, 1, 1, 1]
    for i in range(1, 5):
        storage.save_digit(engine, WS, {"id": i, "x": np.full(4, i), "label": i, "shape": (2, 2)},
                           keep=2)
    got = storage.load_workspace(restart(url), WS)
    assert [r["id"] for r in got["runs"]] == [1, 5, 6]  # the active #1 kept, #2-#4 dropped
    assert [d["id"] for d in got["digits"]] == [3, 4]
    assert (got["dropped_runs"], got["dropped_digits"]) == (3, 2)


def test_an_old_schema_is_migrated_and_its_runs_kept(url):
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a database as the first version left it
        assert db.migrate(conn, upto=1) == 1
        conn.execute(sa.text("INSERT INTO workspaces (id, created) VALUES (:ws, 1.0)"), dict(ws=WS))
        row = a_run(1)
        conn.execute(sa.text("INSERT INTO runs (workspace_id, run_id, created, settings, weights, "
                             "result, accuracy) VALUES (:ws, 1, 1.0, :s, :w, :r, :a)"),
                     dict(ws=WS, s=json.dumps(row["settings"]), r=json.dumps(row["result"]),
                          a=json.dumps(row["accuracy"]),
                          w=network_npz_bytes(row["network"])))
    engine.dispose()
    got = storage.load_workspace(restart(url), WS)
    assert [(r["id"], r["note"]) for r in got["runs"]] == [(1, "")]
    assert got["dropped_runs"] == 0
    with storage.open_database(url).connect() as conn:
        assert db.schema_version(conn) == db.SCHEMA_VERSION  # every migration ran


def test_a_newer_schema_is_refused_with_a_clear_message_and_left_alone(url):
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1))
    with engine.begin() as conn:
        conn.execute(sa.update(db.version_table).values(version=99))
    db.forget_engines()
    with pytest.raises(storage.SchemaTooNew, match="schema version 99, but this app knows "
                       f"versions up to {db.SCHEMA_VERSION}: it was written by a newer version of the app"):
        storage.open_database(url)
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.runs)).scalar() == 1


def test_workspace_ids_are_unguessable_and_checked():
    ids = {storage.new_workspace_id() for _ in range(100)}
    assert len(ids) == 100 and all(storage.valid_workspace_id(i) for i in ids)
    assert min(len(i) for i in ids) * 6 >= 128  # URL-safe base64: 6 bits a character
    for bad in ("", "short", "x" * 21, "a" * 21 + "'", "a" * 65, None, "../" * 10):
        assert not storage.valid_workspace_id(bad)
    with pytest.raises(ValueError, match="found 'short'"):
        storage.load_workspace(None, "short")


def test_the_default_is_a_sqlite_file_in_the_data_dir_and_the_url_overrides_it(monkeypatch, tmp_path):
    monkeypatch.delenv(db.ENV_URL, raising=False)
    monkeypatch.setenv(db.ENV_DIR, str(tmp_path / "here"))
    assert db.database_url() == f"sqlite:///{tmp_path / 'here' / 'workspaces.sqlite3'}"
    storage.open_database()
    assert (tmp_path / "here" / "workspaces.sqlite3").is_file()
    monkeypatch.setenv(db.ENV_URL, "postgresql+psycopg://u@h/d")
    assert db.database_url() == "postgresql+psycopg://u@h/d"
    db.forget_engines()


def test_an_unreachable_database_is_a_storage_error_saying_which(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(storage.StorageError, match="cannot open the database sqlite:///"):
        storage.open_database(f"sqlite:///{tmp_path / 'file' / 'db.sqlite3'}")


def test_storage_never_imports_streamlit():
    code = "import storage, sys; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# --- faults -------------------------------------------------------------------------------------

def test_a_run_written_twice_is_stored_once_and_another_tabs_run_gets_the_next_id(url):
    """A retried write (it failed after the commit) replaces itself; a second tab that counted
    to the same run number is given the next free id, and the bound's count stays honest."""
    engine = storage.open_database(url)
    mine, theirs = a_run(1), a_run(1)
    theirs["created"] += 0.5
    assert storage.save_run(engine, WS, mine) == storage.Saved(1, 0)
    assert storage.save_run(engine, WS, mine) == storage.Saved(1, 0)
    assert storage.save_run(engine, WS, theirs, activate=True) == storage.Saved(2, 0)
    item = {"id": 1, "x": np.ones(4), "label": 1, "shape": (2, 2)}
    assert storage.save_digit(engine, WS, item).id == storage.save_digit(engine, WS, item).id == 1
    assert storage.save_digit(engine, WS, {**item, "label": 2}).id == 2
    got = storage.load_workspace(engine, WS)
    assert [(r["id"], r["created"]) for r in got["runs"]] == [(1, 1001.0), (2, 1001.5)]
    assert [(d["id"], d["label"]) for d in got["digits"]] == [(1, 1), (2, 2)]
    assert got["active_run_id"] == 2


def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'workspaces.sqlite3'}"


def damaged_copies(tmp_path):
    return sorted(p.name for p in tmp_path.glob("workspaces.sqlite3.damaged-*"))


def test_a_file_that_is_not_a_database_is_kept_aside_and_a_fresh_one_started(tmp_path):
    path = tmp_path / "workspaces.sqlite3"
    path.write_bytes(b"my holiday photos, not a database\n" * 200)
    before = len(db.damage_notices(sqlite_url(tmp_path)))
    engine = storage.open_database(sqlite_url(tmp_path))
    (aside,) = damaged_copies(tmp_path)
    assert re.fullmatch(r"workspaces\.sqlite3\.damaged-\d{8}T\d{6}Z", aside)
    assert (tmp_path / aside).read_bytes() == b"my holiday photos, not a database\n" * 200
    storage.save_run(engine, WS, a_run(1))  # the fresh database works
    assert [r["id"] for r in storage.load_workspace(restart(sqlite_url(tmp_path)), WS)["runs"]] == [1]
    (notice,) = db.damage_notices(sqlite_url(tmp_path))[before:]
    assert db.damage_notices(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}") == []
    assert "file is not a database" in notice[1]
    assert f"kept as {tmp_path / aside}" in notice[1] and f"started at {path}" in notice[1]
    db.forget_engines()


def test_a_database_with_damaged_pages_fails_its_integrity_check_and_is_kept_aside(tmp_path):
    engine = storage.open_database(sqlite_url(tmp_path))
    for i in range(1, 30):
        storage.save_run(engine, WS, a_run(i, Network.random(20, 10, seed=i)))
    db.forget_engines()  # the last connection closed: the WAL is written back into the file
    path = tmp_path / "workspaces.sqlite3"
    data = bytearray(path.read_bytes())
    assert len(data) > 40_000
    data[8192:40_000] = np.random.default_rng(0).integers(0, 256, 31_808, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    engine = storage.open_database(sqlite_url(tmp_path))
    (aside,) = damaged_copies(tmp_path)
    assert (tmp_path / aside).read_bytes() == bytes(data)  # kept exactly as it was found
    assert storage.load_workspace(engine, WS)["runs"] == []
    db.forget_engines()


def test_a_read_that_meets_damage_closes_the_engine_so_the_next_open_starts_afresh(tmp_path):
    url = sqlite_url(tmp_path)
    storage.open_database(url)
    (tmp_path / "other.sqlite3").write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(sa.exc.DatabaseError) as raised:  # a real damage error, from SQLite
        with sa.create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}").connect() as conn:
            conn.exec_driver_sql("SELECT * FROM sqlite_master").all()
    assert not storage.reopen_if_damaged(sa.exc.OperationalError("x", {}, "database is locked"), url)
    assert storage.reopen_if_damaged(raised.value, url)
    path = tmp_path / "workspaces.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)  # now the file itself is damaged
    storage.open_database(url)
    assert len(damaged_copies(tmp_path)) == 1
    db.forget_engines()


def test_a_newer_schema_or_an_unopenable_path_is_not_taken_for_damage(tmp_path):
    engine = storage.open_database(sqlite_url(tmp_path))
    with engine.begin() as conn:
        conn.execute(sa.update(db.version_table).values(version=99))
    db.forget_engines()
    with pytest.raises(storage.SchemaTooNew):
        storage.open_database(sqlite_url(tmp_path))
    (tmp_path / "workspaces.sqlite3").unlink()
    for side in ("-wal", "-shm"):
        (tmp_path / f"workspaces.sqlite3{side}").unlink(missing_ok=True)
    (tmp_path / "workspaces.sqlite3").mkdir()  # a directory where the file should be
    with pytest.raises(storage.StorageError, match="unable to open database file"):
        storage.open_database(sqlite_url(tmp_path))
    assert damaged_copies(tmp_path) == [] and (tmp_path / "workspaces.sqlite3").is_dir()


def test_sqlite_writers_wait_for_each_other_in_wal_mode(tmp_path):
    engine = storage.open_database(sqlite_url(tmp_path))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    other = sa.create_engine(sqlite_url(tmp_path), isolation_level="AUTOCOMMIT")
    with other.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # another process holds the write lock
        release = threading.Timer(1.0, lambda: conn.exec_driver_sql("COMMIT"))
        release.start()
        t0 = time.perf_counter()
        storage.save_run(engine, WS, a_run(1))  # waits for it instead of failing
        assert time.perf_counter() - t0 >= 0.9
        release.join()
    other.dispose()
    assert [r["id"] for r in storage.load_workspace(engine, WS)["runs"]] == [1]
    db.forget_engines()


def test_postgresql_down_fails_in_seconds_and_the_same_engine_works_once_it_is_back():
    with postgres_server() as server:
        engine = storage.open_database(server.url)
        storage.save_run(engine, WS, a_run(1))
        server.stop()
        t0 = time.perf_counter()
        with pytest.raises(sa.exc.OperationalError):
            storage.save_run(engine, WS, a_run(2))
        with pytest.raises(sa.exc.OperationalError):
            storage.load_workspace(engine, WS)
        db.forget_engines()
        with pytest.raises(storage.StorageError, match="cannot open the database postgresql"):
            storage.open_database(server.url)
        assert time.perf_counter() - t0 < 3 * db.CONNECT_SECONDS + 5
        server.start()
        engine = storage.open_database(server.url)
        storage.save_run(engine, WS, a_run(2))
        assert [r["id"] for r in storage.load_workspace(engine, WS)["runs"]] == [1, 2]
        db.forget_engines()


def test_a_sqlite_file_replaced_under_the_running_app_fails_the_write_and_is_reopened(tmp_path):
    """An open connection keeps the file it opened: without the check its writes would go into
    the deleted file, and be lost without a word."""
    url, path = sqlite_url(tmp_path), tmp_path / "workspaces.sqlite3"
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1))
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").rename(f"{path}{side}.moved")
    path.mkdir()  # a directory where the file was: the database cannot be written
    with pytest.raises(storage.StorageError, match="was deleted, moved or replaced"):
        storage.save_run(engine, WS, a_run(2))
    with pytest.raises(storage.StorageError, match="unable to open database file"):
        storage.open_database(url)
    path.rmdir()
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}.moved").rename(f"{path}{side}")
    storage.save_run(storage.open_database(url), WS, a_run(2))
    assert [r["id"] for r in storage.load_workspace(restart(url), WS)["runs"]] == [1, 2]
    db.forget_engines()
