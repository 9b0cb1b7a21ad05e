"""Helpers that drive the Streamlit app in Chromium: wait for reruns, read widgets, draw, shoot.

Streamlit facts these rely on (streamlit 1.67):
- while a script runs, [data-testid="stApp"] has data-test-script-state="running", and
  "notRunning" once it has ended; finished runs are counted in window.__stRuns (RUN_COUNTER),
  so after an action we wait for a run that ended after it, not for a fixed time;
- an element created with key="k" carries the CSS class "st-key-k";
- the main column scrolls inside [data-testid="stMain"], not the document, so a full-page
  screenshot needs a viewport as tall as that element's scrollHeight.
"""

import io
import os
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SHOTS_DIR = ROOT / "docs" / "screenshots"
SHOT_MAX_BYTES = 400_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
PLOTLY = '[data-testid="stPlotlyChart"]'
# The sidebar's page list (ui/nav.py draws it with st.page_link, "Home" first).
NAV_LINK = '[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]'
CANVAS = '[data-testid="stBidiComponentIsolated"] canvas.upper-canvas'
VIEWPORT = {"width": 1400, "height": 1000}
# A phone held upright (an iPhone 12-15's screen in CSS pixels), with a touch screen.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}
# Deep links first ask /<page>/_stcore/health and host-config, which answer 404 (a known
# Streamlit frontend quirk); these are not the app's errors.
IGNORED_404 = ("/_stcore/health", "/_stcore/host-config")
# Filled by the tests (e.g. mouse-up to answer), printed in the terminal summary by conftest.py.
TIMINGS = {"started": None, "measured": []}


# Counts finished script runs: +1 each time [data-testid="stApp"] leaves the "running" state.
# (A record's new value is the next record's old value, or the attribute as it is now.)
RUN_COUNTER = """
window.__stRuns = 0;
new MutationObserver(changes => changes.forEach((c, i) => {
  const now = i + 1 < changes.length ? changes[i + 1].oldValue
                                     : c.target.getAttribute('data-test-script-state');
  if (c.oldValue === 'running' && now !== 'running') window.__stRuns += 1;
})).observe(document, {attributes: true, attributeOldValue: true, subtree: true,
                       attributeFilter: ['data-test-script-state']});
"""

# --- pages, waiting and checking ------------------------------------------------------------

def new_context(browser, **options):
    """A browser context for the tests' pages: 1400 x 1000, 60 s timeouts, runs counted.

    options go to Playwright's browser.new_context (e.g. **PHONE for a touch-screen phone).
    """
    context = browser.new_context(**({"viewport": VIEWPORT} | options))
    context.set_default_timeout(60_000)
    context.add_init_script(RUN_COUNTER)
    return context


def open_page(context):
    """A new tab that records every problem; each tab that opens the app is a new session."""
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))

    def on_response(r):
        if r.status >= 400 and not (r.status == 404 and r.url.endswith(IGNORED_404)):
            pg.problems.append(f"HTTP {r.status}: {r.url}")

    pg.on("response", on_response)
    return pg


def wait_idle(page, timeout=60_000, settle_ms=300):
    """Wait until the script run has finished, so what we read is not half old, half new.

    settle_ms: time first given to a run to start (0 when it is known to have started).
    A Python exception shown by the page fails the test here, with its message.
    """
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(100)
    _no_exception(page)


def runs(page):
    """(finished runs so far, the page's clock in ms): pass it to wait_rerun."""
    return page.evaluate("() => [window.__stRuns || 0, performance.now()]")


def wait_rerun(page, before, timeout=60_000, quiet_ms=1500):
    """Wait until a script run has ended since runs() returned `before`.

    A very short run can start and end within one frame, leaving the DOM attribute unchanged and
    the counter where it was; so once quiet_ms have passed since the action, idle counts as done.
    """
    page.wait_for_function(
        """([n, t0, idle, quiet]) => document.querySelector(idle) !== null
             && ((window.__stRuns || 0) > n || performance.now() - t0 > quiet)""",
        arg=[*before, IDLE, quiet_ms], timeout=timeout)
    page.wait_for_timeout(100)  # a run may ask for another one at once (st.rerun)
    page.wait_for_selector(IDLE, timeout=timeout)
    _no_exception(page)


def rerun_after(page, action, timeout=60_000):
    """Do action() (a click that reruns the script) and wait until that run has ended."""
    before = runs(page)
    action()
    wait_rerun(page, before, timeout)


def _no_exception(page):
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, "the page shows an exception: " + exceptions.first.inner_text()


def check_clean(page):
    """Fail on a Streamlit exception box, a console error, a page error or an HTTP error."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    # The console error of a deep link's 404 shows up as a console message too.
    problems = [p for p in page.problems if not ("404" in p and "Failed to load resource" in p)]
    assert not problems, problems


def goto(page, server, path="", timeout=90_000):
    """Open a URL of the app and wait for its first script run to end."""
    page.goto(server + "/" + path.lstrip("/"))
    page.wait_for_selector('[data-testid="stSidebar"] a', timeout=timeout)  # the page list
    page.wait_for_selector("h1", timeout=timeout)  # the script has started
    wait_idle(page, timeout, settle_ms=0)


def click_nav(page, label, timeout=90_000):
    """Open a page by clicking its link in the sidebar; returns the seconds it took to run."""
    started = time.perf_counter()
    rerun_after(page, nav_link(page, label).click, timeout)
    return time.perf_counter() - started


def nav_link(page, label):
    """The sidebar's link to the page called `label` ("Home", "Train", …)."""
    return page.locator(NAV_LINK, has_text=label).first


def nav_labels(page):
    """The sidebar's links as the visitor reads them, top to bottom."""
    return [t.strip() for t in page.locator('[data-testid="stSidebar"] a').all_inner_texts()]


def key(name):
    """The element made with key=name."""
    return f".st-key-{name}"


def alerts(page):
    """The texts of every st.info / success / warning / error box on the page."""
    return page.locator('[data-testid="stAlert"]').all_inner_texts()


def metric(page, label):
    """The value shown by the st.metric whose label starts with `label`."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def plotly_traces(locator, attr):
    """One list per trace of the plotly chart inside `locator`: its x, y or z values as drawn.

    Plotly 6 ships numpy arrays base64-encoded; _fullData holds them decoded.
    """
    return locator.locator(".js-plotly-plot").first.evaluate(
        "(el, a) => (el._fullData || el.data || []).map(t => Array.from(t[a] || []))", attr)


def plotly_trace_lengths(locator):
    """How many points each trace of the plotly chart inside `locator` holds (as drawn)."""
    return [len(values) for values in plotly_traces(locator, "x")]


# --- widgets ---------------------------------------------------------------------------------

def slider_value(page, name):
    """The number shown on the thumb of the slider (or select_slider) made with key=name."""
    return page.locator(f'{key(name)} [data-testid="stSliderThumbValue"]').inner_text().strip()


def selectbox_value(page, name):
    """The option shown by the st.selectbox made with key=name."""
    return page.locator(f"{key(name)} input[role=combobox]").input_value()


def wait_selectbox(page, name, text):
    """Wait until the st.selectbox made with key=name shows an option containing `text`."""
    page.wait_for_function("([sel, t]) => document.querySelector(sel)?.value.includes(t)",
                           arg=[f"{key(name)} input[role=combobox]", text])
    wait_idle(page)


def set_slider(page, name, value):
    """Move an st.slider with integer steps of 1 to `value` with the keyboard, as a user can."""
    handle = page.locator(f"{key(name)} input[type=range]")
    low = int(handle.get_attribute("min"))
    before = runs(page)
    handle.focus()
    page.keyboard.press("Home")
    for _ in range(value - low):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([sel, v]) => document.querySelector(sel)?.value === String(v)",
        arg=[f"{key(name)} input[type=range]", value])
    wait_rerun(page, before)  # the slider sends its value once it settles: one run


def click_button(page, name, wait=True, timeout=60_000):
    """Click the st.button made with key=name; wait for the run it starts unless wait=False."""
    click = page.locator(f"{key(name)} button").first.click
    if wait:
        rerun_after(page, click, timeout)
    else:
        click()


def choose_radio(page, name, label):
    rerun_after(page, page.locator(key(name)).get_by_text(label, exact=True).click)


def upload(page, name, path):
    """Put a file into the st.file_uploader made with key=name, as a user's file picker does."""
    rerun_after(page, lambda: page.locator(f"{key(name)} input[type=file]").set_input_files(
        str(path)))
    # The uploader lists the file once the browser has sent it to the server.
    page.locator(key(name)).get_by_text(Path(path).name).first.wait_for()


# --- drawing on the canvas -------------------------------------------------------------------

def draw(page, strokes, steps=12):
    """Draw strokes (lists of (x, y) in canvas pixels) with the mouse on the drawable canvas.

    Returns time.perf_counter() at the moment the last mouse button was released.
    """
    canvas = page.locator(CANVAS)
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()  # the mouse draws where the canvas is on screen
    box = canvas.bounding_box()
    released = None
    for points in strokes:
        x, y = points[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
        page.mouse.up()
        released = time.perf_counter()
    return released


def touch_draw(page, strokes, steps=10):
    """Draw strokes (lists of (x, y) in canvas pixels) with a finger on the drawable canvas.

    Playwright's page.touchscreen can only tap, so the touches go through the DevTools protocol
    (Input.dispatchTouchEvent): touchStart, touchMove every few pixels, touchEnd; the browser
    turns them into the touch events fabric.js listens to. The context needs has_touch=True.
    Returns time.perf_counter() at the moment the last finger was lifted.
    """
    canvas = page.locator(CANVAS)
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()  # the finger draws where the canvas is on screen
    box = canvas.bounding_box()
    cdp = page.context.new_cdp_session(page)

    def touch(kind, points):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    released = None
    try:
        for points in strokes:
            at = [(box["x"] + x, box["y"] + y) for x, y in points]
            touch("touchStart", [{"x": at[0][0], "y": at[0][1]}])
            for (x0, y0), (x1, y1) in zip(at, at[1:]):
                for i in range(1, steps + 1):
                    f = i / steps
                    touch("touchMove", [{"x": x0 + (x1 - x0) * f, "y": y0 + (y1 - y0) * f}])
            touch("touchEnd", [])
            released = time.perf_counter()
    finally:
        cdp.detach()
    return released


# --- screenshots -----------------------------------------------------------------------------

def shots_enabled():
    return os.environ.get("SCREENSHOTS", "") not in ("", "0")


def shoot(page, name, full_page=True, max_height=6000):
    """Save docs/screenshots/<name>.png when SCREENSHOTS=1 (else do nothing); under 400 KB."""
    if not shots_enabled():
        return None
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # the pointer off every chart: no hover label or toolbar in the picture
    size = page.viewport_size
    if full_page:
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(height, max_height)})
            page.wait_for_timeout(800)  # let plotly charts settle at the new size
    png = page.screenshot()
    if page.viewport_size != size:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
    path = SHOTS_DIR / f"{name}.png"
    path.write_bytes(_small_png(png))
    return path


def _small_png(png):
    """The screenshot as a PNG under SHOT_MAX_BYTES: 256 colours, then smaller if needed."""
    if len(png) <= SHOT_MAX_BYTES:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = 1.0
    while True:
        shown = image if scale == 1.0 else image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        shown.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
        if out.tell() <= SHOT_MAX_BYTES or scale < 0.3:
            return out.getvalue()
        scale *= 0.8
