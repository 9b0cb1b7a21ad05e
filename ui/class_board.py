"""The class board: a teacher's class, its students' shared runs, and what they say together.

How it works
1. The teacher key is set on the server, never in a URL: NN_DIGITS_TEACHER_KEY in the
   environment or teacher_key in .streamlit/secrets.toml (the environment wins). Typed into the
   Class page's password box, it unlocks this session (st.session_state only) to create classes,
   remove entries and clear a board. Without a key set nobody can create a class.
2. Students join with the class code and an optional nickname (or a link with ?class=CODE, on
   any page). The membership is kept with the workspace (ui/workspace.py), read back when a
   session meets the workspace, and kept in the URL as class=, next to ws=.
3. The Train page's "Share this run with my class" stores the active run (settings,
   accuracies, weights as .npz bytes) on the board (storage.classes).
4. The board is a fragment that reruns every REFRESH_SECONDS while the page is open: it reads
   the class's entries, draws them (ui/figs_class.py) and offers the best run, which "Use it"
   copies into the session's own runs as its active model. Nicknames are user text: shown as
   text (ui/text.py), never as markdown.
"""

import hmac
import os

import streamlit as st

import storage
from nn_core import DATASETS
from storage import classes

from . import charts, figs_class, glossary, state, workspace
from .text import count, literal

PARAM = "class"
ENV_KEY = "NN_DIGITS_TEACHER_KEY"
JOINED = "class_joined"  # (code, nickname) of this session's class, or None
LOADED_FOR = "class_loaded_for"  # the workspace whose membership was read
URL_SEEN = "class_url_seen"  # the last ?class= value acted on, so a refused one is tried once
TEACHER = "class_teacher"  # True once the teacher key was given in this session
FLASH = "class_flash_"  # + a place: (kind, text), the outcome of the last click, shown once there
REFRESH_SECONDS = 5
TEACHER_LIST = 100  # the newest entries the teacher can remove one by one


# --- the teacher key ------------------------------------------------------------------------------

def teacher_key():
    """The server's teacher key, or None: the environment's, else .streamlit/secrets.toml's."""
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY]
    try:
        key = st.secrets.get("teacher_key")
    except FileNotFoundError:  # no secrets.toml at all
        return None
    return str(key) if key else None


def _unlock():
    given, key = st.session_state.get("teacher_key") or "", teacher_key()
    st.session_state["teacher_key"] = ""  # the box is emptied either way: nothing stays in it
    # compare_digest: the time taken does not tell how much of a wrong key was right.
    if key and hmac.compare_digest(given.encode(), key.encode()):
        st.session_state[TEACHER] = True
    else:
        _flash("teacher", "error", "That is not this server's teacher key. Ask whoever runs the server, or "
                        f"see the key they set in .streamlit/secrets.toml or {ENV_KEY}.")


def is_teacher():
    return bool(st.session_state.get(TEACHER)) and teacher_key() is not None


# --- membership ------------------------------------------------------------------------------------

def _flash(place, kind, text):
    st.session_state[FLASH + place] = (kind, text)


def show_flash(place):
    """The message a click left for this place ("join", "share", "board", "teacher", "link")."""
    kind, text = st.session_state.pop(FLASH + place, (None, None))
    if kind:
        getattr(st, kind)(text)


def joined():
    """(code, nickname) of this session's class, or None."""
    return st.session_state.get(JOINED)


def _join(code, nickname):
    """Join; None when joined, else why not, in words (user text made literal)."""
    try:
        st.session_state[JOINED] = workspace.join_class(code, nickname)
    except ValueError as e:  # a malformed code or nickname, or classes.NoSuchClass
        return f"Not joined: {literal(e)}."
    except storage.StorageError as e:
        return f"Not joined: the database could not be written ({literal(e)})."
    return None


def ensure():
    """This session's class, read with its workspace, joined from ?class= and kept in the URL
    (nav.sidebar calls this on every page, after workspace.ensure)."""
    ws = workspace.workspace_id()
    # Read with the workspace: not while the workspace itself waits to be read (the database is
    # away, and the sidebar says so), and again on a later run when this read fails.
    if st.session_state.get(LOADED_FOR) != ws and not workspace.pending()["unread"]:
        try:
            st.session_state[JOINED] = workspace.class_membership()
            st.session_state[LOADED_FOR] = ws
        except Exception:  # noqa: BLE001 - the database went away since: tried again next run
            pass
    wanted = st.query_params.get(PARAM)
    if wanted and wanted != st.session_state.get(URL_SEEN):
        st.session_state[URL_SEEN] = wanted
        mine = joined()
        try:
            same = mine is not None and classes.read_code(wanted) == mine[0]
        except ValueError:
            same = False
        problem = None if same else _join(wanted, mine[1] if mine else "")
        if problem:
            _flash("link", "warning", f"The class in this page's link: {problem}")
    mine = joined()
    shown = classes.shown_code(mine[0]) if mine else None
    if shown and st.query_params.get(PARAM) != shown:
        st.query_params[PARAM] = st.session_state[URL_SEEN] = shown
    elif not shown and PARAM in st.query_params:
        del st.query_params[PARAM]  # a link's class that could not be joined (the flash says why)


def link_params():
    """What a page link carries besides ws=: the class, so a page switch keeps it."""
    mine = joined()
    return {PARAM: classes.shown_code(mine[0])} if mine else {}


def _join_clicked():
    code = st.session_state.get("class_code") or ""
    problem = "Type the class code your teacher gave you first." if not code.strip() else \
        _join(code, st.session_state.get("class_nickname") or "")
    if problem:
        _flash("join", "error", problem)
    else:
        code, nickname = joined()
        _flash("join", "success", f"You joined class {classes.shown_code(code)}"
                                  + (f" as {literal(nickname)}." if nickname else "."))


def _leave():
    try:
        workspace.leave_class()
    except Exception as e:  # noqa: BLE001 - said on the page; the session leaves anyway
        _flash("join", "warning", f"Left the class in this session only: {literal(e)}.")
    st.session_state[JOINED] = None


def join_ui():
    """Class code, nickname and Join; once in a class, which one and a way to leave it."""
    mine = joined()
    if mine:
        code, nickname = mine
        st.markdown(f"You are in class **{classes.shown_code(code)}**"
                    + (f" as **{literal(nickname)}**." if nickname else " (no nickname)."))
    code_col, nick_col, button_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    code_col.text_input("Class code", key="class_code", placeholder="K7QX2-MP9RT", max_chars=30,
                        help=glossary.explain("class code"))
    nick_col.text_input("Nickname (optional)", key="class_nickname", max_chars=classes.MAX_NICKNAME,
                        help="What the board shows next to your runs. Leave it empty to share "
                             "without a name.")
    button_col.button("Join", key="class_join", on_click=_join_clicked,
                      type="secondary" if mine else "primary")
    if mine:
        st.button("Leave this class", key="class_leave", on_click=_leave)
    show_flash("join")


def sidebar_ui():
    """A class link that could not be joined says so in the sidebar, on whatever page it opened."""
    show_flash("link")


# --- the Train page's share button -------------------------------------------------------------------

def _share(run):
    code, nickname = joined()
    if run.settings.dataset not in DATASETS:
        _flash("share", "error", "Only runs on the built-in digits can be shared: your classmates "
                                 f"do not have your files ({literal(run.settings.dataset)}).")
        return
    try:
        workspace.share_run(code, nickname, run)
    except (ValueError, storage.StorageError) as e:
        _flash("share", "error", f"Not shared: {literal(e)}.")
    else:
        _flash("share", "success", f"Run #{run.id} is on the board of class "
                                   f"{classes.shown_code(code)}: see it on the Class page.")


def share_ui(run):
    """"Share this run with my class" for the active run, when the session is in a class."""
    if joined() is None or run.id != st.session_state.get("active_run_id"):
        return
    st.button("Share this run with my class", key="class_share", on_click=_share, args=(run,),
              help="Puts this run's settings, accuracies and weights on your class's board, under "
                   "your nickname. Your workspace and its link are not shared.")
    show_flash("share")


# --- the board ------------------------------------------------------------------------------------------

def _use(code, entry_id):
    try:
        entry = classes.entry_run(storage.open_database(), code, entry_id)
        stored = workspace.run_from_board(entry)
        run = state.make_run(stored.settings, stored.result,
                             note=f"from the class board ({figs_class.shown_name(entry['nickname'])})")
    except KeyError:
        _flash("board", "warning", "That run was removed from the board meanwhile.")
        return
    except Exception as e:  # noqa: BLE001 - a run this app cannot use: say why, keep the page
        _flash("board", "error", f"That run cannot be used here: {literal(e)}.")
        return
    state.add_run(run)
    _flash("board", "success", f"The best run is now your run #{run.id} and your active model, "
                               "on every page.")


def _remove(code, entry_id):
    if not is_teacher():  # the buttons are drawn for the teacher only; checked again all the same
        return
    classes.remove_entry(storage.open_database(), code, entry_id)


def _clear(code):
    if not is_teacher():
        return
    n = classes.clear_class(storage.open_database(), code)
    st.session_state["class_clear_confirm"] = False
    _flash("board", "success", f"The board is clear: {count(n, 'run')} removed.")


def _best_ui(code, top, entries):
    st.subheader("The best run so far", help=glossary.explain("validation", "accuracy", "λ", "seed"))
    st.markdown(f"**{literal(figs_class.shown_name(top['nickname']))}**: "
                f"{100 * top['validation']:.1f}% on validation · λ = {top['lambd']:g} · "
                f"{top['hidden']} hidden units · seed {top['seed']}")
    entry = next(e for e in entries if e["id"] == top["id"])
    st.caption("Its settings: " + " · ".join(f"{k} {literal(v)}" for k, v in entry["settings"].items()))
    st.button("Use it: make it my active model", key="class_use_best", on_click=_use,
              args=(code, top["id"]), type="primary")


def _teacher_ui(code, entries):
    st.subheader("Remove entries (teacher)")
    newest = entries[::-1][:TEACHER_LIST]
    if len(entries) > TEACHER_LIST:
        st.caption(f"The newest {TEACHER_LIST} of {len(entries)} runs are listed; remove some, or "
                   "clear the board, to reach older ones.")
    for e in newest:
        p = figs_class.points([e])
        text_col, button_col = st.columns([5, 1], vertical_alignment="center")
        text_col.text(f"{figs_class.shown_name(e['nickname'])} · λ = {e['settings'].get('lambd')} · "
                      + (f"{100 * p[0]['validation']:.1f}% on validation" if p else "not measured"))
        button_col.button("Remove", key=f"class_remove_{e['id']}", on_click=_remove, args=(code, e["id"]))
    confirm = st.checkbox("Remove every run from this board", key="class_clear_confirm")
    st.button("Clear the board", key="class_clear", disabled=not confirm, on_click=_clear, args=(code,))


@st.fragment(run_every=REFRESH_SECONDS)
def board(code):
    """The class's board: redrawn every REFRESH_SECONDS while the page is open."""
    try:
        entries = classes.entries(storage.open_database(), code)
    except storage.StorageError as e:
        st.error(f"The board cannot be read just now: {literal(e)}")
        return
    pts = figs_class.points(entries)
    glossary.markdown(st, f"Class **{classes.shown_code(code)}**: **{count(len(entries), 'run')} shared**. "
                          f"The board refreshes on its own every {REFRESH_SECONDS} seconds.")
    show_flash("board")
    if pts:
        left, right = st.columns(2)
        charts.show(left, figs_class.scatter_chart(pts, "lambd", "λ against validation accuracy",
                                                   "λ (regularization)"), key="class_lambda_chart")
        charts.show(right, figs_class.scatter_chart(pts, "hidden", "hidden size against validation "
                                                    "accuracy", "hidden units"), key="class_hidden_chart")
        st.caption("One point per shared run; point at one to see whose it is. Validation accuracy "
                   "is measured on digits no run studied, so the runs compare fairly.",
                   help=glossary.explain("λ", "regularization", "validation", "accuracy", "hidden unit"))
        _best_ui(code, figs_class.best(pts), entries)
        rows = figs_class.sweep(pts)
        charts.show(st, figs_class.sweep_chart(rows), key="class_sweep_chart")
        st.caption(figs_class.sweep_words(rows) + " The error bar of a λ is its seed spread, the "
                   "noise any comparison has to beat.",
                   help=glossary.explain("λ", "error bar", "seed", "seed spread", "validation"))
    elif entries:
        st.info("The runs shared so far have no validation accuracy to compare.")
    else:
        st.info("Nobody has shared a run yet. Train on the Train page, then press “Share this run "
                "with my class” under Your runs.")
    if is_teacher() and entries:
        _teacher_ui(code, entries)


# --- the teacher's section ----------------------------------------------------------------------------

def _create():
    if not is_teacher():
        return
    try:
        code = classes.create_class(storage.open_database())
    except storage.StorageError as e:
        _flash("teacher", "error", f"No class was created: {literal(e)}.")
        return
    st.session_state["class_created"] = code
    problem = _join(code, "teacher")
    if problem:
        _flash("teacher", "error", problem)


def teacher_ui():
    """Unlock with the teacher key; then create a class and show its code."""
    st.subheader("For the teacher", help=glossary.explain("teacher key", "class code"))
    if teacher_key() is None:
        glossary.markdown(st, "No teacher key is set on this server, so nobody can create a class. "
                              "Whoever runs it sets one: `teacher_key = \"…\"` in "
                              f"`.streamlit/secrets.toml`, or the environment variable `{ENV_KEY}`, "
                              "then restarts the app.")
        return
    if not is_teacher():
        key_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        key_col.text_input("Teacher key", type="password", key="teacher_key",
                           help=glossary.explain("teacher key"))
        button_col.button("Unlock", key="teacher_unlock", on_click=_unlock)
        show_flash("teacher")
        return
    st.caption("Unlocked in this browser tab: you can create classes, and remove runs from the board "
               "of the class you are in.")
    st.button("Create a class", key="class_create", on_click=_create)
    show_flash("teacher")
    created = st.session_state.get("class_created")
    if created:
        shown = classes.shown_code(created)
        st.success(f"Class **{shown}** is ready, and you are in it. Students type {shown} on this page, "
                   f"or open this link:")
        st.code(f"{(st.context.url or '').split('?')[0]}?{PARAM}={shown}", language=None)
