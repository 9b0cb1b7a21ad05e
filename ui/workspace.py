"""Your workspace: the session's runs, digits and active model kept in the database.

How it works
1. ensure() (every page, from nav.sidebar) reads ?ws= from the URL. A new visitor gets a random
   id of 128 bits put into the URL: the URL survives a reload, works behind a proxy and is the
   "link to my workspace" for another device. A page switch that loses it gets it back from
   the session.
2. The first time a session meets a workspace id, its runs, digits and active model are read
   from the database (storage.load_workspace) into st.session_state, where the pages use them.
3. Each change (state.add_run, state.set_active, my_digits.add / remove) joins the session's
   pending set (runs, digits, deleted digits, the active id) and the set is written at once.
   The database decides the ids (storage.save_run returns the id it stored under): a second tab
   that counted to the same run number gets the next free one, and the session uses it.
4. A failed write, or a failed read at the start, keeps everything in the session and the
   pending set: every page run tries again (at most every RETRY_SECONDS, so a database that is
   down does not slow each click) and the sidebar says what is waiting until it is saved; then
   "saved again". A workspace that could not be read is read first and merged: the session's
   runs and digits are numbered past the stored ones, nothing on either side is overwritten.
5. A damaged SQLite file moved aside by storage (damage_notices) is shown once to each session
   of the process, and the session's whole workspace is written again into the fresh database.
Writes may come from a job's worker thread, so they only change the session; the page draws.
"""

import math
import threading
import time

import streamlit as st

import nn_core
import storage

from .settings import Settings
from .text import count

PARAM = "ws"
KEY, LOADED, PROBLEM, DROPPED = "ws_id", "ws_loaded", "ws_problem", "ws_dropped"
PENDING, LOCK, NOTICE = "ws_pending", "ws_lock", "ws_notice"
RETRY_SECONDS = 5  # a database that is down is tried again at most this often
NOTICE_SECONDS = 3600  # a damaged database moved aside is told to sessions for an hour


def _engine():
    return storage.open_database()


def workspace_id():
    return st.session_state.get(KEY)


def ensure():
    """The workspace of this session, in the URL and loaded (see the module docstring)."""
    wanted = st.query_params.get(PARAM)
    if not storage.valid_workspace_id(wanted):
        wanted = workspace_id()
    if wanted is None:  # a new visitor: a new id has nothing stored yet, so nothing to read
        wanted = st.session_state[LOADED] = storage.new_workspace_id()
    if st.query_params.get(PARAM) != wanted:
        st.query_params[PARAM] = wanted
    st.session_state[KEY] = wanted
    st.session_state.setdefault(LOCK, threading.RLock())
    if st.session_state.get(LOADED) != wanted:
        st.session_state[LOADED] = wanted
        _load(wanted)
    else:
        flush()
    if _damage_notices():
        flush(now=True)
    return wanted


def _nothing_pending(unread=False):
    return dict(unread=unread, runs=[], digits=[], removed=[], active=False, tried=0.0,
                error=None, verb="save")


def pending():
    """What this session has not saved yet: {"unread", "runs" [(Run, keep)], "digits"
    [(item, keep)], "removed" [digit ids], "active" (bool), "tried" (time), "error"}."""
    return st.session_state.setdefault(PENDING, _nothing_pending())


def waiting(p=None):
    p = pending() if p is None else p
    return bool(p["unread"] or p["runs"] or p["digits"] or p["removed"] or p["active"])


def _load(ws):
    """Replace the session's runs, digits and active id with the workspace's."""
    st.session_state.update(runs=[], my_digits=[], active_run_id=None, next_run_id=1)
    st.session_state.update({DROPPED: (0, 0), PENDING: _nothing_pending(unread=True),
                             "ws_loaded_at": time.time()})
    st.session_state.pop(PROBLEM, None)
    flush(now=True)


def _merge(stored):
    """Put the stored workspace under the session's runs and digits: the session's own (made
    while the database could not be read) are numbered past the stored ones."""
    from .state import MAX_RUNS  # state imports this module

    s = st.session_state
    loaded = [_run(r) for r in stored["runs"]]
    top = max((r.id for r in loaded), default=0)
    mine = s.get("runs", [])
    chose = pending()["active"] or any(r.id == s.get("active_run_id") for r in mine)
    for k, run in enumerate(mine, start=top + 1):
        _renumber(run, k)
    if not chose:  # nothing chosen in this session: the stored choice stands
        s["active_run_id"] = stored["active_run_id"]
    s["runs"] = loaded + mine
    while len(s["runs"]) > MAX_RUNS:  # the rule of state.add_run: never the active one
        s["runs"].remove(next(r for r in s["runs"] if r.id != s["active_run_id"]))
    top = max((d["id"] for d in stored["digits"]), default=0)
    for k, item in enumerate(s.get("my_digits", []), start=top + 1):
        item["id"] = k
    s["my_digits"] = stored["digits"] + s.get("my_digits", [])
    s["next_run_id"] = 1 + max([r.id for r in s["runs"]] + [s.get("next_run_id", 1) - 1])
    runs, digits = s.get(DROPPED, (0, 0))
    s[DROPPED] = (runs + stored["dropped_runs"], digits + stored["dropped_digits"])


def _renumber(run, new_id):
    """run is stored as #new_id: the session calls it that from now on."""
    s = st.session_state
    if s.get("active_run_id") == run.id:
        s["active_run_id"] = new_id
    run.id = new_id
    s["next_run_id"] = max(s.get("next_run_id", 1), new_id + 1)


def flush(now=False):
    """Write what is pending, oldest first, stopping at the first failure (kept for the next
    try, at most every RETRY_SECONDS unless now). Says "saved again" when a failure is over."""
    ws, p = workspace_id(), pending()
    if ws is None or not waiting(p) or (not now and time.time() - p["tried"] < RETRY_SECONDS):
        return
    with st.session_state.setdefault(LOCK, threading.RLock()):  # a job's thread may flush too
        failed_before, unread = p["error"] is not None, p["unread"]
        counts = (len(p["runs"]), len(p["digits"]))
        p["tried"] = time.time()
        try:
            _write_pending(ws, p)
        except Exception as e:  # any failure: keep it all, say so, try again later
            storage.reopen_if_damaged(e)
            p["error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
            return
        p["error"] = None
    if failed_before and counts == (0, 0) and unread:
        st.session_state["ws_flash"] = "The database is back: your workspace was read."
    elif failed_before:
        st.session_state["ws_flash"] = (
            f"Saved again: the database is back, and the {count(counts[0], 'run')} and "
            f"{count(counts[1], 'digit')} that were waiting are in your workspace"
            + (", next to what it held before." if unread else "."))


def _write_pending(ws, p):
    s, engine = st.session_state, _engine()
    if p["unread"]:
        p["verb"] = "read"
        _merge(storage.load_workspace(engine, ws))
        p["unread"] = False
    p["verb"] = "save"
    while p["runs"]:
        run, keep = p["runs"][0]
        if any(r is run for r in s.get("runs", [])):  # not dropped by the bound meanwhile
            saved = storage.save_run(engine, ws, _plain_run(run), keep,
                                     activate=s.get("active_run_id") == run.id)
            _renumber(run, saved.id)
            _count_dropped(0, saved.dropped)
        p["runs"].pop(0)
    while p["digits"]:
        item, keep = p["digits"][0]
        saved = storage.save_digit(engine, ws, item, keep)
        item["id"] = saved.id
        _count_dropped(1, saved.dropped)
        p["digits"].pop(0)
    while p["removed"]:
        storage.remove_digit(engine, ws, p["removed"][0])
        p["removed"].pop(0)
    if p["active"]:
        storage.set_active(engine, ws, s.get("active_run_id"))
        p["active"] = False


def _problem(verb, error):
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    st.session_state[PROBLEM] = (
        f"Could not {verb} your workspace in the database ({reason}). Your work is kept in this "
        "session only: a reload or a server restart would lose it.")


def _waiting_text(p):
    """The sidebar's warning while something is unsaved: what, why, and what happens next."""
    what = [count(len(p["runs"]), "run"), count(len(p["digits"]), "digit")]
    if p["removed"]:
        what.append(count(len(p["removed"]), "deleted digit"))
    if p["active"]:
        what.append("your choice of active model")
    retry = f"tried again every {RETRY_SECONDS} seconds while you use the app"
    if p["unread"]:
        return (f"Could not read your workspace from the database ({p['error']}). Your work is "
                f"kept in this session only: {', '.join(what[:-1])} and {what[-1]} made here are "
                f"waiting. When the database is back ({retry}), your workspace is read and they "
                "are saved next to what it holds. Until then a reload or a server restart would "
                "lose them.")
    return (f"Could not save your workspace in the database ({p['error']}). Your work is kept "
            f"in this session only: {', '.join(what[:-1])} and {what[-1]} are waiting, and will "
            f"be saved when the database is back ({retry}). Until then a reload or a server "
            "restart would lose them.")


def _count_dropped(index, n):
    if n:
        runs, digits = st.session_state.get(DROPPED, (0, 0))
        st.session_state[DROPPED] = (runs + n, digits) if index == 0 else (runs, digits + n)


def _damage_notices():
    """A damaged database moved aside: tell this session once and, when the session had read
    its workspace from the damaged file, write all of it again -> True when it must be."""
    seen = st.session_state.setdefault("ws_notices_seen", set())
    again = False
    for at, text in storage.damage_notices(since=time.time() - NOTICE_SECONDS):
        if at in seen:
            continue
        seen.add(at)
        st.session_state[NOTICE] = text
        if st.session_state.get("ws_loaded_at", at) < at:
            p, again = pending(), True
            p["runs"] = [(r, _max_runs()) for r in st.session_state.get("runs", [])]
            p["digits"] = [(d, nn_core.MAX_MY_DIGITS) for d in st.session_state.get("my_digits", [])]
            p["active"] = True
    return again


def _max_runs():
    from .state import MAX_RUNS  # state imports this module

    return MAX_RUNS


# --- Run <-> plain values -----------------------------------------------------------------------

def _plain(x):
    return x if not isinstance(x, float) or math.isfinite(x) else repr(x)  # JSON has no NaN


def _unplain(x):
    return float(x) if x in ("nan", "inf", "-inf") else x


def _plain_run(run):
    """A Run as storage.save_run takes it: JSON values and the network."""
    res = run.result
    result = dict(history=[[_plain(getattr(s, k)) for k in STEP] for s in res.history],
                  **{k: _plain(getattr(res, k)) for k in FLAGS})
    settings = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(run.settings).items()}
    return dict(id=run.id, created=run.created, note=run.note, settings=settings, result=result,
                accuracy={k: _plain(v) for k, v in run.accuracy.items()}, network=run.network)


STEP = ("iteration", "cost", "grad_norm", "n_evals", "seconds")
FLAGS = ("converged", "message", "seconds", "stopped", "diverged", "start_cost")


def _run(stored):
    from .state import Run, freeze  # state imports this module

    settings = {k: tuple(v) if isinstance(v, list) else v for k, v in stored["settings"].items()}
    result = stored["result"]
    history = [nn_core.Step(*map(_unplain, row)) for row in result["history"]]
    res = nn_core.TrainResult(freeze(stored["network"]), history,
                              **{k: _unplain(result[k]) for k in FLAGS})
    accuracy = {k: _unplain(v) for k, v in stored["accuracy"].items()}
    return Run(stored["id"], Settings(**settings), res, accuracy, created=stored["created"],
               note=stored["note"])


# --- the writes: each joins the pending set, which is written at once unless already waiting --

def _changed():
    """Write now, unless earlier writes are already waiting: then at the next retry."""
    flush(now=pending()["error"] is None)


def save_run(run, keep):
    pending()["runs"].append((run, keep))
    _changed()


def save_active(run_id):
    pending()["active"] = True  # the session's active_run_id is written, whatever it is then
    _changed()


def save_digit(item, keep):
    pending()["digits"].append((item, keep))
    _changed()


def remove_digit(item_id):
    p = pending()
    unsaved = [entry for entry in p["digits"] if entry[0]["id"] == item_id]
    if unsaved:  # never stored: forget it
        p["digits"] = [entry for entry in p["digits"] if entry[0]["id"] != item_id]
        return
    p["removed"].append(item_id)
    _changed()


# --- the sidebar section -----------------------------------------------------------------------

def _delete():
    ws = workspace_id()
    try:
        storage.delete_workspace(_engine(), ws)
    except Exception as e:
        _problem("delete", e)
        return
    fresh = storage.new_workspace_id()
    st.session_state.update({KEY: fresh, LOADED: fresh, DROPPED: (0, 0), "runs": [],
                             PENDING: _nothing_pending(),
                             "my_digits": [], "active_run_id": None, "next_run_id": 1,
                             "ws_confirm": False,
                             "ws_flash": "Your workspace was deleted; this is a new, empty one."})
    st.query_params[PARAM] = fresh


def state_limits():
    from .state import MAX_RUNS  # state imports this module

    return f"{MAX_RUNS} runs and {nn_core.MAX_MY_DIGITS} digits"


def sidebar_ui():
    """"Your workspace": its link, Delete (confirmed), and what the bounds dropped."""
    ws = workspace_id()
    p = pending()
    if waiting(p) and p["error"] is not None:
        st.warning(_waiting_text(p))
    elif PROBLEM in st.session_state:
        st.warning(st.session_state[PROBLEM])
    if NOTICE in st.session_state:
        st.warning(st.session_state.pop(NOTICE))
    if "ws_flash" in st.session_state:
        st.success(st.session_state.pop("ws_flash"))
    runs, digits = st.session_state.get(DROPPED, (0, 0))
    if runs or digits:  # outside the expander: a dropped run should not go unnoticed
        st.caption(f"Your workspace keeps the newest {state_limits()}: the oldest were dropped "
                   f"({count(runs, 'run')}, {count(digits, 'digit')} so far).")
    with st.expander("Your workspace"):
        st.caption("Your runs, your digits and the active model are kept under this link. Open it "
                   "to carry on here later or on another device; whoever has it can see them.")
        st.code(f"{(st.context.url or '').split('?')[0]}?{PARAM}={ws}", language=None)
        if st.checkbox("Delete my workspace…", key="ws_confirm"):
            st.button("Delete it for good", key="ws_delete", type="primary", on_click=_delete)



# --- class membership (ui/class_board.py): kept with the workspace, so it survives a reload -----

def class_membership():
    """(class code, nickname) stored with this session's workspace, or None; raises when the
    database cannot be read (the caller reads it again on a later run)."""
    ws = workspace_id()
    return None if ws is None else storage.classes.membership(_engine(), ws)


def join_class(code, nickname):
    """Keep the class with this workspace; storage.classes.NoSuchClass or ValueError (the page
    says which) when it cannot be joined. Returns (code, nickname) as stored."""
    return storage.classes.join_class(_engine(), workspace_id(), code, nickname)


def leave_class():
    storage.classes.leave_class(_engine(), workspace_id())


def share_run(code, nickname, run):
    """Put run on class code's board under this workspace (storage.classes.share_run)."""
    return storage.classes.share_run(_engine(), code, workspace_id(), nickname, _plain_run(run))


def run_from_board(entry):
    """A board entry (storage.classes.entry_run) as a Run of this session, numbered 0 for now."""
    return _run(dict(entry, id=0, note=""))
