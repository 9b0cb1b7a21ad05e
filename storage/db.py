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
4. SQLite runs in WAL mode with a busy timeout, and every write transaction starts with BEGIN
   IMMEDIATE: writers from several threads or processes wait their turn instead of failing.
   A file deleted or replaced under a running app fails the next transaction (its open
   connections would write into the lost file) and is opened again the time after.
   PostgreSQL gets a short connect timeout, so a server that is down is noticed in seconds.
5. A SQLite file that is not a database, or fails PRAGMA integrity_check, is damaged: it is
   moved aside as workspaces.sqlite3.damaged-<UTC time> (kept, never deleted), a fresh database
   starts in its place, and a notice naming both files is logged and kept for the pages
   (damage_notices). A newer schema is not damage: it is refused as in step 3.
Queries go through SQLAlchemy Core with bound parameters only; no SQL is built from user text.
"""

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

ENV_URL = "NN_DIGITS_DATABASE_URL"
ENV_DIR = "NN_DIGITS_DATA_DIR"


class StorageError(Exception):
    """The database could not be opened, read or written; the message says which and why."""


class SchemaTooNew(StorageError):
    """The database's schema is newer than this app knows."""


class DamagedDatabase(StorageError):
    """A SQLite file that fails PRAGMA integrity_check."""


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
_lock = threading.RLock()  # re-entered when a check inside open_database forgets an engine
_notices = []  # (time, url, text) of each damaged file moved aside by this process
CONNECT_SECONDS = 3  # PostgreSQL: a server that is down fails the connection this fast
BUSY_SECONDS = 30  # SQLite: how long a writer waits for another one before failing
MIGRATION_LOCK = 7_231_001  # PostgreSQL advisory lock: one process migrates at a time
DAMAGE = ("file is not a database", "database disk image is malformed")
log = logging.getLogger(__name__)


def _sqlite_file(url):
    """The path of a SQLite file URL, else None (PostgreSQL, or SQLite in memory)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).expanduser()
    return None


def _file_identity(path):
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _sqlite_engine(url, path):
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _setup(dbapi_conn, record):
        # The app decides where transactions begin (the "begin" listener), not the driver.
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")  # else ON DELETE CASCADE is ignored
        # WAL: readers never block the writer and the writer never blocks readers.
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        record.info["file"] = _file_identity(path)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        # An open connection keeps the file it opened: if that file was deleted, moved or
        # replaced meanwhile, its writes would go nowhere. Refuse, and open it afresh next time.
        if _file_identity(path) != conn.info.get("file"):
            _forget(url, engine)
            raise StorageError(f"the database file {path} was deleted, moved or replaced while "
                               "the app was running; it will be opened again")
        # IMMEDIATE takes the write lock at once, waiting up to the busy timeout: a deferred
        # transaction that reads first and writes later fails at once ("database is locked")
        # when another process wrote in between. Reads (execution option nn_read) stay deferred.
        read = conn.get_execution_options().get("nn_read")
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")
    return engine


def _create_engine(url):
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_engine(url, path)
    parsed = sa.make_url(url)
    args = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        args["connect_timeout"] = CONNECT_SECONDS
    return sa.create_engine(url, pool_pre_ping=True, connect_args=args)


def _open(url):
    """A new engine for url, checked (SQLite: integrity_check) and migrated."""
    engine = _create_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                found = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                if found != ["ok"]:
                    raise DamagedDatabase("PRAGMA integrity_check found: " + "; ".join(found[:3]))
            if engine.dialect.name == "postgresql":  # two processes must not both create tables
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            migrate(conn)
    except BaseException:
        engine.dispose()
        raise
    return engine


def is_damage(error):
    """True for an error that says a SQLite file is damaged (not merely unreachable)."""
    if isinstance(error, DamagedDatabase):
        return True
    text = f"{error} {getattr(error, 'orig', '')}".lower()
    return any(words in text for words in DAMAGE)


def _move_aside(path):
    """Rename the damaged file (and its -wal/-shm/-journal) to <name>.damaged-<UTC time>."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside, n = path.with_name(f"{path.name}.damaged-{stamp}"), 1
    while aside.exists():  # twice in one second: never overwrite an earlier one
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(aside)
    for side in ("-wal", "-shm", "-journal"):
        extra = Path(f"{path}{side}")
        if extra.exists():
            extra.rename(f"{aside}{side}")
    return aside


def _fail(url, e):
    return StorageError(f"cannot open the database {sa.make_url(url).render_as_string()}: "
                        f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


def open_database(url=None):
    """The engine for url (default database_url()), its schema brought up to date once per
    process. A damaged SQLite file is moved aside and a fresh one started (module docstring,
    step 5). StorageError (SchemaTooNew for a newer schema) with the reason otherwise."""
    url = url or database_url()
    with _lock:
        if url in _engines:
            return _engines[url]
        errors = (SQLAlchemyError, OSError, ValueError, sqlite3.Error, DamagedDatabase)
        try:
            engine = _open(url)
        except SchemaTooNew:
            raise
        except errors as e:
            path = _sqlite_file(url)
            if path is None or not is_damage(e) or not path.is_file():
                raise _fail(url, e) from e
            engine = _start_afresh(url, path, e)
        _engines[url] = engine
        return engine


def _start_afresh(url, path, damage):
    try:
        aside = _move_aside(path)
        engine = _open(url)
    except (SQLAlchemyError, OSError, ValueError, sqlite3.Error) as e:
        raise _fail(url, e) from e
    reason = str(damage).splitlines()[0]
    text = (f"The database file {path} was damaged ({reason}). It was kept as {aside}, and a "
            f"fresh database was started at {path}: work stored before is in the damaged copy.")
    log.warning(text)
    _notices.append((time.time(), url, text))
    return engine


def damage_notices(url=None, since=0.0):
    """[(time, text)] of each damaged file of url (default database_url()) this process moved
    aside after `since`."""
    url = url or database_url()
    return [(at, text) for at, where, text in list(_notices) if where == url and at > since]


def reopen_if_damaged(error, url=None):
    """After a read or write failed with error: if it says the SQLite file is damaged, close the
    engine, so the next open_database checks the file and starts afresh. True when it did."""
    url = url or database_url()
    if not is_damage(error):
        return False
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    return True


def _forget(url, engine):
    """Close engine and, if it is the one kept for url, forget it: the next open starts afresh."""
    with _lock:
        if _engines.get(url) is engine:
            del _engines[url]
    engine.dispose()


def forget_engines():
    """Close every engine (a test's "server restart"; the next open_database starts afresh)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
