"""Many sessions writing at once corrupt nothing: threads and processes, SQLite and PostgreSQL.

Every writer plays a browser tab that counts its own run and digit ids from 1, so on a shared
workspace they all ask for the same ids at once: storage decides the real id inside the write's
transaction (storage/workspaces.py, step 5). Afterwards every write is there exactly once,
under the id its writer was told, in its own workspace only, and the database checks out
(SQLite: PRAGMA integrity_check; both: no row outside a workspace, no id twice).
"""

import multiprocessing
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sqlalchemy as sa
from pg_server import postgres_url

import storage
from nn_core import Network
from storage import db

SHARED, ALONE = "s" * 22, "t" * 22
WRITERS = 5  # four on the shared workspace, one on its own
WRITES = 6  # runs and as many digits, each writer


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
        name = "c_" + uuid.uuid4().hex  # made here, never from user text
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        yield base.rsplit("/", 1)[0] + "/" + name
    db.forget_engines()
    if request.param == "postgresql":
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def workspace_of(writer):
    return ALONE if writer == WRITERS - 1 else SHARED


_start = None  # a Barrier: every writer begins at the same moment (set per thread pool / process)


def _set_start(barrier):
    global _start
    _start = barrier


def write_many(url, writer):
    """One tab's work: WRITES runs and digits, ids counted from 1 -> [(kind, tag, stored id)].
    A run's tag is its note, a digit's is its pixel value: unique to this writer and write."""
    _start.wait(timeout=300)  # a loaded machine imports slowly: wait for the last writer
    engine, ws, told = storage.open_database(url), workspace_of(writer), []
    for k in range(1, WRITES + 1):
        tag = writer * 100 + k
        run = dict(id=k, created=float(tag), note=str(tag), settings={"seed": tag},
                   accuracy={"train": 0.5}, result={"history": [], "converged": True},
                   network=Network.random(4, 3, seed=tag))
        told.append(("run", tag, storage.save_run(engine, ws, run, activate=k == WRITES).id))
        item = dict(id=k, x=np.full(4, float(tag)), label=k % 10, shape=(2, 2))
        told.append(("digit", tag, storage.save_digit(engine, ws, item).id))
    return told


def check(url, told_by_writer):
    engine = storage.open_database(url)
    for ws in (SHARED, ALONE):
        writers = [w for w in range(WRITERS) if workspace_of(w) == ws]
        got = storage.load_workspace(engine, ws)
        runs = {int(r["note"]): r["id"] for r in got["runs"]}
        digits = {int(d["x"][0]): d["id"] for d in got["digits"]}
        expected = {w * 100 + k for w in writers for k in range(1, WRITES + 1)}
        assert len(got["runs"]) == len(runs) and set(runs) == expected  # each once, no stranger
        assert len(got["digits"]) == len(digits) and set(digits) == expected
        for w in writers:  # each stored under the id its writer was told
            for kind, tag, stored in told_by_writer[w]:
                assert (runs if kind == "run" else digits)[tag] == stored
        assert got["active_run_id"] in runs.values()
        assert (got["dropped_runs"], got["dropped_digits"]) == (0, 0)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        for table, key in ((db.runs, db.runs.c.run_id), (db.digits, db.digits.c.digit_id)):
            rows = conn.execute(sa.select(table.c.workspace_id, key)).all()
            assert len(rows) == len(set(rows)) == WRITERS * WRITES
            assert {ws for ws, _ in rows} == {SHARED, ALONE}
        assert conn.execute(sa.select(sa.func.count()).select_from(db.workspaces)).scalar() == 2


def test_threads_writing_at_once_lose_and_mix_nothing(url):
    _set_start(threading.Barrier(WRITERS))
    with ThreadPoolExecutor(WRITERS) as pool:
        told = list(pool.map(lambda w: write_many(url, w), range(WRITERS)))
    shared = [stored for w in range(WRITERS - 1) for kind, _, stored in told[w] if kind == "run"]
    assert sorted(shared) == list(range(1, len(shared) + 1))  # asked for 1..6 four times
    check(url, told)


def test_processes_writing_at_once_lose_and_mix_nothing(url):
    """Separate processes (spawn: nothing shared but the database), each opening the new
    database at the same moment, so they also race to create its tables."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(WRITERS, initializer=_set_start, initargs=(spawn.Barrier(WRITERS),)) as pool:
        told = pool.starmap(write_many, [(url, w) for w in range(WRITERS)])
    check(url, told)
