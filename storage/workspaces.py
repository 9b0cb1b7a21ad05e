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
Every function takes the engine from db.open_database; each write is one transaction.
"""

import io
import json
import re
import secrets
import time

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


def _ensure(conn, ws):
    """The workspace's row, made on its first write."""
    found = conn.execute(sa.select(workspaces.c.id).where(workspaces.c.id == ws)).first()
    if found is None:
        conn.execute(sa.insert(workspaces).values(id=ws, created=time.time()))


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


def save_run(engine, ws, run, keep=MAX_RUNS):
    """Store run, a dict: id, created, note, settings (dict), accuracy (dict), network, and
    result (dict of JSON values: history rows, converged, message, ...). Returns how many old
    runs were dropped to stay within keep."""
    _check_id(ws)
    row = dict(workspace_id=ws, run_id=int(run["id"]), created=float(run["created"]),
               note=run.get("note", ""), settings=json.dumps(run["settings"]),
               accuracy=json.dumps(run["accuracy"]), result=json.dumps(run["result"]),
               weights=network_npz_bytes(run["network"]))
    with engine.begin() as conn:
        _ensure(conn, ws)
        conn.execute(sa.delete(runs).where(runs.c.workspace_id == ws, runs.c.run_id == row["run_id"]))
        conn.execute(sa.insert(runs).values(row))
        active = conn.execute(sa.select(workspaces.c.active_run_id)
                              .where(workspaces.c.id == ws)).scalar()
        return _drop_oldest(conn, runs, runs.c.run_id, ws, keep, "dropped_runs", spare=active)


def set_active(engine, ws, run_id):
    _check_id(ws)
    with engine.begin() as conn:
        _ensure(conn, ws)
        conn.execute(sa.update(workspaces).where(workspaces.c.id == ws)
                     .values(active_run_id=None if run_id is None else int(run_id)))


def save_digit(engine, ws, item, keep=MAX_DIGITS):
    """Store one of my digits (a dict: id, x, label, shape); returns how many old ones were
    dropped to stay within keep."""
    _check_id(ws)
    row = dict(workspace_id=ws, digit_id=int(item["id"]), label=int(item["label"]),
               shape=json.dumps(list(item["shape"])), x=_array_bytes(item["x"]))
    with engine.begin() as conn:
        _ensure(conn, ws)
        conn.execute(sa.delete(digits).where(digits.c.workspace_id == ws,
                                             digits.c.digit_id == row["digit_id"]))
        conn.execute(sa.insert(digits).values(row))
        return _drop_oldest(conn, digits, digits.c.digit_id, ws, keep, "dropped_digits")


def remove_digit(engine, ws, digit_id):
    _check_id(ws)
    with engine.begin() as conn:
        conn.execute(sa.delete(digits).where(digits.c.workspace_id == ws,
                                             digits.c.digit_id == int(digit_id)))


def load_workspace(engine, ws):
    """Everything stored for ws: {"runs": [dict, ...] oldest first, "digits": [...],
    "active_run_id", "dropped_runs", "dropped_digits"}; empty for an unknown id."""
    _check_id(ws)
    out = dict(runs=[], digits=[], active_run_id=None, dropped_runs=0, dropped_digits=0)
    with engine.connect() as conn:
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
    with engine.begin() as conn:
        for table in (runs, digits):
            conn.execute(sa.delete(table).where(table.c.workspace_id == ws))
        conn.execute(sa.delete(workspaces).where(workspaces.c.id == ws))
