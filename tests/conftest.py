import os
import sys
import tempfile
from pathlib import Path

import pytest

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
