"""Your workspace: the session's runs, digits and active model kept in the database.

How it works
1. ensure() (every page, from nav.sidebar) reads ?ws= from the URL. A new visitor gets a random
   id of 128 bits put into the URL: the URL survives a reload, works behind a proxy and is the
   "link to my workspace" for another device. A page switch that loses it gets it back from
   the session.
2. The first time a session meets a workspace id, its runs, digits and active model are read
   from the database (storage.load_workspace) into st.session_state, where the pages use them.
3. Each change (state.add_run, state.set_active, my_digits.add / remove) is written through
   with save_*(). A failed read or write keeps the in-memory copy and says so in the sidebar:
   the work is then only in this session. Writes may come from a job's worker thread, so they
   only leave a message in the session; the page draws it.
"""

import math

import streamlit as st

import nn_core
import storage

from .settings import Settings

PARAM = "ws"
KEY, LOADED, PROBLEM, DROPPED = "ws_id", "ws_loaded", "ws_problem", "ws_dropped"


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
    if st.session_state.get(LOADED) != wanted:
        st.session_state[LOADED] = wanted
        _load(wanted)
    return wanted


def _load(ws):
    """Replace the session's runs, digits and active id with the workspace's."""
    st.session_state.update(runs=[], my_digits=[], active_run_id=None, next_run_id=1)
    st.session_state.pop(PROBLEM, None)
    try:
        stored = storage.load_workspace(_engine(), ws)
        loaded = [_run(r) for r in stored["runs"]]
    except Exception as e:  # any failure to read: say so, keep working in memory
        _problem("read", e)
        return
    st.session_state["runs"] = loaded
    st.session_state["my_digits"] = stored["digits"]
    st.session_state["active_run_id"] = stored["active_run_id"]
    st.session_state["next_run_id"] = 1 + max((r["id"] for r in stored["runs"]), default=0)
    st.session_state[DROPPED] = (stored["dropped_runs"], stored["dropped_digits"])


def _problem(verb, error):
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    st.session_state[PROBLEM] = (
        f"Could not {verb} your workspace in the database ({reason}). Your work is kept in this "
        "session only: a reload or a server restart would lose it.")


def _write(verb, fn, *args):
    """Call a storage write for this session's workspace; any failure becomes the message."""
    ws = workspace_id()
    if ws is None:  # a session that never drew a page (a unit test of ui.state): memory only
        return 0
    try:
        return fn(_engine(), ws, *args) or 0
    except Exception as e:
        _problem(verb, e)
        return 0


def _count_dropped(index, n):
    if n:
        runs, digits = st.session_state.get(DROPPED, (0, 0))
        st.session_state[DROPPED] = (runs + n, digits) if index == 0 else (runs, digits + n)


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


def save_run(run, keep):
    _count_dropped(0, _write("save", lambda engine, ws: storage.save_run(
        engine, ws, _plain_run(run), keep)))


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


def save_active(run_id):
    _write("save", storage.set_active, run_id)


def save_digit(item, keep):
    _count_dropped(1, _write("save", storage.save_digit, item, keep))


def remove_digit(item_id):
    _write("save", storage.remove_digit, item_id)


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
                             "my_digits": [], "active_run_id": None, "next_run_id": 1,
                             "ws_confirm": False,
                             "ws_flash": "Your workspace was deleted; this is a new, empty one."})
    st.query_params[PARAM] = fresh


def _count(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def state_limits():
    from .state import MAX_RUNS  # state imports this module

    return f"{MAX_RUNS} runs and {nn_core.MAX_MY_DIGITS} digits"


def sidebar_ui():
    """"Your workspace": its link, Delete (confirmed), and what the bounds dropped."""
    ws = workspace_id()
    if PROBLEM in st.session_state:
        st.warning(st.session_state[PROBLEM])
    if "ws_flash" in st.session_state:
        st.success(st.session_state.pop("ws_flash"))
    runs, digits = st.session_state.get(DROPPED, (0, 0))
    if runs or digits:  # outside the expander: a dropped run should not go unnoticed
        st.caption(f"Your workspace keeps the newest {state_limits()}: the oldest were dropped "
                   f"({_count(runs, 'run')}, {_count(digits, 'digit')} so far).")
    with st.expander("Your workspace"):
        st.caption("Your runs, your digits and the active model are kept under this link. Open it "
                   "to carry on here later or on another device; whoever has it can see them.")
        st.code(f"{(st.context.url or '').split('?')[0]}?{PARAM}={ws}", language=None)
        if st.checkbox("Delete my workspace…", key="ws_confirm"):
            st.button("Delete it for good", key="ws_delete", type="primary", on_click=_delete)



# --- class membership (ui/class_board.py): kept with the workspace, so it survives a reload -----

def class_membership():
    """(class code, nickname) stored with this session's workspace, or None; a failed read says
    so in the sidebar, as any other."""
    ws = workspace_id()
    if ws is None:
        return None
    try:
        return storage.classes.membership(_engine(), ws)
    except Exception as e:
        _problem("read", e)
        return None


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
