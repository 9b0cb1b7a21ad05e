"""The Train page in a browser: train with few iterations, watch and stop a long run, deep links.

Each test uses settings no other test uses, so no run comes from the server's training cache.
"""

import os
import re
import time

from browser_driver import (
    IDLE,
    alerts,
    check_clean,
    click_button,
    goto,
    key,
    metric,
    nav_link,
    new_context,
    open_page,
    plotly_trace_lengths,
    plotly_traces,
    set_slider,
    shoot,
    slider_value,
    wait_idle,
)

PERCENT = re.compile(r"^\d{1,3}\.\d%$")
# JavaScript: how many points the live cost curve shows now (0 while it is being replaced).
LIVE_POINTS = """[...document.querySelectorAll('[class*="st-key-train_live"] .js-plotly-plot')]
    .map(e => (e._fullData && e._fullData[0]) ? e._fullData[0].x.length : 0)
    .reduce((a, b) => Math.max(a, b), 0)"""


def active_header(page):
    """The heading "The active model" and the line after it: which run is active."""
    heading = page.locator('[data-testid="stElementContainer"]',
                           has=page.locator("h2", has_text="The active model")).first
    return heading.inner_text() + "\n" + heading.locator("xpath=following-sibling::*[1]").inner_text()


def wait_active(page, text):
    """Wait until the active model's label contains `text` (a run just finished)."""
    page.wait_for_function(
        """t => [...document.querySelectorAll('h2')].some(h => h.innerText.includes('The active model')
            && h.closest('[data-testid="stElementContainer"]').parentElement.innerText.includes(t))""",
        arg=text)
    wait_idle(page)


def new_run_id(page):
    """The number k of the message "Run #k: ..." shown after a training run."""
    found = [re.match(r"Run #(\d+):", a) for a in alerts(page)]
    found = [m for m in found if m]
    assert found, alerts(page)
    return int(found[0].group(1))


def test_train_with_few_iterations_shows_curve_and_accuracies(page, server):
    goto(page, server, "/Train")
    set_slider(page, "train_maxiter", 6)
    assert slider_value(page, "train_maxiter") == "6"
    assert "maxiter=6" in page.url  # the knobs are mirrored in the URL

    click_button(page, "train_go")
    wait_active(page, "6 it")  # the new run became the active model
    # "Run #k: ..." says what happened; run #k is now the active model (k counts per server).
    run_id = new_run_id(page)
    assert f"#{run_id} ·" in active_header(page)
    for label in ("train accuracy", "validation accuracy", "test accuracy"):
        assert PERCENT.match(metric(page, label)), (label, metric(page, label))
    # The cost curve of the active model shows its iterations (at most 6).
    lengths = plotly_trace_lengths(page.locator(key("train_cost_curve")))
    assert lengths and 1 <= max(lengths) <= 7, lengths
    check_clean(page)


def test_stop_keeps_the_partial_model(page, server):
    goto(page, server, "/Train?maxiter=1000&hidden_size=200&seed=11")
    assert slider_value(page, "train_hidden_size") == "200"
    click_button(page, "train_go", wait=False)  # the run lasts until Stop

    # The live curve grows while the wizard studies (it is redrawn every 0.25 s or so).
    page.wait_for_function(f"() => ({LIVE_POINTS}) >= 3")
    first = page.evaluate(f"() => {LIVE_POINTS}")
    page.wait_for_function(f"n => ({LIVE_POINTS}) > n", arg=first)
    bar = page.locator('[data-testid="stProgress"]').first.inner_text()
    assert re.search(r"iteration \d+ of 1000", bar), bar
    # For the screenshot: the Train button, the progress bar and the live curve in view.
    page.locator(key("train_go")).evaluate("e => e.scrollIntoView({block: 'start'})")
    shoot(page, "02_train_live", full_page=False)

    click_button(page, "train_stop", wait=False)
    page.locator('[data-testid="stAlert"]', has_text="Stopped by you").wait_for()
    wait_idle(page)
    stopped = [a for a in alerts(page) if "Stopped by you" in a]
    assert stopped and "kept" in stopped[0], alerts(page)
    n = int(re.search(r"after (\d+) iterations", stopped[0]).group(1))
    assert 3 <= n < 1000
    # The partial model is the active one, and the history says it was stopped.
    header = active_header(page)
    assert f"#{new_run_id(page)} ·" in header and "200 hidden" in header, header
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="iterations in").first
    assert f"{n} iterations" in caption.inner_text() and "stopped" in caption.inner_text().lower()
    history = plotly_trace_lengths(page.locator(key("train_runs_chart")))
    assert max(history) == 2, history  # the shared default run and the stopped run
    shoot(page, "02_train_after_stop")
    check_clean(page)


def test_deep_link_sets_the_knobs(page, server):
    goto(page, server, "/Train?lambd=3&hidden_size=7&maxiter=5")
    assert slider_value(page, "train_hidden_size") == "7"
    assert slider_value(page, "train_lambd") == "3"
    assert slider_value(page, "train_maxiter") == "5"
    share = page.locator('[data-testid="stMain"] [data-testid="stCode"]').first.inner_text()
    for part in ("lambd=3", "hidden_size=7", "maxiter=5"):
        assert part in share, share
    click_button(page, "train_go")
    wait_active(page, "5 it")
    header = active_header(page)
    assert "7 hidden" in header and "λ=3" in header, header
    check_clean(page)


def test_leaving_the_train_page_mid_run_does_not_stop_the_run(page, server):
    goto(page, server, "/Train?maxiter=150&hidden_size=150&seed=12")
    click_button(page, "train_go", wait=False)
    page.wait_for_function(f"() => ({LIVE_POINTS}) >= 3")  # it is training
    # Leave for the Draw page in the middle of the run, as an impatient learner does.
    nav_link(page, "Draw and predict").click()
    wait_idle(page)
    check_clean(page)
    # The wizard keeps studying; once he is done, the run is the active model on every page.
    nav_link(page, "Train").click()
    page.locator('[data-testid="stAlert"]', has_text="Run #").wait_for(timeout=180_000)
    wait_active(page, "150 hidden")
    assert not [a for a in alerts(page) if "Stopped by you" in a], alerts(page)
    history = plotly_trace_lengths(page.locator(key("train_runs_chart")))
    assert max(history) == 2, history  # the shared default model and this run
    check_clean(page)


def test_the_page_is_idle_while_it_trains(page, server):
    """Training runs off the script thread: the page's script run ends at once, so Streamlit's
    header Stop has nothing to interrupt, while the progress keeps being redrawn."""
    goto(page, server, "/Train?maxiter=1000&hidden_size=200&seed=13")
    click_button(page, "train_go", wait=False)
    page.wait_for_function(f"() => ({LIVE_POINTS}) >= 3")
    page.wait_for_selector(IDLE, timeout=3_000)  # no script run lasts while it trains
    shown = page.evaluate(f"() => {LIVE_POINTS}")
    page.wait_for_function(f"n => ({LIVE_POINTS}) > n", arg=shown)  # and it still trains
    click_button(page, "train_stop", wait=False)
    page.locator('[data-testid="stAlert"]', has_text="Stopped by you").wait_for()
    wait_idle(page)
    check_clean(page)


def cpu_seconds(pid):
    """User + system CPU time the process has used so far (from /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_use(pid, seconds=2.0):
    """Cores the process kept busy over the next `seconds`."""
    before, started = cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.perf_counter() - started)


def test_closing_the_tab_mid_run_stops_the_training(browser, server):
    context = new_context(browser)
    tab = open_page(context)
    goto(tab, server, "/Train?maxiter=1000&hidden_size=200&seed=14")
    click_button(tab, "train_go", wait=False)
    tab.wait_for_function(f"() => ({LIVE_POINTS}) >= 3")
    busy = cpu_use(server.pid, 1.0)
    context.close()  # the learner closes the tab while the wizard studies
    closed = time.perf_counter()
    # Idle over 2 s within 5 s of closing (measured from the start, not after a fixed 3 s wait).
    idle = cpu_use(server.pid)
    while idle >= 0.25 and time.perf_counter() - closed < 3:
        idle = cpu_use(server.pid)
    assert busy > 0.5, f"the server was not training ({busy:.2f} cores)"
    assert idle < 0.25, f"the server still uses {idle:.2f} cores 5 s after the tab was closed"


def test_a_stopped_run_is_labelled_with_the_iterations_it_ran(page, server):
    goto(page, server, "/Train?maxiter=1000&hidden_size=100&seed=15")
    click_button(page, "train_go", wait=False)
    page.wait_for_function(f"() => ({LIVE_POINTS}) >= 3")  # a few iterations done
    click_button(page, "train_stop", wait=False)
    wait_active(page, "100 hidden")  # the stopped run is the active model
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="iterations in").first
    n = int(re.match(r"(\d+) iterations in", caption.inner_text()).group(1))
    assert 3 <= n < 1000, caption.inner_text()
    # Its label says the iterations it ran (and the maxiter asked), never just "1000 it".
    ran = f"· {n} of 1000 it ·"
    header = active_header(page)
    assert ran in header and "· 1000 it" not in header, header
    history = plotly_traces(page.locator(key("train_runs_chart")), "customdata")[0]
    assert ran in history[-1][1], history  # [run, its settings], as in the history table
    check_clean(page)
