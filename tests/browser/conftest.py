"""Fixtures for the real-browser tests: a live `streamlit run app.py` and headless Chromium.

How it works
1. `server` starts the app as a child process on a free 127.0.0.1 port and waits for
   /_stcore/health; at the end it stops exactly that process. One server for the whole session
   (`fresh_server`: one for a test module, for what a server's very first visit shows;
   `class_server`: one for a test module, with a teacher key and a database of its own).
2. `browser` launches Debian's Chromium (/usr/bin/chromium) through Playwright, once per session,
   and `context` opens one browser context (so the app's JavaScript is fetched once).
   Without Chromium the tests skip locally with the install command, but fail in CI (CI=true).
3. `page` opens a new tab (a new Streamlit session) that records console errors, page errors
   and HTTP responses >= 400; `check_clean(page)` fails the test on any of them or on a
   Streamlit exception box (browser_driver.py holds that and the other helpers).
   A failing test leaves a screenshot in test-results/ (git-ignored).
4. SCREENSHOTS=1 makes `browser_driver.shoot()` save the pages into docs/screenshots/ (see
   scripts/screenshots.sh); without it no screenshot is taken and the suite stays fast.
The terminal summary prints the suite's run time and the measured mouse-up-to-answer times
(from a pytest-xdist worker, through the controller: tests/conftest.py).
"""

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest
from browser_driver import TIMINGS, new_context, open_page

from benchmarks import serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL_HINT = "apt-get install -y chromium && pip install -r requirements-dev.txt"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FAILURES_DIR = ROOT / "test-results"  # git-ignored


@contextlib.contextmanager
def streamlit_server(script="app.py", env=None):
    """benchmarks.serve.streamlit_server, with a failed start reported as a test failure."""
    try:
        with serve.streamlit_server(script, env=env) as url:
            yield url
    except serve.ServerDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def server():
    TIMINGS["started"] = time.perf_counter()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def fresh_server():
    """A server of the test module's own: its first visitor is the very first since it started."""
    with streamlit_server() as url:
        yield url


TEACHER_KEY = "board-test-key"  # the teacher key of class_server


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """A server of the test module's own with a teacher key (NN_DIGITS_TEACHER_KEY) and a database
    of its own (NN_DIGITS_DATA_DIR), so its classes meet no other test's."""
    env = os.environ | {"NN_DIGITS_TEACHER_KEY": TEACHER_KEY,
                        "NN_DIGITS_DATA_DIR": str(tmp_path_factory.mktemp("class-server"))}
    with streamlit_server(env=env) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}; install it: {INSTALL_HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


def save_failure(request, pg):
    if getattr(request.node, "failed_call", False) and not pg.is_closed():
        FAILURES_DIR.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() else "_" for c in request.node.name)
        try:
            pg.screenshot(path=str(FAILURES_DIR / f"{name}.png"))
        except Exception:  # noqa: BLE001 - a failure screenshot must never hide the failure
            pass


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for all tests: the app's scripts are downloaded and cached once.
    Each test still gets its own tab, so its own Streamlit session."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, server, request):
    pg = open_page(context)
    yield pg
    save_failure(request, pg)
    pg.close()


def summary_lines():
    """The measured mouse-up-to-answer times and the suite's run time, one line each."""
    lines = [f"{label}: {seconds:.2f} s" for label, seconds in TIMINGS["measured"]]
    return lines + [f"browser suite run time (server start to end): "
                    f"{time.perf_counter() - TIMINGS['started']:.1f} s"]


def pytest_sessionfinish(session):
    # On a pytest-xdist worker the terminal is the controller's: hand it the lines to print
    # (tests/conftest.py prints them).
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and TIMINGS["started"] is not None:
        workeroutput["browser suite"] = summary_lines()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS["started"] is None:
        return
    terminalreporter.section("browser suite")
    for line in summary_lines():
        terminalreporter.write_line(line)
