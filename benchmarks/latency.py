"""How long a learner waits: the real server, driven by headless Chromium, 1 and 5 sessions.

How it works
1. Two real servers start side by side: the app (`streamlit run app.py`) and the floor
   (`benchmarks/latency_floor.py`: the same canvas and network, a page that only prints the
   network's digit). Both warm up once (the default model is trained before timing starts).
2. For 1, then 5 simultaneous sessions (each a tab in its own browser context, all driven at
   once with Playwright's async API), each session:
   - draws a 7 and a 1 in turn on the Draw page and on the floor page, timing mouse-up to the
     answer showing the right digit, and clearing the canvas in between;
   - on the Train page, times the click on Train to the first progress bar (a seed of its own,
     so every run really trains), then presses Stop;
   - switches pages from the sidebar, timing the click to the new page's finished run.
3. Per action: median and p95 over all sessions and repeats, and for drawing the ratio to the
   floor measured in the same run (the goal: p95 within 1.5x the floor with one session, 2x
   with five).

Run: python benchmarks/latency.py [--draws 8] [--trains 2] [--sessions 1 5]
Needs Debian's Chromium (/usr/bin/chromium) and the dev requirements (playwright).
"""

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from benchmarks.serve import streamlit_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CANVAS = '[data-testid="stBidiComponentIsolated"] canvas.upper-canvas'
# The answer under "The network says" (after a clear there is none until the next drawing).
ANSWER = """() => [...document.querySelectorAll('.draw-answer')].filter(e =>
    e.closest('[data-testid="stMarkdownContainer"]')?.innerText.includes('The network says'))
    .map(e => e.innerText.trim())[0] || null"""
# Strokes in canvas pixels (300 x 300) and the digit the default model reads in them.
DRAWINGS = [([[(80, 70), (150, 68), (220, 70), (175, 150), (130, 240)]], "7"),
            ([[(150, 40), (148, 140), (146, 250)]], "1")]
PAGES = [("Data explorer", "Data explorer"), ("Hidden units", "Hidden units"),
         ("Draw and predict", "Draw a digit"), ("Experiments", "Experiments"),
         ("Inside the network", "Inside the network"), ("Grade weights", "Grade weights"),
         ("Train", "Train the wizard")]  # (sidebar link, start of the page's title)


async def idle(page):
    await page.wait_for_timeout(150)
    await page.wait_for_selector(IDLE, timeout=120_000)


async def draw(page, strokes):
    """Draw with the mouse; returns the moment the button was released."""
    box = await page.locator(CANVAS).bounding_box()
    for points in strokes:
        await page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        await page.mouse.down()
        for x, y in points[1:]:
            await page.mouse.move(box["x"] + x, box["y"] + y, steps=10)
        await page.mouse.up()
    return time.perf_counter()


async def draws(page, url, n):
    """Seconds from mouse-up to the right answer, n drawings on the page at url."""
    await page.goto(url, timeout=180_000)
    await page.locator(CANVAS).wait_for(timeout=180_000)
    await idle(page)
    out, wrong, lost = [], 0, 0
    for strokes, digit in itertools.islice(itertools.cycle(DRAWINGS), n):
        released = await draw(page, strokes)
        try:
            handle = await page.wait_for_function(ANSWER, timeout=60_000)
        except PlaywrightTimeout:  # the canvas never sent the stroke: count it, go on
            lost += 1
            continue
        out.append(time.perf_counter() - released)
        wrong += await handle.json_value() != digit  # a stroke cut short by a busy browser
        await idle(page)
        await page.locator(".st-key-draw_clear button").first.click()
        await page.wait_for_function(f"() => !({ANSWER})()", timeout=60_000)
        await idle(page)
    if wrong or lost:
        print(f"  ({wrong} of {n} drawings on {url} were read as another digit than drawn, "
              f"{lost} got no answer within 60 s)")
    return out


async def trains(page, url, n, seed):
    """Seconds from the click on Train to the first progress bar, n runs with new seeds."""
    out, lost = [], 0
    for i in range(n):
        await page.goto(f"{url}/Train?maxiter=400&seed={seed * 100 + i + 1}", timeout=180_000)
        await page.locator(".st-key-train_go button").first.wait_for(timeout=180_000)
        await idle(page)
        await page.locator(".st-key-train_go button").first.click()
        clicked = time.perf_counter()
        try:
            await page.locator('[data-testid="stProgress"]').first.wait_for(timeout=180_000)
        except PlaywrightTimeout:
            lost += 1
            continue
        out.append(time.perf_counter() - clicked)
        await stop_training(page)
    if lost:
        print(f"  ({lost} of {n} Train clicks showed no progress within 180 s)")
    return out


async def stop_training(page):
    """Press Stop. While a script run redraws it, the button is replaced again and again, so a
    normal click can wait for it forever: click it from the page, until training has ended."""
    for _ in range(600):
        await page.evaluate("() => document.querySelector('.st-key-train_stop button')?.click()")
        await page.wait_for_timeout(100)
        if await page.locator('[data-testid="stProgress"]').count() == 0:
            await idle(page)
            return
    raise TimeoutError("training did not stop within 60 s of pressing Stop")


async def switches(page, url):
    """Seconds from a click on a sidebar link to the end of the new page's run, every page."""
    await page.goto(url, timeout=180_000)
    await page.locator('[data-testid="stSidebar"] a').first.wait_for(timeout=180_000)
    await idle(page)
    out = []
    for label, title in PAGES:
        link = page.locator('[data-testid="stSidebar"] a', has_text=label).first
        await link.click()
        clicked = time.perf_counter()
        await page.locator("h1", has_text=title).first.wait_for(timeout=120_000)
        await idle(page)
        out.append(time.perf_counter() - clicked)
    return out


async def session(browser, app, floor, args, i):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        return {
            "draw → answer": await draws(page, f"{app}/Draw_and_predict", args.draws),
            "draw → answer (floor)": await draws(page, floor, args.draws),
            "click Train → first progress": await trains(page, app, args.trains, i),
            "page switch": await switches(page, app),
        }
    finally:
        await context.close()


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


async def main(args):
    from playwright.async_api import async_playwright

    with streamlit_server("app.py") as app, streamlit_server("benchmarks/latency_floor.py") as floor:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
            # Warm-up: both servers train the default model and serve their scripts once.
            await session(browser, app, floor, argparse.Namespace(draws=1, trains=0), 0)
            print(f"{'sessions':>8}  {'action':<30} {'n':>4} {'median s':>9} {'p95 s':>7}  "
                  f"{'p95 / floor p95':>15}")
            for n in args.sessions:
                started = time.perf_counter()
                results = await asyncio.gather(*(session(browser, app, floor, args, 1000 * n + i)
                                                 for i in range(n)))
                merged = {k: [v for r in results for v in r[k]] for k in results[0]}
                floor_p95 = p95(merged["draw → answer (floor)"])
                for action, values in merged.items():
                    ratio = f"{p95(values) / floor_p95:15.2f}" if action == "draw → answer" else ""
                    print(f"{n:>8}  {action:<30} {len(values):>4} {statistics.median(values):>9.2f} "
                          f"{p95(values):>7.2f}  {ratio}")
                print(f"{'':>8}  ({time.perf_counter() - started:.0f} s for {n} session(s); goal: "
                      f"draw p95 within {1.5 if n == 1 else 2:g}x the floor)")
            await browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=8, help="drawings per session and page")
    parser.add_argument("--trains", type=int, default=2, help="Train clicks per session")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5])
    asyncio.run(main(parser.parse_args()))
