"""A classroom at once: N sessions train different settings and predict at the same time.

How it works
1. Each session is an AppTest of the Train page in its own thread (as each browser tab has its
   own script thread on the server). Session i sets its own knobs (hidden units, maxiter, seed,
   λ), presses Train, then opens the Draw page with the model it trained and a drawn digit.
2. Every session is then checked against what it asked for: its run history holds exactly its
   own run with its own settings, that run is its active model, the accuracy the page shows
   is that model's (measured again here), and the Draw page's answer is what that model says
   about the drawing (computed again here with nn_core).
3. Meanwhile a monitor thread samples the process's resident memory; the report gives the wall
   time, the peak memory above the start, and each session's figures.
4. Latency under load: one thread trains a big model (hidden 100, up to 300 iterations on the
   3,500 training digits) while the main thread times Draw-page predictions
   (nn_core.prepare_drawing + predict_proba, and whole AppTest runs of the Draw page).

Run: python benchmarks/load_test.py [--sessions 30] [--dataset mnist-20x20] [--maxiter 20]
tests/test_many_users.py runs a smaller version of the same functions.
"""

import argparse
import base64
import io
import os
import re
import resource
import statistics
import sys
import threading
import time
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nn_core  # noqa: E402
from ui import state  # noqa: E402
from ui.jobs import wait_for_jobs  # noqa: E402
from ui.settings import Settings  # noqa: E402

TRAIN_PAGE = str(ROOT / "pages" / "2_Train.py")
DRAW_PAGE = str(ROOT / "pages" / "4_Draw_and_predict.py")


# --- a drawing, as the browser's canvas sends it ---------------------------------------------------

def drawing_rgba(kind="seven"):
    """A 300 x 300 RGBA canvas image: white strokes on black."""
    img = np.zeros((300, 300, 4), np.uint8)
    img[..., 3] = 255
    if kind == "seven":
        img[60:90, 60:240, :3] = 255  # the bar
        for r in range(90, 260):  # the diagonal
            c = int(240 - (r - 90) * 0.6)
            img[r, c - 15:c + 15, :3] = 255
    else:
        img[40:260, 135:165, :3] = 255  # a "1"
    return img


def canvas_value(rgba):
    """st_canvas's component value for this image (see docs/browser-testing.md)."""
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG")
    data = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": data}, "backgroundFit": None}


def shown_answer(at):
    """The digit the Draw page shows as "The network says", or None."""
    for m in at.markdown:
        found = re.search(r"The network says<div class='draw-answer'[^>]*>(\d)</div>", m.value)
        if found:
            return int(found.group(1))
    return None


# --- memory ---------------------------------------------------------------------------------------

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


class MemoryMonitor(threading.Thread):
    """Samples this process's resident memory every `every` seconds until stopped."""

    def __init__(self, every=0.05):
        super().__init__(daemon=True)
        self.every, self.start_mb, self.peak_mb = every, rss_mb(), rss_mb()
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.every):
            self.peak_mb = max(self.peak_mb, rss_mb())

    def stop(self):
        self.done.set()
        self.join()
        self.peak_mb = max(self.peak_mb, rss_mb())
        return self


# --- AppTest in threads ------------------------------------------------------------------------------

@contextmanager
def apptests_in_threads():
    """Let AppTests run in several threads at once (a test-harness fix, not an app fix).

    Each AppTest run puts a mock Runtime into the Runtime._instance singleton and sets it back to
    None when it ends, so one session's clean-up pulled the runtime away from another session's
    running script ("Runtime hasn't been created!"). A real server has one Runtime for all
    sessions; while this is active, a missing runtime falls back to the latest mock instead.
    Likewise a server compiles each page once, under its one ScriptCache's lock, while every
    AppTest run has a ScriptCache of its own: concurrent compiles then hit a CPython 3.11 bug
    ("AST constructor recursion depth mismatch", python/cpython#106905), so compiling is
    serialised here as on the server. And each run patches config.get_option to say "this is
    a test" and puts the real one back when it ends, under every other thread's feet: here the
    patch is made once, around all the sessions.
    """
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    saved = Runtime.__dict__["instance"], Runtime.__dict__["exists"]
    get_bytecode, compiling = ScriptCache.get_bytecode, threading.Lock()
    latest = {}

    def get_bytecode_serialised(self, script_path):
        with compiling:
            return get_bytecode(self, script_path)

    def current(cls):
        if cls._instance is not None:
            latest["runtime"] = cls._instance
        return latest.get("runtime")

    Runtime.instance = classmethod(lambda cls: current(cls) or saved[0].__func__(cls))
    Runtime.exists = classmethod(lambda cls: current(cls) is not None)
    ScriptCache.get_bytecode = get_bytecode_serialised
    patch_config = app_test.patch_config_options
    app_test.patch_config_options = lambda overrides: nullcontext()
    try:
        with patch_config({"global.appTest": True}):
            yield
    finally:
        Runtime.instance, Runtime.exists = saved
        ScriptCache.get_bytecode = get_bytecode
        app_test.patch_config_options = patch_config


# --- one session ------------------------------------------------------------------------------------

@dataclass
class Session:
    index: int
    settings: Settings
    seconds: float = 0.0
    problems: list = field(default_factory=list)
    run_id: int = None
    answer: int = None
    expected_answer: int = None
    validation: str = ""
    traceback: str = ""

    @property
    def ok(self):
        return not self.problems


def session_settings(i, dataset, maxiter):
    """Different settings for every session: hidden units, iterations, seed and λ all vary."""
    lambdas = (0.0, 0.1, 1.0, 3.0, 10.0)
    return Settings(dataset=dataset, hidden_size=3 + i, maxiter=maxiter + i % 3, seed=1000 + i,
                    lambd=lambdas[i % len(lambdas)])


def run_session(session, rgba, predict=True):
    """Train with the session's settings on the Train page, then predict a drawing on the Draw
    page with the model it trained; note anything that is not the session's own."""
    from streamlit.testing.v1 import AppTest

    s, started = session.settings, time.perf_counter()
    at = AppTest.from_file(TRAIN_PAGE, default_timeout=300)
    for name in ("dataset", "hidden_size", "lambd", "maxiter", "seed"):
        at.session_state[f"train_{name}"] = getattr(s, name)
    at.run()
    at.button(key="train_go").click().run()
    wait_for_jobs(at.session_state)  # training runs in the background (ui.jobs)
    at.run()
    problems = session.problems
    if at.exception:
        problems.append(f"Train page raised {at.exception[0].value}")
        return session
    runs = at.session_state["runs"]
    if [r.settings for r in runs] != [s]:
        problems.append(f"run history holds {[r.settings for r in runs]}, expected [{s}]")
        return session
    run = runs[0]
    session.run_id = run.id
    if at.session_state["active_run_id"] != run.id:
        problems.append("its run is not its active model")
    split = state.get_split(s.dataset)
    expected = f"{run.network.accuracy(split.validation.X, split.validation.y):.1%}"
    session.validation = next(m.value for m in at.metric if m.label == "validation accuracy")
    if session.validation != expected:
        problems.append(f"page shows validation accuracy {session.validation}, its model {expected}")
    if predict:
        draw = AppTest.from_file(DRAW_PAGE, default_timeout=300)
        draw.session_state["runs"] = [run]
        draw.session_state["active_run_id"] = run.id
        draw.session_state["draw_canvas_0"] = canvas_value(rgba)
        draw.run()
        if draw.exception:
            problems.append(f"Draw page raised {draw.exception[0].value}")
        x = nn_core.prepare_drawing(rgba, nn_core.DATASET_INFO[s.dataset].image_shape)
        session.expected_answer = int(run.network.predict(x)[0])
        session.answer = shown_answer(draw)
        if session.answer != session.expected_answer:
            problems.append(f"Draw page says {session.answer}, its model {session.expected_answer}")
    session.seconds = time.perf_counter() - started
    return session


def run_sessions(n=10, dataset="sklearn-8x8", maxiter=3, predict=True):
    """n sessions at once, one thread each; returns (sessions, wall seconds, memory monitor)."""
    state.default_run()  # the shared default model, trained once per process before the class
    rgba = drawing_rgba()
    sessions = [Session(i, session_settings(i, dataset, maxiter)) for i in range(n)]
    monitor = MemoryMonitor()
    monitor.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=_guarded, args=(run_session, s, rgba, predict)) for s in sessions]
    with apptests_in_threads():
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    wall = time.perf_counter() - started
    return sessions, wall, monitor.stop()


def _guarded(fn, session, *args):
    try:
        fn(session, *args)
    except Exception as error:  # noqa: BLE001 - reported per session
        session.problems.append(f"{type(error).__name__}: {error}")
        session.traceback = traceback.format_exc()


# --- prediction latency while another session trains -----------------------------------------------

def latency_under_training(predictions=20, page_runs=3, hidden=100, maxiter=300):
    """Time Draw-page predictions while a thread trains a hidden-100 network (stopped after)."""
    from streamlit.testing.v1 import AppTest

    split = state.get_split("mnist-20x20")
    net = state.default_result().network
    rgba = drawing_rgba()
    stop, steps = threading.Event(), []

    def on_step(step, _network):
        steps.append(step)
        return stop.is_set()

    trainer = threading.Thread(target=lambda: nn_core.train(
        split.train.X, split.train.y, hidden_size=hidden, maxiter=maxiter, seed=7, callback=on_step))

    def measure():
        core = []
        for _ in range(predictions):
            t = time.perf_counter()
            x = nn_core.prepare_drawing(rgba, (20, 20))
            net.predict_proba(x)
            core.append(time.perf_counter() - t)
        page = []
        for _ in range(page_runs):
            at = AppTest.from_file(DRAW_PAGE, default_timeout=300)
            at.session_state["draw_canvas_0"] = canvas_value(rgba)
            t = time.perf_counter()
            at.run()
            page.append(time.perf_counter() - t)
            assert not at.exception and shown_answer(at) is not None
        return core, page

    idle_core, idle_page = measure()  # the same, with nothing else running
    trainer.start()
    while not steps and trainer.is_alive():  # wait until training is really under way
        time.sleep(0.01)
    busy_core, busy_page = measure()
    iterations_during = len(steps)
    stop.set()
    trainer.join()
    return {"idle_core": idle_core, "idle_page": idle_page, "busy_core": busy_core,
            "busy_page": busy_page, "training_iterations_meanwhile": iterations_during}


# --- the report ---------------------------------------------------------------------------------------

def describe(sessions, wall, monitor):
    lines = [f"{len(sessions)} sessions at once: wall time {wall:.1f} s, peak memory "
             f"{monitor.peak_mb:.0f} MB resident (+{monitor.peak_mb - monitor.start_mb:.0f} MB over "
             f"the {monitor.start_mb:.0f} MB before; process max RSS "
             f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"]
    for s in sessions:
        lines.append(f"  session {s.index:2d}: {s.settings.label():60s} run #{s.run_id}  "
                     f"val {s.validation:>6s}  draw says {s.answer} (model: {s.expected_answer})  "
                     f"{s.seconds:5.1f} s  {'ok' if s.ok else 'WRONG: ' + '; '.join(s.problems)}")
    ok = sum(s.ok for s in sessions)
    lines.append(f"  {ok} of {len(sessions)} sessions got exactly their own results")
    return "\n".join(lines)


def describe_latency(lat):
    def fig(xs):
        return f"median {1000 * statistics.median(xs):.1f} ms, max {1000 * max(xs):.1f} ms"
    return "\n".join([
        "Draw-page prediction while another session trains (hidden 100, 3,500 digits):",
        f"  prepare_drawing + predict_proba, idle:     {fig(lat['idle_core'])}",
        f"  prepare_drawing + predict_proba, training: {fig(lat['busy_core'])}",
        f"  whole Draw page (AppTest run), idle:       {fig(lat['idle_page'])}",
        f"  whole Draw page (AppTest run), training:   {fig(lat['busy_page'])}",
        f"  the training thread made {lat['training_iterations_meanwhile']} iterations meanwhile",
    ])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--dataset", default="mnist-20x20", choices=nn_core.DATASETS)
    p.add_argument("--maxiter", type=int, default=20)
    args = p.parse_args(argv)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    sessions, wall, monitor = run_sessions(args.sessions, args.dataset, args.maxiter)
    print(describe(sessions, wall, monitor))
    print(describe_latency(latency_under_training()))
    return 0 if all(s.ok for s in sessions) else 1


if __name__ == "__main__":
    sys.exit(main())
