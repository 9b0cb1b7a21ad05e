"""A class of students against the real server: latency per action, server memory, database size.

How it works
1. Servers: (a) one `streamlit run app.py` process, then (b) three of them sharing one database
   (a fresh SQLite file in a temporary folder, or --database-url for PostgreSQL). The students
   are spread over the three ports round-robin by the client itself (no proxy in between).
   Each server gets --env (by default MALLOC_ARENA_MAX=2, the deployment's setting) and is
   warmed by one visit to Home first (its default model is trained once per process), unless
   --cold.
2. Every student is a websocket-level client (benchmarks/st_client.py): it speaks Streamlit's
   own protocol (BackMsg / ForwardMsg) over ws://host:port/_stcore/stream as the browser does,
   with no browser. Per student, in order:
   open   Home, until its script run has finished (the page fully drawn);
   train  the Train page with the defaults and a seed of its own: the seed typed in, then
          Train pressed; st.fragment(run_every) is polled as the browser does until the
          verdict "Run #1: ..." is shown;
   draw   the Draw page: a drawn 7 sent as the canvas's value, until "The network says" shows;
   share  (unless --no-share) the Class page: join with the class code, then the Train page's
          "Share this run with my class" (button class_share) until its success message.
   Page switches are timed too, as "page". The students arrive all at once or spread evenly
   over --ramp seconds.
3. Meanwhile the servers' RSS is sampled every 0.25 s from /proc; the table gives its peak
   during the class and its value --settle seconds after the last student left, and the
   database's size (the SQLite file with its -wal, or pg_database_size).
4. The figures are printed per action (count, median, p95, max, failures) for each setup, then
   3 replicas against 1 server, as Markdown tables to paste into a note.
--check-browser first trains and draws once in headless Chromium and once with the client, with
the same seed and strokes, and prints what each saw (the validation accuracy, the answer).

Run: python benchmarks/class_load.py [--students 30] [--ramp 0] [--setups 1 3] [--no-share]
     [--database-url URL] [--env NAME=VALUE] [--lambdas 0.1 1 10] [--check-browser]
"""

import argparse
import asyncio
import base64
import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.serve import streamlit_server  # noqa: E402
from benchmarks.st_client import StreamlitClient, StreamlitClientError  # noqa: E402

ACTIONS = ("open", "page", "train", "draw", "share")
CANVAS = 300  # px, the Draw page's canvas
SEVEN = [(80, 70), (150, 68), (220, 70), (175, 150), (130, 240)]  # the strokes memory.py draws
PEN = 22  # the Draw page's default pen width
VERDICT = r"Run #\d+: .*"
ANSWER = r"The network says<div class='draw-answer'[^>]*>(\d)</div>"
DRAW_PAGE, TRAIN_PAGE, CLASS_PAGE = "Draw_and_predict", "Train", "Class"


def seven_canvas_value():
    """The canvas's component value for a 7 drawn with SEVEN's stroke: what the browser sends
    (a PNG data URL of the 300 x 300 canvas, white pen on black)."""
    img = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 255))
    ImageDraw.Draw(img).line(SEVEN, fill=(255, 255, 255, 255), width=PEN, joint="curve")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": data},
            "backgroundFit": None}


# --- one student ------------------------------------------------------------------------------

@dataclass
class Student:
    """What one student did: (action, seconds) for each success, (action, error) for failures."""

    seed: int
    train_query: str = ""  # more settings for the Train page, as a shared link has: "maxiter=5"
    times: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    seen: dict = field(default_factory=dict)  # what the pages showed: accuracy, answer, share


async def timed(student, action, coro):
    t0 = time.perf_counter()
    await coro
    student.times.append((action, time.perf_counter() - t0))


async def train(c, student):
    if student.train_query:  # the Train page reads settings from the URL on its first visit
        c.query_string = "&".join(q for q in (c.query_string, student.train_query) if q)
    await timed(student, "page", c.open(TRAIN_PAGE))
    await timed(student, "page", c.set_value("train_seed", float(student.seed)))

    async def press_and_wait():
        await c.click("train_go")
        await c.wait_until(lambda: c.find_text(VERDICT) and not c.running,
                           what="the training's verdict")

    await timed(student, "train", press_and_wait())
    student.seen["verdict"] = c.find_text(VERDICT).group(0)
    found = c.find_text(r"validation accuracy: (\S+)")
    student.seen["validation"] = found.group(1) if found else None


async def draw(c, student):
    await timed(student, "page", c.open(DRAW_PAGE))

    async def send_and_wait():
        await c.set_value("draw_canvas_0", seven_canvas_value())
        await c.wait_until(lambda: c.find_text(ANSWER) and not c.running, what="the answer")

    await timed(student, "draw", send_and_wait())
    student.seen["answer"] = int(c.find_text(ANSWER).group(1))


async def share(c, student, class_code):
    """The class board's contract: join on the Class page, then share from the Train page."""
    await timed(student, "page", c.open(CLASS_PAGE))
    await timed(student, "page", c.set_value("class_code", class_code))
    await timed(student, "page", c.set_value("class_nickname", f"student {student.seed}"))
    await timed(student, "page", c.click("class_join"))
    await timed(student, "page", c.open(TRAIN_PAGE))
    before = len(c.alerts("SUCCESS"))

    async def press_and_wait():
        await c.click("class_share")
        await c.wait_until(lambda: len(c.alerts("SUCCESS")) > before or c.exception(),
                           what="the share's success message")

    await timed(student, "share", press_and_wait())
    student.seen["share"] = c.alerts("SUCCESS")[-1]


async def one_student(url, student, class_code, delay, timeout):
    await asyncio.sleep(delay)
    action = "open"
    try:
        async with StreamlitClient(url, timeout=timeout) as c:
            await timed(student, "open", c.open(""))
            action = "train"
            await train(c, student)
            action = "draw"
            await draw(c, student)
            if class_code is not None:
                action = "share"
                await share(c, student, class_code)
    except Exception as error:  # noqa: BLE001 - any failure is a figure of the class, not a crash
        student.failures.append((action, f"{type(error).__name__}: {error}"[:300]))
    return student


async def run_students(urls, n, ramp=0.0, class_code=None, timeout=600.0, train_query="",
                       lambdas=()):
    """n students, spread over the servers' urls round-robin, arriving evenly over ramp seconds
    -> their Students (seeds 1000, 1001, ...). With lambdas, student i trains with
    lambdas[i % len(lambdas)]: the class sweeps λ, several seeds per λ."""
    def query(i):
        extra = [f"lambd={lambdas[i % len(lambdas)]:g}"] if lambdas else []
        return "&".join(q for q in [train_query, *extra] if q)

    students = [Student(seed=1000 + i, train_query=query(i)) for i in range(n)]
    await asyncio.gather(*(one_student(urls[i % len(urls)], s, class_code,
                                       ramp * i / max(n - 1, 1), timeout)
                           for i, s in enumerate(students)))
    return students


async def create_class(url, teacher_key, timeout):
    """A teacher unlocks the Class page and creates a class -> its code (the app puts it in the
    page's link as ?class=..., which the server sends back as the new query string)."""
    async with StreamlitClient(url, timeout=timeout) as c:
        await c.open(CLASS_PAGE)
        await c.set_value("teacher_key", teacher_key)
        await c.click("teacher_unlock")
        await c.click("class_create")
        found = re.search(r"(?:^|&)class=([A-Za-z0-9_-]+)", c.query_string)
        if found is None:
            raise StreamlitClientError("no class code in the Class page's link after class_create "
                                       f"(query string {c.query_string!r}); pass --class-code")
        return found.group(1)


# --- the servers' memory and the database ------------------------------------------------------

def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
    except (OSError, StopIteration):
        return 0.0


async def sample_peaks(pids, peaks, stop):
    while not stop.is_set():
        for pid in pids:
            peaks[pid] = max(peaks[pid], rss_mb(pid))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


def database_mb(database_url, data_dir):
    if database_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as conn:
            size = conn.execute(text("select pg_database_size(current_database())")).scalar()
        engine.dispose()
        return size / 2**20
    files = Path(data_dir).glob("workspaces.sqlite3*")  # the file, its -wal and -shm
    return sum(f.stat().st_size for f in files) / 2**20


# --- one setup: n servers, a class ------------------------------------------------------------

@dataclass
class Outcome:
    replicas: int
    students: list
    wall: float
    rss_start: list
    rss_peak: list
    rss_after: list
    db_mb: float


async def run_class(urls, args, class_code):
    pids = [u.pid for u in urls]
    rss_start = [rss_mb(p) for p in pids]
    peaks, stop = dict.fromkeys(pids, 0.0), asyncio.Event()
    sampler = asyncio.create_task(sample_peaks(pids, peaks, stop))
    t0 = time.perf_counter()
    students = await run_students(urls, args.students, args.ramp, class_code, args.timeout,
                                  args.train_query, args.lambdas)
    wall = time.perf_counter() - t0
    await asyncio.sleep(args.settle)
    stop.set()
    await sampler
    return students, wall, rss_start, [peaks[p] for p in pids], [rss_mb(p) for p in pids]


def run_setup(replicas, args):
    """Start `replicas` servers on one fresh database, warm them, run the class -> Outcome."""
    with tempfile.TemporaryDirectory(prefix="class-load-") as data_dir:
        env = dict(os.environ, NN_DIGITS_DATA_DIR=data_dir)
        env.update(e.split("=", 1) for e in args.env)
        if args.database_url:
            env["NN_DIGITS_DATABASE_URL"] = args.database_url
        if args.teacher_key:
            env["NN_DIGITS_TEACHER_KEY"] = args.teacher_key
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(streamlit_server(env=env, timeout=300))
                    for _ in range(replicas)]
            print(f"{replicas} server(s) up: {', '.join(urls)} (pids "
                  f"{', '.join(str(u.pid) for u in urls)})", flush=True)

            async def go():
                if not args.cold:  # each process trains its default model once, at its first visit
                    await asyncio.gather(*(warm(u, args.timeout) for u in urls))
                code = args.class_code
                if args.share and code is None:
                    code = await create_class(urls[0], args.teacher_key, args.timeout)
                if args.share:
                    print(f"class code: {code}", flush=True)
                return await run_class(urls, args, code if args.share else None)

            students, wall, start, peak, after = asyncio.run(go())
            return Outcome(replicas, students, wall, start, peak, after,
                           database_mb(args.database_url, data_dir))


async def warm(url, timeout):
    async with StreamlitClient(url, timeout=timeout) as c:
        await c.open("")


# --- the figures -------------------------------------------------------------------------------

def p95(values):
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def action_rows(outcome):
    """{action: (count, median, p95, max, failures)} in seconds."""
    rows = {}
    for action in ACTIONS:
        times = [t for s in outcome.students for a, t in s.times if a == action]
        failed = sum(1 for s in outcome.students for a, _ in s.failures if a == action)
        if times or failed:
            rows[action] = (len(times), statistics.median(times) if times else float("nan"),
                            p95(times) if times else float("nan"),
                            max(times) if times else float("nan"), failed)
    return rows


def report(outcomes, args):
    lines = [f"Class of {args.students} students, arrival "
             + (f"ramped over {args.ramp:g} s" if args.ramp else "all at once")
             + f", share {'on' if args.share else 'off'}, server env "
             + (" ".join(args.env) or "none") + ", database "
             + ("PostgreSQL" if args.database_url else "SQLite") + ":", ""]
    for o in outcomes:
        lines += [f"**{o.replicas} server process{'es' if o.replicas > 1 else ''}** "
                  f"(the class took {o.wall:.0f} s)", "",
                  "| action | count | median s | p95 s | max s | failures |",
                  "|---|---:|---:|---:|---:|---:|"]
        for action, (n, med, q95, mx, failed) in action_rows(o).items():
            lines.append(f"| {action} | {n} | {med:.2f} | {q95:.2f} | {mx:.2f} | {failed} |")
        mb = lambda xs: " + ".join(f"{x:.0f}" for x in xs)  # noqa: E731
        lines += ["", f"RSS MB per process: start {mb(o.rss_start)}; peak {mb(o.rss_peak)} "
                      f"(sum {sum(o.rss_peak):.0f}); {args.settle:g} s after the class "
                      f"{mb(o.rss_after)} (sum {sum(o.rss_after):.0f}). "
                      f"Database: {o.db_mb:.1f} MB.", ""]
        for s in o.students:
            for action, error in s.failures:
                lines.append(f"- student seed {s.seed}, {action}: {error}")
        answers = sorted({s.seen.get("answer") for s in o.students} - {None})
        accuracies = sorted({s.seen.get("validation") for s in o.students} - {None})
        lines += [f"Answers to the drawn 7: {answers}; validation accuracies seen: "
                  f"{len(accuracies)} different ({', '.join(accuracies[:4])}…)", ""]
    if len(outcomes) == 2:
        one, many = (action_rows(o) for o in outcomes)
        lines += [f"**{outcomes[1].replicas} replicas / {outcomes[0].replicas} server**", "",
                  "| action | median | p95 |", "|---|---:|---:|"]
        for action in [a for a in ACTIONS if a in one and a in many]:
            lines.append(f"| {action} | {many[action][1] / one[action][1]:.2f} | "
                         f"{many[action][2] / one[action][2]:.2f} |")
        lines.append(f"| RSS peak (sum) | {sum(outcomes[1].rss_peak) / sum(outcomes[0].rss_peak):.2f} |"
                     " |")
    return "\n".join(lines)


# --- the same steps in a real browser, to validate the client ----------------------------------

async def check_against_browser(seed, timeout):
    """Train (seed) and draw the 7 in headless Chromium and with the client -> what each saw."""
    from playwright.async_api import async_playwright

    from benchmarks import memory as walk  # its browser steps: train(page, seed), draw(page)

    with streamlit_server(env=dict(os.environ), timeout=300) as url:
        student = Student(seed=seed)
        async with StreamlitClient(url, timeout=timeout) as c:
            await c.open("")
            await train(c, student)
            await draw(c, student)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=walk.CHROMIUM, headless=True,
                                              args=walk.CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            await page.goto(url, timeout=timeout * 1000)
            await walk.idle(page)
            await walk.open_page(page, "Train", "Train the wizard")
            await walk.train(page, seed)
            metric = page.locator('[data-testid="stMetric"]', has_text="validation accuracy")
            browser_accuracy = (await metric.locator('[data-testid="stMetricValue"]')
                                .inner_text()).strip()
            await walk.open_page(page, "Draw and predict", "Draw a digit")
            await walk.draw(page)
            browser_answer = (await page.locator(".draw-answer").first.inner_text()).strip()
            await browser.close()
    return {"client": (student.seen.get("validation"), student.seen.get("answer")),
            "browser": (browser_accuracy, int(browser_answer))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="seconds over which the students arrive (0: all at once)")
    parser.add_argument("--setups", type=int, nargs="*", default=[1, 3],
                        help="server processes per setup, run one after the other")
    parser.add_argument("--no-share", dest="share", action="store_false",
                        help="skip the share action (the Class page)")
    parser.add_argument("--class-code", help="the class to join (else a teacher creates one)")
    parser.add_argument("--teacher-key", default="class-load-teacher",
                        help="set as NN_DIGITS_TEACHER_KEY on the servers, to create the class")
    parser.add_argument("--database-url", help="a PostgreSQL URL shared by the servers "
                        "(default: a fresh SQLite file per setup)")
    parser.add_argument("--env", action="append", default=None, metavar="NAME=VALUE",
                        help="server environment (default MALLOC_ARENA_MAX=2)")
    parser.add_argument("--train-query", default="", metavar="QUERY",
                        help="settings other than the defaults, as in a link: maxiter=5")
    parser.add_argument("--lambdas", type=float, nargs="*", default=[], metavar="λ",
                        help="student i trains with the i-th of these λ, in turn (default: the "
                             "Train page's λ for everyone)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds after the last student before RSS 'after' is read")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per step")
    parser.add_argument("--cold", action="store_true", help="no warm-up visit per server")
    parser.add_argument("--check-browser", action="store_true",
                        help="first compare the client with one headless Chromium session")
    args = parser.parse_args()
    args.env = ["MALLOC_ARENA_MAX=2"] if args.env is None else args.env
    if args.check_browser:
        seen = asyncio.run(check_against_browser(4242, args.timeout))
        print(f"same steps, seed 4242: client saw validation {seen['client'][0]}, answer "
              f"{seen['client'][1]}; headless Chromium saw {seen['browser'][0]}, answer "
              f"{seen['browser'][1]}", flush=True)
    outcomes = []
    for replicas in args.setups:
        outcomes.append(run_setup(replicas, args))
        print(report(outcomes[-1:], args), flush=True)
    if outcomes:
        print("\n" + report(outcomes, args))


if __name__ == "__main__":
    main()
