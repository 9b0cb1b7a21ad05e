"""One workspace: its runs, its digits and its active model, read and written.

How it works
1. A workspace is named by a random id of 128 bits (new_workspace_id), kept in the browser's
   URL as ?ws=...: whoever has the link has the workspace, nobody can guess one. Its row is
   written with its first run or digit, so a visitor who only looks leaves nothing behind.
2. A run is stored as its settings and accuracies (JSON), its result's history and flags (JSON)
   and its weights as .npz bytes (nn_core.network_npz_bytes, read back with allow_pickle=False):
   never a pickled object, so a database cannot make the app run code.
3. A digit is its label, its image shape and its input vector a1 as .npz bytes.
4. Storage is bounded: beyond `keep` runs (never the active one) or digits the oldest are
   deleted, and the workspace counts how many, for the page to say so.
5. Two sessions (two tabs) on one workspace count their run and digit ids on their own, so the
   id is decided inside the write's transaction, with the workspace's row locked: the id asked
   for when it is free, else one past the workspace's largest; the same run (or digit) written
   again, a retried write, replaces itself. save_run/save_digit return Saved(id, dropped): the
   id it was stored under, for the page to use from then on.
Every function takes the engine from db.open_database; each write is one transaction, tried
again when a concurrent first write of the same workspace made it collide.
"""

import io
import json
import re
import secrets
import time
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa

from nn_core import network_npz_bytes, read_npz

from .db import digits, runs, workspaces

MAX_RUNS = 100  # per workspace, unless the caller keeps fewer
MAX_DIGITS = 500
_ID = re.compile(r"[A-Za-z0-9_-]{22,64}")  # token_urlsafe(16) is 22 characters: 128 bits


def new_workspace_id():
    return secrets.token_urlsafe(16)


def valid_workspace_id(text):
    """True for text that can be a workspace id (22-64 URL-safe characters): at least 128 bits."""
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def _check_id(ws):
    if not valid_workspace_id(ws):
        raise ValueError(f"a workspace id must be 22 to 64 letters, digits, - or _, found {ws!r}")


class Saved(NamedTuple):
    id: int  # the id the run or digit was stored under (the one asked for, unless taken)
    dropped: int  # how many old ones the bound dropped


def _ensure(conn, ws):
    """The workspace's row, made on its first write, and locked until the transaction ends
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the whole file): writers of one
    workspace take turns."""
    query = sa.select(workspaces.c.id).where(workspaces.c.id == ws).with_for_update()
    if conn.execute(query).first() is None:
        conn.execute(sa.insert(workspaces).values(id=ws, created=time.time()))


def _writing(engine, work, tries=5):
    """work(conn) in one write transaction -> its result. Two first writes of one workspace at
    once both insert its row; the loser gets an IntegrityError and simply tries again."""
    for attempt in range(tries):
        try:
            with engine.begin() as conn:
                return work(conn)
        except sa.exc.IntegrityError:
            if attempt == tries - 1:
                raise
        except sa.exc.OperationalError as e:  # PostgreSQL: deadlock or serialization failure
            if attempt == tries - 1 or getattr(e.orig, "sqlstate", None) not in ("40P01", "40001"):
                raise


def _equal(there, row, keys):
    plain = lambda v: bytes(v) if isinstance(v, memoryview) else v  # noqa: E731
    return all(plain(there[k]) == row[k] for k in keys)


def _place(conn, table, key, ws, wanted, same):
    """The id to store a new row under: wanted when free; when the row there is the same item
    (same(row): a retried write) it is replaced; else one past the workspace's largest id."""
    where = (table.c.workspace_id == ws, key == wanted)
    there = conn.execute(sa.select(table).where(*where)).mappings().first()
    if there is None:
        return wanted
    if same(there):
        conn.execute(sa.delete(table).where(*where))
        return wanted
    top = conn.execute(sa.select(sa.func.max(key)).where(table.c.workspace_id == ws)).scalar()
    return max(wanted, top + 1)


def _array_bytes(x):
    buf = io.BytesIO()
    np.savez_compressed(buf, x=np.asarray(x, dtype=np.float64))
    return buf.getvalue()


def _array(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as f:
        return f["x"]


def _drop_oldest(conn, table, key, ws, keep, counter, spare=None):
    """Delete the oldest rows of ws beyond keep (never the id `spare`); add their number to the
    workspace's counter."""
    ids = conn.execute(sa.select(key).where(table.c.workspace_id == ws).order_by(key)).scalars().all()
    extra = [i for i in ids if i != spare][:max(0, len(ids) - keep)]
    if extra:
        conn.execute(sa.delete(table).where(table.c.workspace_id == ws, key.in_(extra)))
        conn.execute(sa.update(workspaces).where(workspaces.c.id == ws)
                     .values({counter: workspaces.c[counter] + len(extra)}))
    return len(extra)


def save_run(engine, ws, run, keep=MAX_RUNS, activate=False):
    """Store run, a dict: id, created, note, settings (dict), accuracy (dict), network, and
    result (dict of JSON values: history rows, converged, message, ...); with activate, it
    becomes the active run in the same transaction. Returns Saved(id it was stored under, how
    many old runs were dropped to stay within keep)."""
    _check_id(ws)
    row = dict(workspace_id=ws, run_id=int(run["id"]), created=float(run["created"]),
               note=run.get("note", ""), settings=json.dumps(run["settings"]),
               accuracy=json.dumps(run["accuracy"]), result=json.dumps(run["result"]),
               weights=network_npz_bytes(run["network"]))

    def same(there):  # the same run written again: same moment, same settings and weights
        return _equal(there, row, ("created", "settings", "weights"))

    def work(conn):
        _ensure(conn, ws)
        run_id = _place(conn, runs, runs.c.run_id, ws, row["run_id"], same)
        conn.execute(sa.insert(runs).values({**row, "run_id": run_id}))
        if activate:
            conn.execute(sa.update(workspaces).where(workspaces.c.id == ws)
                         .values(active_run_id=run_id))
        active = conn.execute(sa.select(workspaces.c.active_run_id)
                              .where(workspaces.c.id == ws)).scalar()
        return Saved(run_id, _drop_oldest(conn, runs, runs.c.run_id, ws, keep, "dropped_runs",
                                          spare=active))
    return _writing(engine, work)


def set_active(engine, ws, run_id):
    _check_id(ws)

    def work(conn):
        _ensure(conn, ws)
        conn.execute(sa.update(workspaces).where(workspaces.c.id == ws)
                     .values(active_run_id=None if run_id is None else int(run_id)))
    _writing(engine, work)


def save_digit(engine, ws, item, keep=MAX_DIGITS):
    """Store one of my digits (a dict: id, x, label, shape) -> Saved(id it was stored under, how
    many old ones were dropped to stay within keep)."""
    _check_id(ws)
    row = dict(workspace_id=ws, digit_id=int(item["id"]), label=int(item["label"]),
               shape=json.dumps(list(item["shape"])), x=_array_bytes(item["x"]))

    def same(there):
        return _equal(there, row, ("label", "shape", "x"))

    def work(conn):
        _ensure(conn, ws)
        digit_id = _place(conn, digits, digits.c.digit_id, ws, row["digit_id"], same)
        conn.execute(sa.insert(digits).values({**row, "digit_id": digit_id}))
        return Saved(digit_id, _drop_oldest(conn, digits, digits.c.digit_id, ws, keep,
                                            "dropped_digits"))
    return _writing(engine, work)


def remove_digit(engine, ws, digit_id):
    _check_id(ws)
    _writing(engine, lambda conn: conn.execute(sa.delete(digits).where(
        digits.c.workspace_id == ws, digits.c.digit_id == int(digit_id))))


def load_workspace(engine, ws):
    """Everything stored for ws: {"runs": [dict, ...] oldest first, "digits": [...],
    "active_run_id", "dropped_runs", "dropped_digits"}; empty for an unknown id."""
    _check_id(ws)
    out = dict(runs=[], digits=[], active_run_id=None, dropped_runs=0, dropped_digits=0)
    with engine.execution_options(nn_read=True).connect() as conn:  # db.py: a plain BEGIN
        head = conn.execute(sa.select(workspaces).where(workspaces.c.id == ws)).mappings().first()
        if head is None:
            return out
        out.update(active_run_id=head["active_run_id"], dropped_runs=head["dropped_runs"],
                   dropped_digits=head["dropped_digits"])
        for r in conn.execute(sa.select(runs).where(runs.c.workspace_id == ws)
                              .order_by(runs.c.run_id)).mappings():
            out["runs"].append(dict(
                id=r["run_id"], created=r["created"], note=r["note"],
                settings=json.loads(r["settings"]), accuracy=json.loads(r["accuracy"]),
                result=json.loads(r["result"]), network=read_npz(bytes(r["weights"]))["network"]))
        for d in conn.execute(sa.select(digits).where(digits.c.workspace_id == ws)
                              .order_by(digits.c.digit_id)).mappings():
            out["digits"].append(dict(id=d["digit_id"], label=d["label"],
                                      shape=tuple(json.loads(d["shape"])), x=_array(bytes(d["x"]))))
    return out


def delete_workspace(engine, ws):
    """Delete the workspace and everything in it."""
    _check_id(ws)

    def work(conn):
        for table in (runs, digits):
            conn.execute(sa.delete(table).where(table.c.workspace_id == ws))
        conn.execute(sa.delete(workspaces).where(workspaces.c.id == ws))
    _writing(engine, work)
