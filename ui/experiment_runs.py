"""Running the Experiments page's experiments: the shared knobs, and each experiment's job.

How it works
1. settings_ui draws the knobs every experiment shares (data set, hidden units, λ, maxiter,
   seed), starting from the active model's settings.
2. section draws one experiment's Run button. A click starts the experiment as a job
   (ui.jobs) in a worker thread, or takes its finished outcome from a cache shared by every
   session (keyed by the settings and the data), so the same settings again cost nothing.
3. While the job runs, a fragment redraws its progress bar and Stop button; Stop keeps the
   trainings that had finished.
4. When the job has ended, the next page run collects it: its Outcome goes to
   st.session_state["exp_outcomes"] (so it survives reruns and page switches), or nn_core's
   refusal of the settings to st.session_state["exp_{name}_error"], keeping earlier results.
"""

import hashlib
import time
from dataclasses import dataclass, fields, is_dataclass, replace

import numpy as np
import streamlit as st

from nn_core import DATASETS, HIDDEN_RANGE

from . import glossary, jobs, state
from .settings import DEFAULT, LAMBDA_MAX, MAXITER_MAX, SEED_MAX

OUTCOMES_KEY = "exp_outcomes"


# --- the shared knobs ---------------------------------------------------------------------------

def _within(value, lo, hi, otherwise):
    """value if it is in [lo, hi], else otherwise: a widget's start must lie in its range."""
    return value if lo <= value <= hi else otherwise


def settings_ui(active, names):
    """The active model's settings with dataset, hidden, λ, maxiter and seed overridable.

    A model that was not trained here (uploaded weights carry maxiter 0) starts the knobs it
    has no value for at the defaults, and the caption says so.
    """
    c = st.columns(5)
    dataset = c[0].selectbox("data set", names, key="exp_dataset",
                             index=names.index(active.dataset) if active.dataset in names else 0)
    # A deeper active model: the knob is its first layer's size, the layers after it are kept.
    layers = active.hidden_size if isinstance(active.hidden_size, tuple) else (active.hidden_size,)
    hidden = c[1].number_input("hidden units" if len(layers) == 1 else "hidden units, layer 1",
                               *HIDDEN_RANGE, key="exp_hidden",
                               value=_within(layers[0], *HIDDEN_RANGE, DEFAULT.hidden_size))
    lambd = c[2].number_input("λ", 0.0, LAMBDA_MAX, value=_within(float(active.lambd), 0.0, LAMBDA_MAX,
                                                                  DEFAULT.lambd),
                              step=0.1, format="%g", key="exp_lambd")
    maxiter = c[3].number_input("maxiter", 1, MAXITER_MAX, key="exp_maxiter",
                                help=glossary.explain("maxiter"),
                                value=_within(active.maxiter, 1, MAXITER_MAX, DEFAULT.maxiter))
    seed = c[4].number_input("seed", 0, SEED_MAX, value=_within(active.seed, 0, SEED_MAX, DEFAULT.seed),
                             key="exp_seed")
    if not 1 <= active.maxiter <= MAXITER_MAX:
        glossary.caption(st, f"The active model was not trained here ({active.maxiter} iterations on this "
                   f"dashboard), so maxiter starts at {DEFAULT.maxiter}.")
    hidden_size = int(hidden) if len(layers) == 1 else (int(hidden), *layers[1:])
    return replace(active, dataset=dataset, hidden_size=hidden_size, lambd=float(lambd),
                   maxiter=int(maxiter), seed=int(seed), init="random")


def data_key(name, split):
    """Built-in data sets by name; the user's own data by a hash of its training part."""
    if name in DATASETS:
        return name
    h = hashlib.blake2b(np.ascontiguousarray(split.train.X).data, digest_size=16)  # no copy of X
    h.update(np.ascontiguousarray(split.train.y).data)
    return name + ":" + h.hexdigest()


# --- outcomes, kept in the session and in a shared cache ----------------------------------------

@dataclass(frozen=True)
class Outcome:
    settings: object  # ui.settings.Settings the experiment started from
    result: object  # the nn_core.experiments result
    seconds: float
    cached: bool
    image_shape: tuple


def outcomes():
    """Every experiment's latest outcome in this session, by name (read only: see _keep)."""
    return st.session_state.get(OUTCOMES_KEY, {})


def _keep(name, outcome):
    st.session_state.setdefault(OUTCOMES_KEY, {})[name] = outcome


@st.cache_resource(max_entries=64, ttl=6 * 3600, show_spinner=False)
def _finished(name, settings, key):
    """A box for one experiment's finished result, shared by every session and filled once.

    It is filled outside this function, so a cache hit has no progress bar to replay.
    """
    return {}


def _freeze(result):
    """Results are shared by every session through the cache: make their arrays read-only."""
    for f in fields(result):
        value = getattr(result, f.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, np.ndarray):
                item.setflags(write=False)
            elif hasattr(item, "network"):  # a TrainResult
                state.freeze(item.network)
            elif is_dataclass(item):
                _freeze(item)
    return result


def is_empty(result):
    """True when the experiment was stopped before any training finished."""
    return not any(len(getattr(result, n, ())) for n in ("values", "lanes", "names", "lambdas", "sizes"))


# --- the job: start, watch, collect -------------------------------------------------------------

def job_key(name):
    return f"exp_job_{name}"


def running(name):
    """True while this session's run of experiment `name` goes on."""
    job = jobs.current(job_key(name))
    return job is not None and job.running


def run_experiment(name, settings, split, data_name, compute, unit="iterations"):
    """Start compute(progress) as a job (ui.jobs), or take its outcome from the cache at once.

    progress(done, total) is the job's report: True once Stop was pressed or the browser session
    ended, and the experiment then returns the trainings that finished. A complete outcome is
    shared with every session through the cache; a stopped one stays in this session only.
    """
    box = _finished(name, settings, data_key(data_name, split))
    if "outcome" in box:
        _keep(name, replace(box["outcome"], cached=True))
        return
    st.session_state.pop(f"exp_{name}_error", None)

    def work(job):
        start = time.perf_counter()
        result = compute(lambda done, total: job.report(done, total, unit=unit))
        outcome = Outcome(settings, _freeze(result), time.perf_counter() - start, False,
                          split.train.image_shape)
        if result.complete:
            box["outcome"] = outcome
        return outcome

    jobs.start(job_key(name), name, work)


def watch_experiment(name):
    """The running experiment's progress bar and Stop button, redrawn by a fragment."""
    jobs.watch(job_key(name), lambda job: _draw_progress(name, job))


def _draw_progress(name, job):
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    stop_col.button("Stop", key=f"exp_{name}_stop", on_click=job.request_stop,
                    disabled=job.stop_requested, help="Stop now; keep the trainings that finished.")
    unit = job.info.get("unit", "iterations")
    text = (f"{job.done:,} of {job.total:,} {unit} · {time.perf_counter() - job.started:.0f} s"
            if job.done else "starting…")
    bar_col.progress(min(1.0, job.done / job.total), text=text)


def collect_experiment(name):
    """Keep the outcome of an experiment that ended since the last run (or its error)."""
    outcome, refusal = jobs.collect(job_key(name))
    if refusal is not None:  # settings nn_core refuses: keep earlier results
        st.session_state[f"exp_{name}_error"] = refusal
    elif outcome is not None:
        _keep(name, outcome)


def error(name):
    """Why the last run of experiment `name` could not start, or None."""
    return st.session_state.get(f"exp_{name}_error")


def status_caption(name):
    """How the outcome was obtained, in one line."""
    o = outcomes()[name]
    how = "from the cache (same settings as before)" if o.cached else f"in {o.seconds:.1f} s"
    done = "" if o.result.complete else " · **stopped early: only the finished trainings are shown**"
    return f"Settings: {o.settings.label()} · computed {how}{done}"


def section(name, label, settings, split, compute, unit="iterations"):
    """One experiment's button, progress and status; its outcome (this session's latest) or None.

    compute(progress) runs the experiment on split with the settings (see run_experiment).
    """
    collect_experiment(name)
    st.button(label, key=f"exp_{name}_run", type="primary", disabled=running(name),
              on_click=run_experiment, args=(name, settings, split, settings.dataset, compute, unit))
    watch_experiment(name)
    if error(name):
        st.error(f"This experiment could not run with these settings: {error(name)}")
    if name not in outcomes():
        st.caption("Running…" if running(name) else "Not run yet in this session.")
        return None
    st.caption(status_caption(name))
    if is_empty(outcomes()[name].result):
        st.warning("Stopped before any training had finished: nothing to show yet.")
        return None
    return outcomes()[name]
