"""Class boards: a teacher's class, the runs its students share, and who is in which class.

How it works
1. create_class makes a code of 10 characters of Crockford's base 32 (digits and letters
   without I, L, O and U): 50 random bits, shown as two groups of five ("K7QX2-MP9RT"). Whoever
   has the code can join and read the board; nobody can guess one. read_code accepts it typed
   in any case, with or without spaces and the dash, and reads O as 0 and I or L as 1, the
   digits they are mistaken for.
2. join_class checks the class exists and keeps the code and the nickname with the workspace
   (the workspaces row), so membership survives a reload; membership reads them back.
3. share_run stores a run as plain values (settings, accuracies, result: JSON) and its weights
   as .npz bytes (nn_core.network_npz_bytes), under the class and the workspace that shared it.
   A class holds at most MAX_ENTRIES runs: one more is refused with ClassFull, which says so.
4. entries lists a class's runs as plain values and never their workspace: the board shows
   nicknames, not links to anyone's work. entry_run reads one entry's network back with
   allow_pickle=False; remove_entry and clear_class are the teacher's.
Every query goes through SQLAlchemy Core with bound parameters; nothing is built from user text.
Who may remove or clear is the page's decision (the teacher key); this module only stores.
"""

import json
import re
import secrets
import time

import sqlalchemy as sa

from nn_core import network_npz_bytes, read_npz

from .db import StorageError, classes, shared_runs, workspaces
from .workspaces import valid_workspace_id

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: 5 bits a character
MISREAD = str.maketrans("OIL", "011")  # a typed O is the digit 0, I and L the digit 1
CODE_LENGTH = 10
MAX_ENTRIES = 2000  # per class
MAX_NICKNAME = 40  # characters


class ClassFull(StorageError):
    """The class already holds MAX_ENTRIES shared runs."""


class NoSuchClass(ValueError):
    """A well-formed code that names no class on this server."""


# --- codes and nicknames -------------------------------------------------------------------------

def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code):
    """"K7QX2MP9RT" -> "K7QX2-MP9RT": two groups of five are easier to read out and type."""
    return f"{code[:5]}-{code[5:]}"


def read_code(text):
    """The code in text as typed ("k7qx2-mp9rt", "K7QX2 MP9RT"); ValueError with what was expected
    and what was found when it cannot be one."""
    if not isinstance(text, str):
        raise ValueError(f"a class code must be text, found {type(text).__name__}")
    code = re.sub(r"[\s-]", "", text).upper().translate(MISREAD)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise ValueError(f"a class code is {CODE_LENGTH} letters and digits such as "
                         f"{shown_code('K7QX2MP9RT')}, found {shown!r}")
    return code


def read_nickname(text):
    """The nickname without control characters or surrounding spaces, at most MAX_NICKNAME
    characters (ValueError otherwise); "" for none."""
    nickname = "".join(c for c in str(text or "") if c.isprintable()).strip()
    if len(nickname) > MAX_NICKNAME:
        raise ValueError(f"a nickname is at most {MAX_NICKNAME} characters, found {len(nickname)}")
    return nickname


def _check_ws(ws):
    if not valid_workspace_id(ws):
        raise ValueError(f"a workspace id must be 22 to 64 letters, digits, - or _, found {ws!r}")


# --- classes and membership ------------------------------------------------------------------------

def create_class(engine):
    """A new class; returns its code (without the dash)."""
    with engine.begin() as conn:
        while True:  # 2^50 codes: a clash is all but impossible, but costs nothing to rule out
            code = new_code()
            if not _exists(conn, code):
                conn.execute(sa.insert(classes).values(code=code, created=time.time()))
                return code


def _exists(conn, code):
    return conn.execute(sa.select(classes.c.code).where(classes.c.code == code)).first() is not None


def class_exists(engine, code):
    with engine.connect() as conn:
        return _exists(conn, code)


def join_class(engine, ws, code, nickname=""):
    """Keep (code, nickname) with workspace ws; NoSuchClass when no class has that code.
    Returns (code, nickname) as stored."""
    _check_ws(ws)
    code, nickname = read_code(code), read_nickname(nickname)
    with engine.begin() as conn:
        if not _exists(conn, code):
            raise NoSuchClass(f"there is no class {shown_code(code)} on this server: check the code "
                              "with your teacher")
        values = dict(class_code=code, nickname=nickname)
        if conn.execute(sa.update(workspaces).where(workspaces.c.id == ws).values(values)).rowcount == 0:
            conn.execute(sa.insert(workspaces).values(id=ws, created=time.time(), **values))
    return code, nickname


def leave_class(engine, ws):
    """Forget ws's class (its shared runs stay on the board)."""
    _check_ws(ws)
    with engine.begin() as conn:
        conn.execute(sa.update(workspaces).where(workspaces.c.id == ws)
                     .values(class_code=None, nickname=""))


def membership(engine, ws):
    """(class code, nickname) of workspace ws, or None when it is in no class (or the class was
    cleared away)."""
    _check_ws(ws)
    with engine.connect() as conn:
        row = conn.execute(sa.select(workspaces.c.class_code, workspaces.c.nickname)
                           .where(workspaces.c.id == ws)).first()
        if row is None or row.class_code is None or not _exists(conn, row.class_code):
            return None
        return row.class_code, row.nickname


# --- the board ---------------------------------------------------------------------------------------

def share_run(engine, code, ws, nickname, run):
    """Put a run on class `code`'s board: run is a dict of settings, accuracy, result (JSON
    values) and network. Returns the entry's id. NoSuchClass, ClassFull, or ValueError for a
    workspace that is not in this class."""
    _check_ws(ws)
    code, nickname = read_code(code), read_nickname(nickname)
    row = dict(class_code=code, workspace_id=ws, created=time.time(), nickname=nickname,
               settings=json.dumps(run["settings"]), accuracy=json.dumps(run["accuracy"]),
               result=json.dumps(run["result"]), weights=network_npz_bytes(run["network"]))
    with engine.begin() as conn:
        if not _exists(conn, code):
            raise NoSuchClass(f"there is no class {shown_code(code)} on this server any more")
        member = conn.execute(sa.select(workspaces.c.class_code).where(workspaces.c.id == ws)).scalar()
        if member != code:
            raise ValueError(f"this workspace is not in class {shown_code(code)}: join it first")
        n = conn.execute(sa.select(sa.func.count()).select_from(shared_runs)
                         .where(shared_runs.c.class_code == code)).scalar()
        if n >= MAX_ENTRIES:
            raise ClassFull(f"the board of class {shown_code(code)} is full ({MAX_ENTRIES:,} runs): "
                            "the teacher can remove entries or clear it")
        return conn.execute(sa.insert(shared_runs).values(row)).inserted_primary_key[0]


# What a board may show of an entry: never workspace_id (a workspace's link is its key).
_SHOWN = (shared_runs.c.id, shared_runs.c.created, shared_runs.c.nickname, shared_runs.c.settings,
          shared_runs.c.accuracy)


def entries(engine, code):
    """Class `code`'s shared runs, oldest first: dicts of id, created, nickname, settings and
    accuracy (plain values). No weights, no workspace ids. [] for a class that does not exist."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*_SHOWN).where(shared_runs.c.class_code == read_code(code))
                            .order_by(shared_runs.c.id)).mappings().all()
    return [dict(id=r["id"], created=r["created"], nickname=r["nickname"],
                 settings=json.loads(r["settings"]), accuracy=json.loads(r["accuracy"]))
            for r in rows]


def entry_run(engine, code, entry_id):
    """One entry of class `code` in full: nickname, settings, accuracy, result and network (read
    with allow_pickle=False). KeyError when that class has no such entry."""
    with engine.connect() as conn:
        r = conn.execute(sa.select(*_SHOWN, shared_runs.c.result, shared_runs.c.weights)
                         .where(shared_runs.c.class_code == read_code(code),
                                shared_runs.c.id == int(entry_id))).mappings().first()
    if r is None:
        raise KeyError(f"class {shown_code(read_code(code))} has no entry {int(entry_id)}")
    return dict(id=r["id"], created=r["created"], nickname=r["nickname"],
                settings=json.loads(r["settings"]), accuracy=json.loads(r["accuracy"]),
                result=json.loads(r["result"]), network=read_npz(bytes(r["weights"]))["network"])


def remove_entry(engine, code, entry_id):
    """Remove one entry of class `code`; returns whether there was one."""
    with engine.begin() as conn:
        return conn.execute(sa.delete(shared_runs).where(
            shared_runs.c.class_code == read_code(code), shared_runs.c.id == int(entry_id))).rowcount > 0


def clear_class(engine, code):
    """Remove every entry of class `code` (the class and its members stay); returns how many."""
    with engine.begin() as conn:
        return conn.execute(sa.delete(shared_runs)
                            .where(shared_runs.c.class_code == read_code(code))).rowcount
