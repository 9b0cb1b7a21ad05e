"""Three replicas behind nginx, in a browser: the deploy/ topology, started by scripts/cluster_test.sh.

How it works
1. scripts/cluster_test.sh starts PostgreSQL, three `streamlit run app.py` and nginx with
   deploy/nginx.conf.template, then runs this file with NN_DIGITS_CLUSTER_URL (nginx),
   NN_DIGITS_CLUSTER_REPLICAS ("host:port=pid" of each replica) and
   NN_DIGITS_CLUSTER_DATABASE_URL (their database) in the environment. Plain
   `pytest` never collects it (pyproject's norecursedirs); run without the script it fails,
   it never skips.
2. nginx names the replica that answered in the X-NN-Digits-Replica header; a request made with a
   browser context's cookies (context.request) shares its sticky cookie, so it says which replica
   holds that context's sessions. A cookie value that hashes to a chosen replica is found by
   asking nginx, and set on a context to pin it there.
3. The class board test runs first: the replica test stops one of the three replicas for good.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from browser_driver import (  # noqa: E402 - tests/browser holds the helpers
    IDLE,
    alerts,
    check_clean,
    click_button,
    click_nav,
    goto,
    key,
    new_context,
    open_page,
    rerun_after,
    wait_idle,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The launch flags of tests/browser/conftest.py: no sandbox as root, nothing fetched at start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROUTE = "nn_digits_route"  # the sticky cookie of deploy/nginx.conf.template
REPLICA_HEADER = "x-nn-digits-replica"
# Three replicas, PostgreSQL, nginx and Chromium on one machine: waits are generous (3 minutes).
SLOW = 180_000
CLASS_CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")  # as the Class page shows a code


class Cluster:
    """nginx's URL and the replicas ("127.0.0.1:port" -> pid) the script started."""

    def __init__(self, url, replicas, database_url):
        self.url, self.replicas, self.database_url = url, replicas, database_url

    def stored_runs(self, ws):
        """The run numbers the shared database holds for workspace ws (read as a replica does)."""
        import storage

        return [r["id"] for r in storage.load_workspace(storage.open_database(self.database_url), ws)["runs"]]

    def replica_of(self, context):
        """The replica nginx sends this context's requests to now."""
        with_cookies = context.request.get(self.url + "/_stcore/health")
        assert with_cookies.ok, f"expected nginx to answer 200, found {with_cookies.status}"
        return last_hop(with_cookies.headers[REPLICA_HEADER])

    def route_to(self, replica, tries=500):
        """A sticky-cookie value that nginx hashes to `replica`."""
        for _ in range(tries):
            value = secrets.token_hex(16)
            request = urllib.request.Request(self.url + "/_stcore/health",
                                             headers={"Cookie": f"{ROUTE}={value}"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                if last_hop(answer.headers[REPLICA_HEADER]) == replica:
                    return value
        raise AssertionError(f"no cookie value out of {tries} was sent to {replica}")

    def pin(self, context, replica):
        context.add_cookies([{"name": ROUTE, "value": self.route_to(replica), "url": self.url}])

    def stop(self, replica, timeout=60):
        """Stop that replica's `streamlit run` (SIGTERM, as `docker compose stop` does) and wait
        until the process has ended: while it shuts down it may still accept a reconnecting page,
        whose websocket then lasts until the process is gone."""
        pid = self.replicas[replica]
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:  # gone, or a zombie that the script has not reaped yet
                if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                    return
            except FileNotFoundError:
                return
            time.sleep(0.2)
        raise AssertionError(f"replica {replica} (pid {pid}) still runs {timeout} s after SIGTERM")

    def alive(self):
        up = []
        for replica in self.replicas:
            host, port = replica.rsplit(":", 1)
            with socket.socket() as s:
                if s.connect_ex((host, int(port))) == 0:
                    up.append(replica)
        return up


def last_hop(upstreams):
    """nginx's $upstream_addr lists every replica it tried ("a, b"): the last one answered."""
    return upstreams.split(",")[-1].strip()


@pytest.fixture(scope="module")
def cluster():
    url, replicas = os.environ.get("NN_DIGITS_CLUSTER_URL"), os.environ.get("NN_DIGITS_CLUSTER_REPLICAS")
    database_url = os.environ.get("NN_DIGITS_CLUSTER_DATABASE_URL")
    if not url or not replicas or not database_url:
        pytest.fail("these tests need the cluster that scripts/cluster_test.sh starts: run "
                    "`bash scripts/cluster_test.sh`, not pytest on this file")
    return Cluster(url, {r.split("=")[0]: int(r.split("=")[1]) for r in replicas.split(",")},
                   database_url)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def context_of(browser):
    ctx = new_context(browser)
    ctx.set_default_timeout(SLOW)
    return ctx


def workspace(page):
    return parse_qs(urlparse(page.url).query)["ws"][0]


def active_label(page):
    """The active model's label on the Train page ("#k · mnist-20x20 · ...")."""
    heading = page.locator('[data-testid="stElementContainer"]', has=page.locator(
        "h2", has_text="The active model")).first
    return heading.locator("xpath=following-sibling::*[1]").inner_text()


def sidebar(page):
    """The sidebar's text (it says when the workspace could not be read), for failure messages."""
    return page.locator('[data-testid="stSidebar"]').inner_text()


def train(page, url, query):
    """Train on the Train page opened at url + query; returns the new run's number k."""
    goto(page, url, "/Train?" + query, timeout=SLOW)
    before = set(alerts(page))
    click_button(page, "train_go", timeout=SLOW)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
        ".some(a => /^Run #\\d+:/.test(a.innerText))", timeout=SLOW)
    wait_idle(page, timeout=SLOW)
    found = [re.match(r"Run #(\d+):", a) for a in alerts(page) if a not in before]
    assert any(found), alerts(page)
    return int(next(m for m in found if m).group(1))


def type_into(page, name, text):
    """Type text into the st.text_input made with key=name and press Enter, as a user does."""
    field = page.locator(f"{key(name)} input")
    field.fill(text)
    rerun_after(page, lambda: field.press("Enter"), timeout=SLOW)


def plotly_points(page, title):
    """The x values of every trace of the plotly chart whose title contains `title`."""
    charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
        title: ((el._fullLayout || {}).title || {}).text || '',
        x: (el._fullData || []).flatMap(t => Array.from(t.x || []))}))""")
    matching = [c["x"] for c in charts if title in c["title"]]
    assert matching, f"expected a chart titled {title!r}, found {[c['title'] for c in charts]}"
    return matching[0]


# --- (b) runs shared from three replicas appear on one board -------------------------------------

def test_runs_shared_from_sessions_on_three_replicas_appear_on_one_board(cluster, browser):
    replicas = cluster.alive()
    assert len(replicas) == 3, f"expected three replicas serving, found {replicas}"
    contexts = []

    def pinned(replica):
        ctx = context_of(browser)
        cluster.pin(ctx, replica)
        assert cluster.replica_of(ctx) == replica
        contexts.append(ctx)
        return ctx

    try:
        teacher = open_page(pinned(replicas[0]))
        goto(teacher, cluster.url, "/Class", timeout=SLOW)
        assert teacher.locator(key("teacher_key")).count() == 1, (
            "expected the Class page (pages/9_Class.py, the class board) with its teacher_key "
            "input, found none")
        type_into(teacher, "teacher_key", os.environ["NN_DIGITS_TEACHER_KEY"])
        click_button(teacher, "teacher_unlock", timeout=SLOW)
        click_button(teacher, "class_create", timeout=SLOW)
        shown = CLASS_CODE.search(teacher.locator('[data-testid="stMain"]').inner_text())
        assert shown, "the Class page shows no class code after class_create"
        code = shown.group(1)
        assert os.environ["NN_DIGITS_TEACHER_KEY"] not in teacher.url

        board = None
        lambdas = {"ada": 0.1, "bo": 1.0, "cy": 3.0}
        for n, ((nickname, lambd), replica) in enumerate(zip(lambdas.items(), replicas), start=1):
            student = open_page(pinned(replica))
            goto(student, cluster.url, "/Class", timeout=SLOW)
            type_into(student, "class_code", code)
            type_into(student, "class_nickname", nickname)
            click_button(student, "class_join", timeout=SLOW)
            ws = workspace(student)
            train(student, cluster.url, f"ws={ws}&lambd={lambd:g}&maxiter=3&hidden_size=9&seed=5")
            click_button(student, "class_share", timeout=SLOW)
            assert student.locator('[data-testid="stAlertContentSuccess"]').count(), alerts(student)
            check_clean(student)
            # Each student was served by a replica of their own all along.
            assert cluster.replica_of(student.context) == replica
            if n == 2:  # yet another session opens the board (on the second replica)
                board = open_page(pinned(replicas[1]))
                goto(board, cluster.url, f"/Class?class={code}", timeout=SLOW)
                board.get_by_text("2 runs shared").first.wait_for(timeout=SLOW)

        # The third run, shared through the third replica, reaches the open board by itself
        # (its st.fragment(run_every=...) reads the database again): no reload.
        board.get_by_text("3 runs shared").first.wait_for(timeout=SLOW)
        board.wait_for_selector(IDLE)
        # The text above the charts comes first in a redraw of the board, the charts a moment
        # later: wait for the charts to hold three points.
        deadline = time.monotonic() + 30
        while len(plotly_points(board, "hidden size against validation accuracy")) != 3:
            assert time.monotonic() < deadline, "the board's charts never held the three runs"
            time.sleep(0.5)
        assert sorted(map(float, plotly_points(board, "λ against validation accuracy"))) == [0.1, 1, 3]
        check_clean(board)
    finally:
        for ctx in contexts:
            ctx.close()


# --- (a) a session whose replica stops carries on on another -------------------------------------

def test_a_session_whose_replica_stops_reconnects_to_another_and_keeps_its_workspace(cluster, browser):
    ctx = context_of(browser)
    try:
        page = open_page(ctx)
        run_id = train(page, cluster.url, "maxiter=3&hidden_size=9&seed=41")
        ws = workspace(page)
        assert f"#{run_id} ·" in active_label(page)
        assert run_id in cluster.stored_runs(ws)  # in the shared database, not only the session
        served = cluster.replica_of(ctx)
        assert served in cluster.alive()

        started = time.perf_counter()
        cluster.stop(served)
        # The websocket drops and the page says it is connecting; it pings the server again
        # (through nginx: another replica answers) and opens a websocket there, a new session.
        # Streamlit reruns nothing on reconnect unless a run was interrupted: the next click does.
        status = page.locator('[data-testid="stConnectionStatus"]')
        with contextlib.suppress(PlaywrightTimeout):  # a quick reconnect may hide it in between
            status.wait_for(state="attached", timeout=10_000)
        status.wait_for(state="detached", timeout=SLOW)
        reconnected = time.perf_counter() - started
        now = cluster.replica_of(ctx)
        assert now != served and now in cluster.alive(), (served, now)
        page.problems.clear()  # the lost connection's console errors belong to the outage

        # The new session reads the workspace named in the URL from the database: the run is
        # still the active model and in the run history, after a page switch and after a reload.
        click_nav(page, "Home", timeout=SLOW)
        click_nav(page, "Train", timeout=SLOW)
        assert workspace(page) == ws
        assert f"#{run_id} ·" in active_label(page), sidebar(page)
        assert f"#{run_id} ·" in page.locator(f"{key('train_pick')} input[role=combobox]").input_value()
        page.reload()
        page.wait_for_selector("h1")
        wait_idle(page, timeout=SLOW)
        assert workspace(page) == ws and f"#{run_id} ·" in active_label(page)
        assert cluster.replica_of(ctx) == now  # nginx keeps this visitor on the new replica
        check_clean(page)
        print(f"\nreplica {served} stopped; the page was back on {now} after {reconnected:.1f} s")
    finally:
        ctx.close()
