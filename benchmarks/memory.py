"""Where the server's memory goes: the real app, visitors in headless Chromium, RSS at each step.

How it works
1. The real server starts (`streamlit run app.py` through benchmarks/memory_probe.py, which only
   adds signal handlers, so the app is untouched); its RSS, PSS and USS are read from
   /proc/<pid>/status and /proc/<pid>/smaps_rollup.
2. One visitor (a browser context of its own, in one headless Chromium) opens every page in turn
   from the sidebar: Home, Data explorer, Train + one training, Hidden units, Draw + one
   drawing, Experiments + the quick Symmetry experiment, Inside the network, Grade weights,
   Glossary. The memory is read after each page.
3. Then N visitors (N from --visitors, default 1 4 8) do the same walk at once; the memory is
   read when they have all finished (and its peak meanwhile, sampled every 0.2 s), when their
   tabs are closed, and again --settle seconds later.
4. At the end: malloc_trim(0) in the server says how much of what it holds is free memory that
   glibc has not handed back (fragmentation), as opposed to live objects.
   With --tracemalloc FRAMES the server starts tracing allocations after the first visitor's
   walk (imports done, data sets and default model cached: tracing those took minutes), so what
   the later visitors add is traced; a report of the largest live consumers, by line and by the
   project line that asked for them, is taken after each phase and printed at the end (tracing
   makes the server slower and larger: compare RSS without it).

Every visitor trains with the default settings but a seed of its own (so each training really
runs, as in a classroom); --same-seed makes them all press Train on the cached default.
The server is shared by all phases, as in a classroom: the table's deltas are cumulative.

Run: python benchmarks/memory.py [--visitors 1 4 8] [--settle 30] [--tracemalloc 25]
     [--option server.disconnectedSessionTTL 10] [--env MALLOC_ARENA_MAX=2]
Needs Debian's Chromium (/usr/bin/chromium) and the dev requirements (playwright).
"""

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from benchmarks.serve import streamlit_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CANVAS = '[data-testid="stBidiComponentIsolated"] canvas.upper-canvas'
PLOTLY = '[data-testid="stPlotlyChart"]'
SEVEN = [[(80, 70), (150, 68), (220, 70), (175, 150), (130, 240)]]
ANSWER = """() => [...document.querySelectorAll('.draw-answer')].filter(e =>
    e.closest('[data-testid="stMarkdownContainer"]')?.innerText.includes('The network says'))
    .length > 0"""
TIMEOUT = 300_000  # 8 visitors training at once on 2 shared cores can be slow


# --- the server's memory ----------------------------------------------------------------------

def memory(pid):
    """{"rss", "pss", "uss"} in MB for process pid (pss and uss None without smaps_rollup)."""
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
    out = {"rss": rss, "pss": None, "uss": None}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            kb = {p[0].rstrip(":"): int(p[1]) for p in (line.split() for line in f)
                  if len(p) >= 3 and p[2] == "kB"}
        out["pss"] = kb["Pss"] / 1024
        out["uss"] = (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024
    except (OSError, KeyError):
        pass
    return out


class Table:
    """The steps measured so far, printed as they come and again at the end."""

    def __init__(self, pid):
        self.pid, self.rows, self.peak = pid, [], 0.0

    def measure(self, step, peak=None):
        m = memory(self.pid)
        delta = m["rss"] - self.rows[-1][1]["rss"] if self.rows else 0.0
        self.rows.append((step, m, delta, peak))
        print(self.line(*self.rows[-1]), flush=True)

    @staticmethod
    def line(step, m, delta, peak):
        fmt = lambda v: "     -" if v is None else f"{v:6.0f}"  # noqa: E731
        return (f"{step:<44} {m['rss']:7.0f} {delta:+7.0f} {fmt(peak)} {fmt(m['pss'])} "
                f"{fmt(m['uss'])}")

    def header(self):
        return f"{'step':<44} {'RSS MB':>7} {'delta':>7} {'peak':>6} {'PSS':>6} {'USS':>6}"

    def print(self):
        print("\n" + self.header())
        for row in self.rows:
            print(self.line(*row))


async def sample_peak(pid, stop):
    """The largest RSS seen every 0.2 s until stop is set."""
    peak = 0.0
    while not stop.is_set():
        peak = max(peak, memory(pid)["rss"])
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except asyncio.TimeoutError:
            pass
    return max(peak, memory(pid)["rss"])


# --- one visitor --------------------------------------------------------------------------------

async def idle(page):
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=TIMEOUT)


async def open_page(page, label, title):
    await page.locator('[data-testid="stSidebar"] a', has_text=label).first.click()
    await page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT)
    await idle(page)


async def train(page, seed):
    if seed is not None:  # the default settings with another seed, typed in as a visitor does
        box = page.locator(".st-key-train_seed input").first
        await box.fill(str(seed))
        await box.press("Enter")
        await idle(page)
    await page.locator(".st-key-train_go button").first.click()
    # Training runs in the background; its progress bar goes once the run is in the history.
    await page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stAlert"]')]
                   .some(a => /Run #\\d+:/.test(a.innerText))""", timeout=TIMEOUT)
    await idle(page)


async def draw(page):
    canvas = page.locator(CANVAS)
    await canvas.wait_for(timeout=TIMEOUT)
    await canvas.scroll_into_view_if_needed()
    box = await canvas.bounding_box()
    for points in SEVEN:
        await page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        await page.mouse.down()
        for x, y in points[1:]:
            await page.mouse.move(box["x"] + x, box["y"] + y, steps=10)
        await page.mouse.up()
    await page.wait_for_function(ANSWER, timeout=TIMEOUT)
    await idle(page)


async def experiment(page):
    await page.get_by_role("tab", name="Symmetry").click()
    await page.locator(".st-key-exp_symmetry_run button").first.click()
    await page.locator(f".st-key-exp_symmetry_weights {PLOTLY}").wait_for(timeout=TIMEOUT)
    await idle(page)


# (sidebar link, start of the page's title, what the visitor does there)
WALK = [("Data explorer", "Data explorer", None), ("Train", "Train the wizard", train),
        ("Hidden units", "Hidden units", None), ("Draw and predict", "Draw a digit", draw),
        ("Experiments", "Experiments", experiment),
        ("Inside the network", "Inside the network", None),
        ("Grade weights", "Grade weights", None), ("Glossary", "Glossary", None)]


async def visit(browser, url, seed, after_step=None):
    """One visitor's walk through every page; after_step(name) is awaited after each step.
    Returns the browser context (still open: its tab is the session)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(url, timeout=TIMEOUT)
    await page.locator('[data-testid="stSidebar"] a').first.wait_for(timeout=TIMEOUT)
    await idle(page)
    if after_step:
        await after_step("Home")
    for label, title, action in WALK:
        await open_page(page, label, title)
        name = label
        if action is train:
            await train(page, seed)
            name += " + one training"
        elif action is not None:
            await action(page)
            name += {draw: " + one drawing", experiment: " + Symmetry experiment"}[action]
        if after_step:
            await after_step(name)
    return context


# --- the whole measurement ----------------------------------------------------------------------

async def measure(url, args, table, ask_report):
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        table.measure("server started (nobody visited)")

        async def step(name):
            table.measure(f"1 visitor: {name}")

        t0 = time.perf_counter()
        context = await visit(browser, url, None if args.same_seed else 1, step)
        print(f"  (one walk took {time.perf_counter() - t0:.0f} s)")
        ask_report("after one visitor's walk")
        await context.close()
        await asyncio.sleep(args.settle)
        table.measure(f"1 visitor: tab closed, +{args.settle:.0f} s")
        seed = 100
        for n in args.visitors:
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_peak(table.pid, stop))
            t0 = time.perf_counter()
            seeds = [None if args.same_seed else seed + i for i in range(n)]
            seed += n
            results = await asyncio.gather(*(visit(browser, url, s) for s in seeds),
                                           return_exceptions=True)
            stop.set()
            peak = await sampler
            failed = [r for r in results if isinstance(r, BaseException)]
            print(f"  ({n} visitors took {time.perf_counter() - t0:.0f} s"
                  + (f"; {len(failed)} failed: {failed[0]!r:.300}" if failed else "") + ")")
            table.measure(f"{n} visitors: all pages done", peak)
            ask_report(f"after {n} visitors")
            for r in results:
                if not isinstance(r, BaseException):
                    await r.close()
            await asyncio.sleep(1)
            table.measure(f"{n} visitors: tabs closed")
            await asyncio.sleep(args.settle)
            table.measure(f"{n} visitors: tabs closed, +{args.settle:.0f} s")
        if args.revisit:
            # Streamlit keeps a closed tab's session for reconnection (server.disconnected-
            # SessionTTL) and drops expired ones only when its session storage is touched.
            await asyncio.sleep(args.revisit)
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(url, timeout=TIMEOUT)
            await page.locator("h1").first.wait_for(timeout=TIMEOUT)
            await idle(page)
            await context.close()
            await asyncio.sleep(5)
            table.measure(f"+{args.revisit:.0f} s, one visitor opens Home, leaves")
            ask_report("after the revisit")
        await browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, nargs="*", default=[1, 4, 8])
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds to wait after the tabs are closed")
    parser.add_argument("--revisit", type=float, default=0.0,
                        help="at the end, wait this long, then one visitor opens Home (shows "
                             "whether closed sessions are let go)")
    parser.add_argument("--same-seed", action="store_true",
                        help="every visitor trains the cached default model")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="FRAMES",
                        help="trace allocations in the server, keeping FRAMES frames each")
    parser.add_argument("--option", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="a streamlit option, e.g. "
                        "server.disconnectedSessionTTL 10")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server, e.g. MALLOC_ARENA_MAX=2")
    args = parser.parse_args()

    report = Path(tempfile.mkstemp(prefix="memory-report-", suffix=".txt")[1])
    env = dict(os.environ, MEMORY_REPORT=str(report),
               MEMORY_TRACEMALLOC=str(args.tracemalloc))
    env.update(e.split("=", 1) for e in args.env)
    options = [x for name, value in args.option for x in (f"--{name}", value)]
    print(f"server: tracemalloc {args.tracemalloc or 'off'}, options {options or 'none'}, "
          f"env {args.env or 'none'}")
    with streamlit_server(launcher=[str(ROOT / "benchmarks" / "memory_probe.py")],
                          options=options, env=env, timeout=600) as url:
        table = Table(url.pid)

        def ask_report(when):
            with report.open("a") as f:
                f.write(f"\n##### {when}\n")
            os.kill(url.pid, signal.SIGUSR1)
            time.sleep(10 if args.tracemalloc else 0.5)  # the server writes it

        asyncio.run(measure(url, args, table, ask_report))
        table.measure("now")
        os.kill(url.pid, signal.SIGUSR2)  # malloc_trim(0)
        time.sleep(1)
        table.measure("after malloc_trim(0) in the server")
        table.print()
    print("\n" + report.read_text())
    report.unlink()


if __name__ == "__main__":
    main()
