"""Caches and session state: which data, which model, which runs.

- Datasets and their splits: st.cache_resource, loaded once per process and shared by every
  session as the same read-only arrays (st.cache_data would unpickle a fresh ~15 MB copy on
  every call, hundreds of MB of churn per visitor that glibc's per-thread arenas keep).
- The default model (mnist-20x20, 400-25-10 sigmoid, lambda 1, 50 iterations, seed 0):
  st.cache_resource, trained once per server process and shared by every
  session, so its weight arrays are made read-only: nobody can change it.
- Other trained models: st.cache_resource keyed by their Settings, bounded
  (max_entries, ttl) so memory stays flat on a busy classroom server.
- The user's own runs and the active model: st.session_state, so they survive
  page switches and reruns, written through to the workspace's database (ui/workspace.py)
  so they also survive a reload, a reconnect and a server restart.
"""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

import nn_core
from nn_core import DATASETS, load_dataset, split_dataset

from . import workspace
from .settings import DEFAULT, Settings

MAX_RUNS = 30  # per workspace; the oldest runs are dropped beyond this (in memory and stored)
DATA_DIR = Path(__file__).resolve().parents[1] / "data"  # where the tutorial's files may be put


def weights_init(network):
    """Settings.init of a run that starts from (or is) these weights: "weights:" + their sha1, so
    the same weights uploaded twice are recognised as the same run. Beyond the tutorial's kind of
    network the activation and output are hashed too: the same numbers through other functions
    are another start."""
    digest = hashlib.sha1(b"".join(W.tobytes() for W in network.weights))
    if not network.is_tutorial_shape:
        digest.update(f"{network.activation} {network.output}".encode())
    return "weights:" + digest.hexdigest()


def _next_run_id():
    """Run numbers count per session (#1, #2, …), whoever else uses the server."""
    n = st.session_state.get("next_run_id", 1)
    st.session_state["next_run_id"] = n + 1
    return n


@st.cache_resource(show_spinner="Loading the digits…", max_entries=8)
def builtin_dataset(name):
    """A built-in data set, shared by every session: its X and y are read-only views."""
    return load_dataset(name)


@st.cache_resource(show_spinner=False, max_entries=8)
def builtin_split(name):
    """Its train / validation / test parts, shared too: every array in them is read-only, so a
    page that tried to change the shared digits would fail loudly instead of changing them for
    everyone."""
    split = split_dataset(builtin_dataset(name), seed=0)
    for indices in (split.train_indices, split.validation_indices, split.test_indices):
        indices.setflags(write=False)
    return split


def dataset_names():
    """The built-in data sets, plus the user's uploaded X.in/y.in when there is one."""
    user = st.session_state.get("user_data")
    return list(DATASETS) + ([user.name] if user is not None else [])


def get_dataset(name):
    user = st.session_state.get("user_data")
    if user is not None and name == user.name:
        return user
    return builtin_dataset(name)


def get_split(name):
    user = st.session_state.get("user_data")
    if user is not None and name == user.name:
        if st.session_state.get("user_split_of") is not user:
            st.session_state["user_split"] = split_dataset(user, seed=0)
            st.session_state["user_split_of"] = user
        return st.session_state["user_split"]
    return builtin_split(name)


def freeze(network):
    """Make a shared network read-only: a page that tries to change it fails loudly."""
    for W in network.weights:
        W.setflags(write=False)
    return network


class TrainingInterrupted(Exception):
    """Training ended early (Stop pressed); carries the partial result, which is not cached."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


def _train(settings, init, on_step):
    split = get_split(settings.dataset)
    # Every knob through experiments.Base.kwargs: the architecture (hidden_size, activation,
    # output) with the rest, so a deep network trains from the same settings as the tutorial's.
    result = nn_core.train(split.train.X, split.train.y, init=init, callback=on_step,
                           **settings.kwargs())
    freeze(result.network)
    if result.stopped:
        raise TrainingInterrupted(result)
    return result


@st.cache_resource(show_spinner="The wizard is studying 3,500 digits (default model)…")
def default_result():
    """The shared default model, trained once per server process."""
    return _train(DEFAULT, None, None)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3 * 3600)
def cached_train(settings, _init=None, _on_step=None):
    """A trained model for these settings; the same settings again are instant.

    _init and _on_step are left out of the cache key (leading underscore): the
    start weights are identified by settings.init, and progress is only display.
    """
    if settings == DEFAULT and _init is None:
        return default_result()
    return _train(settings, _init, _on_step)


@dataclass
class Run:
    """One trained model of this session, with what the history table shows."""

    id: int
    settings: Settings
    result: nn_core.TrainResult
    accuracy: dict  # "train", "validation", "test" -> fraction
    created: float = field(default_factory=time.time)
    note: str = ""

    @property
    def network(self):
        return self.result.network

    @property
    def label(self):
        return f"#{self.id} · {self.settings.label(self.result.n_iterations)}"


def evaluate(network, split):
    return {
        part: network.accuracy(getattr(split, part).X, getattr(split, part).y)
        for part in ("train", "validation", "test")
    }


def measured(accuracy):
    """False for None or NaN: there were no digits to measure it on (an empty part of a split)."""
    return accuracy is not None and accuracy == accuracy


def percent(accuracy, spec=".1%"):
    """An accuracy for st.metric: "93.6%", or "—" when there was nothing to measure it on."""
    return format(accuracy, spec) if measured(accuracy) else "—"


def make_run(settings, result, note="", run_id=None):
    split = get_split(settings.dataset)
    return Run(_next_run_id() if run_id is None else run_id, settings, result,
               evaluate(result.network, split), note=note)


@st.cache_resource(show_spinner=False)
def default_run():
    """The default model as a Run (id 0), with its accuracies measured once per process."""
    return make_run(DEFAULT, default_result(), note="the shared default model", run_id=0)


def runs():
    """This session's runs, oldest first (created on first use)."""
    return st.session_state.setdefault("runs", [])


def add_run(run, activate=True):
    history = runs()
    history.append(run)
    if activate:
        st.session_state["active_run_id"] = run.id
    # Drop the oldest runs beyond MAX_RUNS, but never the active one.
    active = st.session_state.get("active_run_id")
    while len(history) > MAX_RUNS:
        oldest = next(r for r in history if r.id != active)
        history.remove(oldest)
    if activate:  # first, so the store never drops the run about to become active
        workspace.save_active(run.id)
    workspace.save_run(run, keep=MAX_RUNS)
    return run


def active_run():
    """The model every page uses: the one the user made active, else the shared default."""
    wanted = st.session_state.get("active_run_id")
    for run in runs():
        if run.id == wanted:
            return run
    return default_run()


def set_active(run_id):
    st.session_state["active_run_id"] = run_id
    workspace.save_active(run_id)
