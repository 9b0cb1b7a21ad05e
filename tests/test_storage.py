"""storage/: a workspace's runs, digits and active model in SQLite and in a real PostgreSQL.

Each test runs on a fresh database of both kinds: a SQLite file in tmp_path, and a new database
in a PostgreSQL server started for this module (tests/pg_server.py). A "server restart" is
storage.db.forget_engines(): every connection closed, the next open starts from the file.
"""

import io
import json
import subprocess
import sys
import uuid

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import ROOT
from pg_server import postgres_url

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
        assert db.schema_version(conn) == db.SCHEMA_VERSION == 2


def test_a_newer_schema_is_refused_with_a_clear_message_and_left_alone(url):
    engine = storage.open_database(url)
    storage.save_run(engine, WS, a_run(1))
    with engine.begin() as conn:
        conn.execute(sa.update(db.version_table).values(version=99))
    db.forget_engines()
    with pytest.raises(storage.SchemaTooNew, match="schema version 99, but this app knows "
                       "versions up to 2: it was written by a newer version of the app"):
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
