import os
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

# Tests import the project's packages (nn_core, ui) from the repository root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The app keeps each workspace in a database (storage/): tests never touch the user's own
# ~/.local/share/nn-digits, every test process gets a fresh SQLite file of its own.
os.environ["NN_DIGITS_DATA_DIR"] = tempfile.mkdtemp(prefix="nn-digits-tests-")
os.environ.pop("NN_DIGITS_DATABASE_URL", None)


# Two workers by default (pyproject's addopts: -n 2 --dist loadgroup --no-loadscope-reorder,
# pytest-xdist from requirements-dev.txt; `-n 0` for one process). Each test file is one group,
# so a module-scoped fixture (a trained model, a PostgreSQL server) is still made once; the
# browser tests are one group, so they share one server and one Chromium, and their CPU and idle
# checks never compete with a second browser test. Groups go out in collection order
# (--no-loadscope-reorder): the browser tests, the longest group, start first.
# Tryfirst: xdist reads the marks in its own collection hook, which must come after this one.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return  # the mark is xdist's: without it, an unknown mark
    for item in items:
        group = "browser" if item.path.parent.name == "browser" else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))


# The browser suite's figures (tests/browser/conftest.py) are measured on the worker that ran it;
# the controller, which owns the terminal, prints them.
WORKER_SUMMARIES = {}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for title, lines in getattr(node, "workeroutput", {}).items():
        if title == "browser suite":
            WORKER_SUMMARIES[title] = lines


def pytest_terminal_summary(terminalreporter):
    for title, lines in WORKER_SUMMARIES.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


# --- each kind of database the app runs on, empty, for the storage tests --------------------------
# `url` is parametrized over SQLite (a file in the test's tmp_path) and PostgreSQL (a fresh
# database on a real server started once per module that asks for it, tests/pg_server.py), so
# a test that takes `url` runs on both; restart(url) is a server restart.

@pytest.fixture(scope="module")
def pg_server():
    from pg_server import postgres_url

    with postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """The URL of an empty database of each kind."""
    from storage import db

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
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def restart(url):
    """A server restart: every connection closed, the database opened afresh."""
    import storage
    from storage import db

    db.forget_engines()
    return storage.open_database(url)
