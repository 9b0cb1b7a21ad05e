"""The Train page's plumbing: its knobs (mirrored in the URL), start weights, and training you can
watch and stop.

How a training run works
1. The Train button starts a worker thread that calls state.cached_train(settings, _init,
   _on_step). The page's own script thread stays free to draw.
2. After every iteration the worker's _on_step appends the step to the job, which lives in
   st.session_state["train_job"], and tells nn_core.train whether to stop (True keeps the
   weights reached so far).
3. The script thread polls the job every 0.25 s and redraws the progress bar and the cost curve.
   Those redraws are its only Streamlit calls, and Streamlit interrupts a script at its next call
   when the user clicks anything (Stop included): the `finally` then asks the worker to stop.
4. The next run finds the job left in st.session_state, waits for the worker (one iteration at
   most) and keeps the weights reached as a run "stopped by you after N iterations": made active
   if that run is the Train page's (Stop), only added to the history if the user went to another
   page (state.active_run calls job.keep_elsewhere()).
Nothing is drawn from inside the cached function, so a cache hit has nothing to replay.
"""

import hashlib
import threading
import time
from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

import nn_core
from nn_core.seed_files import read_seed_weights

from . import charts, figs_train, state
from .settings import DEFAULT, FIELD_NAMES, HIDDEN_MAX, LR_MAX, MAXITER_MAX, SEED_MAX, from_query, to_query

LAMBDAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
KEYS = {"dataset": "train_dataset", "hidden": "train_hidden", "lambd": "train_lambd",
        "maxiter": "train_maxiter", "method": "train_method", "seed": "train_seed",
        "learning_rate": "train_lr"}
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REDRAW_EVERY = 0.25  # seconds between progress redraws while training


# --- the knobs ---------------------------------------------------------------------------------

def _remembered():
    """The settings to show: the last ones used in this session, else the URL's (a shared link)."""
    if "train_settings" not in st.session_state:
        st.session_state["train_settings"] = from_query(st.query_params)
    return st.session_state["train_settings"]


def _prime_widgets(saved, names):
    """Give each widget its remembered value when it has none (first run, or back from a page)."""
    for name, key in KEYS.items():
        if key not in st.session_state:
            st.session_state[key] = getattr(saved, name)
    if st.session_state[KEYS["dataset"]] not in names:
        st.session_state[KEYS["dataset"]] = names[0]


def dataset_ui(names):
    """The data set picker (first, since the start weights must fit its input size)."""
    _prime_widgets(_remembered(), names)
    return st.selectbox("data set", names, key=KEYS["dataset"],
                        help="mnist-20x20 is the closest to the tutorial's 20x20 digits.")


def settings_ui(start):
    """Hidden size, λ, maxiter, method (+ learning rate for GD) and seed -> Settings.

    start: (network or None, init) from start_weights_ui; its weights fix the hidden size.
    """
    saved = _remembered()
    fixed_hidden = start[0].n_hidden if start[0] is not None else None
    c1, c2 = st.columns(2)
    lam_key = KEYS["lambd"]
    options = sorted(set(LAMBDAS) | {float(st.session_state[lam_key])})
    if fixed_hidden is not None:  # show the size that will be used
        st.session_state[KEYS["hidden"]] = min(fixed_hidden, HIDDEN_MAX)
    with c1:
        hidden = st.slider("hidden units", 1, HIDDEN_MAX, key=KEYS["hidden"],
                           disabled=fixed_hidden is not None,
                           help="How many features the wizard may invent (the tutorial: 25).")
        if fixed_hidden is not None:
            st.caption(f"Your start weights have {fixed_hidden} hidden units, so that is the size.")
            hidden = fixed_hidden
        lambd = st.select_slider("λ (regularization)", options, key=lam_key,
                                 format_func=lambda v: f"{v:g}",
                                 help="How much big weights cost. 0 = no penalty; the tutorial: 0.1.")
        maxiter = st.slider("maxiter (iterations)", 1, MAXITER_MAX, key=KEYS["maxiter"],
                            help="How many steps the optimizer may take (the tutorial: 20).")
    with c2:
        method = st.radio("method", nn_core.METHODS, key=KEYS["method"], horizontal=True,
                          help="L-BFGS-B is the tutorial's. GD is plain gradient descent.")
        lr = DEFAULT.learning_rate
        if method == "GD":
            lr = st.number_input("learning rate (GD only)", 1e-4, LR_MAX, key=KEYS["learning_rate"],
                                 step=0.1, format="%g",
                                 help="Step size: W ← W − learning rate × gradient.")
        seed = st.number_input("seed (random start)", 0, SEED_MAX, key=KEYS["seed"], step=1,
                               disabled=start[0] is not None)
    settings = replace(saved, dataset=st.session_state[KEYS["dataset"]], hidden=int(hidden),
                       lambd=float(lambd), maxiter=int(maxiter), method=method,
                       learning_rate=float(lr), seed=int(seed), init=start[1])
    if method != "GD":  # keep the last GD learning rate for when GD is picked again
        settings = replace(settings, learning_rate=saved.learning_rate)
    st.session_state["train_settings"] = settings
    return _cache_key(settings)


def _cache_key(settings):
    """The learning rate only matters for GD: other methods share one cache entry."""
    return settings if settings.method == "GD" else replace(settings, learning_rate=DEFAULT.learning_rate)


def mirror_in_url(settings):
    """Write the settings into the URL (only what differs from the defaults) and show the link."""
    wanted = to_query(settings)
    for name in FIELD_NAMES:
        if name in wanted and st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and name in st.query_params:
            del st.query_params[name]
    query = "&".join(f"{k}={v}" for k, v in wanted.items())
    base = st.context.url or ""
    st.caption("Copy this link to share these settings (your start weights are not in it):")
    st.code(base + ("?" + query if query else ""), language=None)


# --- start weights -----------------------------------------------------------------------------

@st.cache_data(max_entries=4, show_spinner="Reading your weights…")
def _parse_weights(w1_bytes, w2_bytes, n_inputs):
    """Parsed once per file content: a 50 MB W1.in is not read again on every rerun."""
    return read_seed_weights(w1_bytes, w2_bytes, n_inputs=n_inputs)


def start_weights_ui(n_inputs):
    """Where training starts: random weights, uploaded W1.in/W2.in, or data/W1.in & W2.in.

    Returns (network or None, init): init is Settings.init ("random" or "weights:<sha1>").
    Bad files show st.error (expected vs found) and return (None, None): nothing to train from.
    """
    choices = {"random": "small random weights (from the seed)", "upload": "my W1.in and W2.in"}
    if (DATA_DIR / "W1.in").exists() and (DATA_DIR / "W2.in").exists():
        choices["data"] = "data/W1.in and data/W2.in"
    choice = st.radio("start from", list(choices), format_func=choices.get, key="train_start")
    if choice == "random":
        return None, "random"
    if choice == "upload":
        up1, up2 = st.columns(2)
        w1 = up1.file_uploader("W1.in", key="train_w1")
        w2 = up2.file_uploader("W2.in", key="train_w2")
        if w1 is None or w2 is None:
            st.info("Upload both W1.in and W2.in (comma-separated, bias column first).")
            return None, None
        w1, w2 = w1.getvalue(), w2.getvalue()
    else:
        w1, w2 = (DATA_DIR / "W1.in").read_bytes(), (DATA_DIR / "W2.in").read_bytes()
    try:
        net = _parse_weights(w1, w2, n_inputs)
    except nn_core.DataFormatError as error:
        st.error(f"These start weights do not fit: {error}")
        return None, None
    digest = hashlib.sha1(net.W1.tobytes() + net.W2.tobytes()).hexdigest()
    st.caption(f"Start weights: {net.n_inputs}-{net.n_hidden}-10 (sha1 {digest[:10]}…).")
    return net, "weights:" + digest


# --- training you can watch and stop -----------------------------------------------------------

class TrainingJob:
    """One training run in a worker thread; the script thread reads .steps while it grows."""

    def __init__(self, settings, init=None):
        self.settings, self.init = settings, init
        self.steps = []  # nn_core Steps, appended by the worker after every iteration
        self.stop = threading.Event()
        self.result = None
        self.error = None
        self.drawn = 0  # how many steps the progress display has shown
        self.draw_seconds = 0.0  # time the script thread spent redrawing (to keep it small)
        self.last_draw = 0.0  # seconds the last redraw took
        self.thread = threading.Thread(target=self._work, name="train-worker", daemon=True)
        # The worker reads st.session_state (the user's data set), so it needs the session.
        add_script_run_ctx(self.thread, get_script_run_ctx())

    def _on_step(self, step, network):
        self.steps.append(step)
        return self.stop.is_set()  # True asks nn_core.train to stop and keep these weights

    def _work(self):
        try:
            self.result = state.cached_train(self.settings, _init=self.init, _on_step=self._on_step)
        except state.TrainingInterrupted as stopped:
            self.result = stopped.result
        except Exception as error:  # noqa: BLE001 - handed to the script thread by finish()
            self.error = error

    def keep_elsewhere(self):
        """Keep a run cut short because the user left the Train page (any page calls this through
        state.active_run): into the history, not made active, since the user never saw it end."""
        self.stop.set()
        self.thread.join()
        run, level, text = finish(self, activate=False)
        if run is None or level == "error":
            toast = f"Training stopped when you left the Train page. {text}"
        else:
            text += " It is in your runs below; make it active there if you want it."
            toast = (f"Run #{run.id} kept: training stopped after {run.result.n_iterations} iterations "
                     "when you left the Train page. Make it active there if you want it.")
        st.session_state["train_message"] = (level, text)
        st.toast(toast, icon=":material/stop_circle:")

    @property
    def from_cache(self):
        """A finished job whose callback never ran although its result has several iterations:
        cached_train returned an earlier result. (A run that blew up at its first iteration
        also has no callbacks, but only one iteration: it is never called a cache hit.)"""
        return self.result is not None and not self.steps and self.result.n_iterations > 1


def run_and_watch(job, bar, curve, every=REDRAW_EVERY):
    """Start the job and redraw its progress at most every `every` seconds until it ends.

    If Streamlit interrupts this (Stop, or any other click), the job stays in st.session_state
    for collect_leftover() on the next run, and the `finally` stops the worker.
    """
    st.session_state["train_job"] = job
    job.thread.start()
    try:
        while job.thread.is_alive():
            # Wait 0.25 s, or longer if drawing got slow: redraws stay under 1/5 of the time.
            job.thread.join(max(every, 4 * job.last_draw))
            draw_progress(job, bar, curve)
    finally:
        job.stop.set()
    del st.session_state["train_job"]
    bar.empty()
    curve.empty()


def draw_progress(job, bar, curve):
    steps = job.steps[:]  # the worker keeps appending; draw one consistent snapshot
    if len(steps) == job.drawn:
        return
    started = time.perf_counter()
    job.drawn = len(steps)
    last = steps[-1]
    bar.progress(min(1.0, last.iteration / job.settings.maxiter),
                 text=f"iteration {last.iteration} of {job.settings.maxiter} · J = {last.cost:.4f} "
                      f"· {last.seconds:.1f} s")
    columns = {k: [getattr(s, k) for s in steps] for k in ("iteration", "cost", "grad_norm")}
    charts.show(curve, figs_train.live_cost_figure(columns, job.settings.maxiter),
                       key=f"train_live_{len(steps)}")
    job.draw_seconds += time.perf_counter() - started
    job.last_draw = time.perf_counter() - started


def collect_leftover():
    """A job interrupted on the previous run (Stop): wait for its worker and return it, or None."""
    job = st.session_state.pop("train_job", None)
    if job is not None:
        job.stop.set()
        job.thread.join()
    return job


# --- the outcome -------------------------------------------------------------------------------

def finish(job, activate=True):
    """Turn a finished job into a run in the history -> (run or None, level, message).

    level is "success", "warning" or "error" (st.success/st.warning/st.error). A run whose
    cost blew up or went uphill is kept in the history but not made active.
    """
    if job.error is not None:
        if isinstance(job.error, nn_core.DataFormatError):
            return None, "error", f"Training could not start: {job.error}"
        raise job.error
    result, settings = job.result, job.settings
    level, text = verdict(result, settings, job.init)
    if job.from_cache:
        text = "Same settings as an earlier run, so the result came from the cache, instantly. " + text
    run = state.make_run(settings, result, note=result.message)
    state.add_run(run, activate=activate and level != "error")
    if level == "error":
        text += " Your previous model stays active."
    return run, level, f"Run #{run.id}: {text}"


def verdict(result, settings, init):
    """What happened in plain words, and what to try."""
    n = result.n_iterations
    if result.diverged:
        return "error", f"Training went wrong at iteration {n}: {result.message}."  # with advice
    J0 = initial_cost(settings, init)
    if result.final_cost > J0:
        return "error", (f"The cost went up, from {J0:.3f} at the start to {result.final_cost:.3f}: "
                         "each step overshot the valley and landed higher up the other side. Try a "
                         "learning rate 10 times smaller, or L-BFGS-B, which picks its own steps.")
    if result.stopped:
        return "warning", f"{result.message.capitalize()}: the weights reached so far are kept."
    if result.converged:
        return "success", f"Converged after {n} iterations: {result.message}."
    return "warning", (f"Stopped at maxiter = {settings.maxiter} before J stopped falling "
                       f"(J = {result.final_cost:.4f}); more iterations may help.")


def initial_cost(settings, init):
    """J at the start weights (the same ones nn_core.train starts from)."""
    split = state.get_split(settings.dataset)
    X, y = split.train.X, split.train.y
    start = init if init is not None else nn_core.Network.random(X.shape[1], settings.hidden,
                                                                 seed=settings.seed)
    return nn_core.cost_and_gradient(start, X, y, settings.lambd)[0]


def show_message(message):
    if message is not None:
        level, text = message
        getattr(st, level)(text)


# --- the history table -------------------------------------------------------------------------

HISTORY_COLUMNS = {
    "run": st.column_config.NumberColumn("run", format="#%d", width="small"),
    "active": st.column_config.CheckboxColumn("active", width="small"),
    "train": st.column_config.NumberColumn("train %", format="%.1f"),
    "validation": st.column_config.NumberColumn("validation %", format="%.1f"),
    "test": st.column_config.NumberColumn("test %", format="%.1f"),
    "seconds": st.column_config.NumberColumn("seconds", format="%.1f"),
}


def history_rows(runs, active_id):
    """One row per run for st.dataframe: settings, accuracies (%), iterations, time, message."""
    return [{"run": r.id, "active": r.id == active_id, "settings": r.settings.label(r.result.n_iterations),
             "train": 100 * r.accuracy["train"], "validation": 100 * r.accuracy["validation"],
             "test": 100 * r.accuracy["test"], "iterations": r.result.n_iterations,
             "seconds": r.result.seconds, "message": r.result.message} for r in runs]
