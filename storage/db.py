"""The database: which one, its tables, and its schema version.

How it works
1. The URL: NN_DIGITS_DATABASE_URL (any SQLAlchemy URL, e.g. postgresql+psycopg://...) when set,
   else a SQLite file, workspaces.sqlite3, in NN_DIGITS_DATA_DIR or the user's data directory
   (~/.local/share/nn-digits): nothing to install or start.
2. open_database(url) makes one engine per URL and brings the schema up to date: the version
   table says which MIGRATIONS have run, the missing ones run in order in one transaction.
   A new database is simply migrated from version 0, so every step is the code that really ran.
3. A database written by a newer app (a version above SCHEMA_VERSION) is refused with
   SchemaTooNew, whose message says what to do: its tables are never touched.
Queries go through SQLAlchemy Core with bound parameters only; no SQL is built from user text.
"""

import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

ENV_URL = "NN_DIGITS_DATABASE_URL"
ENV_DIR = "NN_DIGITS_DATA_DIR"


class StorageError(Exception):
    """The database could not be opened, read or written; the message says which and why."""


class SchemaTooNew(StorageError):
    """The database's schema is newer than this app knows."""


metadata = sa.MetaData()
version_table = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
workspaces = sa.Table(
    "workspaces", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("active_run_id", sa.Integer),
    sa.Column("dropped_runs", sa.Integer, nullable=False, server_default="0"),  # version 2
    sa.Column("dropped_digits", sa.Integer, nullable=False, server_default="0"),  # version 2
    sa.Column("class_code", sa.String(16)),  # version 3: the class this workspace joined
    sa.Column("nickname", sa.Text, nullable=False, server_default=""),  # version 3
)
runs = sa.Table(
    "runs", metadata,
    sa.Column("workspace_id", sa.String(64), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("run_id", sa.Integer, primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON
    sa.Column("weights", sa.LargeBinary, nullable=False),  # .npz bytes, read with allow_pickle=False
    sa.Column("result", sa.Text, nullable=False),  # JSON: history, converged, message, ...
    sa.Column("accuracy", sa.Text, nullable=False),  # JSON
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # version 2
)
digits = sa.Table(
    "digits", metadata,
    sa.Column("workspace_id", sa.String(64), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("digit_id", sa.Integer, primary_key=True),
    sa.Column("label", sa.Integer, nullable=False),
    sa.Column("shape", sa.Text, nullable=False),  # JSON [rows, cols]
    sa.Column("x", sa.LargeBinary, nullable=False),  # .npz bytes of the input vector a1
)
classes = sa.Table(  # version 3
    "classes", metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("created", sa.Float, nullable=False),
)
shared_runs = sa.Table(  # version 3: one run a student shared with a class
    "shared_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_code", sa.String(16), sa.ForeignKey("classes.code", ondelete="CASCADE"),
              nullable=False),
    # Whose run it was, so "Delete my workspace" takes its shares with it; never read back.
    sa.Column("workspace_id", sa.String(64), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("nickname", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON
    sa.Column("accuracy", sa.Text, nullable=False),  # JSON
    sa.Column("result", sa.Text, nullable=False),  # JSON
    sa.Column("weights", sa.LargeBinary, nullable=False),  # .npz bytes, read with allow_pickle=False
)


def _v1(conn):
    """The first schema: workspaces, runs and digits, without notes or dropped counts."""
    conn.execute(sa.text("CREATE TABLE workspaces (id VARCHAR(64) PRIMARY KEY, "
                         "created FLOAT NOT NULL, active_run_id INTEGER)"))
    blob = "BYTEA" if conn.dialect.name == "postgresql" else "BLOB"
    conn.execute(sa.text(
        "CREATE TABLE runs (workspace_id VARCHAR(64) NOT NULL REFERENCES workspaces(id) "
        "ON DELETE CASCADE, run_id INTEGER NOT NULL, created FLOAT NOT NULL, settings TEXT NOT NULL, "
        f"weights {blob} NOT NULL, result TEXT NOT NULL, accuracy TEXT NOT NULL, "
        "PRIMARY KEY (workspace_id, run_id))"))
    conn.execute(sa.text(
        "CREATE TABLE digits (workspace_id VARCHAR(64) NOT NULL REFERENCES workspaces(id) "
        "ON DELETE CASCADE, digit_id INTEGER NOT NULL, label INTEGER NOT NULL, shape TEXT NOT NULL, "
        f"x {blob} NOT NULL, PRIMARY KEY (workspace_id, digit_id))"))


def _v2(conn):
    """A run's note ("with my digits"), and how many old entries the bounds dropped."""
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT ''"))
    for column in ("dropped_runs", "dropped_digits"):
        conn.execute(sa.text(f"ALTER TABLE workspaces ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0"))


def _v3(conn):
    """Class boards: classes, the runs shared with them, and each workspace's class and nickname."""
    blob = "BYTEA" if conn.dialect.name == "postgresql" else "BLOB"
    serial = "SERIAL" if conn.dialect.name == "postgresql" else "INTEGER"  # SQLite: the rowid
    conn.execute(sa.text("CREATE TABLE classes (code VARCHAR(16) PRIMARY KEY, created FLOAT NOT NULL)"))
    conn.execute(sa.text(
        f"CREATE TABLE shared_runs (id {serial} PRIMARY KEY, class_code VARCHAR(16) NOT NULL "
        "REFERENCES classes(code) ON DELETE CASCADE, workspace_id VARCHAR(64) NOT NULL "
        "REFERENCES workspaces(id) ON DELETE CASCADE, created FLOAT NOT NULL, nickname TEXT NOT NULL, "
        f"settings TEXT NOT NULL, accuracy TEXT NOT NULL, result TEXT NOT NULL, weights {blob} NOT NULL)"))
    conn.execute(sa.text("CREATE INDEX shared_runs_class ON shared_runs (class_code)"))
    conn.execute(sa.text("ALTER TABLE workspaces ADD COLUMN class_code VARCHAR(16)"))
    conn.execute(sa.text("ALTER TABLE workspaces ADD COLUMN nickname TEXT NOT NULL DEFAULT ''"))


MIGRATIONS = (_v1, _v2, _v3)  # MIGRATIONS[k] takes the schema from version k to k + 1
SCHEMA_VERSION = len(MIGRATIONS)


def data_dir():
    """NN_DIGITS_DATA_DIR, else $XDG_DATA_HOME/nn-digits, else ~/.local/share/nn-digits."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "nn-digits"


def database_url():
    """NN_DIGITS_DATABASE_URL, else the SQLite file in data_dir()."""
    return os.environ.get(ENV_URL) or f"sqlite:///{data_dir() / 'workspaces.sqlite3'}"


def schema_version(conn):
    """The version written in the database; 0 for one without our tables."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar() or 0


def migrate(conn, upto=SCHEMA_VERSION):
    """Run the missing migrations (up to `upto`, which tests lower to build an older database)."""
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the database has schema version {found}, but this app knows versions up to "
            f"{SCHEMA_VERSION}: it was written by a newer version of the app. Upgrade the app, or "
            f"set {ENV_URL} (or {ENV_DIR}) to another database; nothing in it was changed")
    if found == 0:
        version_table.create(conn)
    for step in MIGRATIONS[found:upto]:
        step(conn)
    if upto > found:
        conn.execute(sa.delete(version_table))
        conn.execute(sa.insert(version_table).values(version=upto))
    return upto if upto > found else found


_engines = {}
_lock = threading.Lock()


def _create_engine(url):
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 15})

        @sa.event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_conn, _record):  # SQLite enforces ON DELETE CASCADE only when asked
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def open_database(url=None):
    """The engine for url (default database_url()), its schema brought up to date once per
    process. StorageError (SchemaTooNew for a newer schema) with the reason otherwise."""
    url = url or database_url()
    with _lock:
        if url in _engines:
            return _engines[url]
        try:
            engine = _create_engine(url)
            with engine.begin() as conn:
                migrate(conn)
        except SchemaTooNew:
            raise
        except (SQLAlchemyError, OSError, ValueError) as e:
            raise StorageError(f"cannot open the database {sa.make_url(url).render_as_string()}: "
                               f"{type(e).__name__}: {str(e).splitlines()[0]}") from e
        _engines[url] = engine
        return engine


def forget_engines():
    """Close every engine (a test's "server restart"; the next open_database starts afresh)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
