"""Long work off the script thread: jobs a page starts, watches and stops.

How it works
1. start(key, work) runs work(job) in a worker thread and keeps the Job in
   st.session_state[key], so it outlives the script run that started it: a click elsewhere,
   a page switch or Streamlit's own Stop in the header cancels nothing.
2. The work reports with job.report(done, total, **info) after each step; report returns True
   when the work should stop and keep what it has: the user pressed the page's Stop
   (job.request_stop()), or the job's browser session has ended (tab closed, page reloaded),
   which is checked with Streamlit's runtime at every report.
3. The page draws the job from watch(key, draw), an st.fragment that reruns every
   POLL_SECONDS while the job runs: each poll only reads a snapshot of the job, so no script
   run lasts more than a moment. When the job ends, the whole page reruns once to show it.
4. A finished job keeps its result (or the error that ended it) until the page takes it with
   collect(key): a refusal by nn_core becomes a message to show, any other error is raised.
Nothing in the worker draws: it only computes and reports.
"""

import threading
import time
from dataclasses import dataclass, field

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from nn_core import DataFormatError

POLL_SECONDS = 0.5


@dataclass
class Job:
    """One piece of long work: its progress, and its result or error once it has ended."""

    name: str
    session_id: str | None = None
    done: int = 0
    total: int = 1
    info: dict = field(default_factory=dict)  # what the work last reported, for the page
    result: object = None
    error: BaseException | None = None
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0
    stop_reason: str | None = None  # "you" (Stop pressed) or "session ended"
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _ended: threading.Event = field(default_factory=threading.Event, repr=False)
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self):
        return not self._ended.is_set()

    def report(self, done, total, **info):
        """Called by the work after each step; True means: stop now and keep what you have."""
        self.done, self.total, self.info = done, max(total, 1), info
        if not self._stop.is_set() and not _session_alive(self.session_id):
            self.stop_reason = "session ended"
            self._stop.set()
        return self._stop.is_set()

    @property
    def stop_requested(self):
        return self._stop.is_set()

    def request_stop(self):
        """The page's Stop: the work stops at its next report and keeps what it has."""
        if self.stop_reason is None:
            self.stop_reason = "you"
        self._stop.set()

    def wait(self, timeout=None):
        """Wait until the job has ended; True if it has."""
        return self._ended.wait(timeout)

    def _run(self, work):
        try:
            self.result = work(self)
        except Exception as error:  # noqa: BLE001 - kept for the page to show, never lost
            self.error = error
        finally:
            self.seconds = time.perf_counter() - self.started
            self._ended.set()


def _session_alive(session_id):
    """False once the browser session that started a job is gone (outside a server: True)."""
    if session_id is None or not runtime.exists():
        return True
    return runtime.get_instance().is_active_session(session_id)


def start(key, name, work):
    """Run work(job) in a worker thread, kept in st.session_state[key]; returns the Job.

    A job already running under key is asked to stop first (one job per key).
    """
    old = st.session_state.get(key)
    if isinstance(old, Job) and old.running:
        old.request_stop()
        old.wait()
    ctx = get_script_run_ctx()
    job = Job(name, session_id=None if ctx is None else ctx.session_id)
    job.thread = threading.Thread(target=job._run, args=(work,), name=f"job-{name}", daemon=True)
    # The work may read st.session_state or caches, which need to know their session.
    add_script_run_ctx(job.thread, ctx)
    st.session_state[key] = job
    job.thread.start()
    return job


def current(key):
    """The job under key, running or ended and not yet taken, or None."""
    job = st.session_state.get(key)
    return job if isinstance(job, Job) else None


def take(key):
    """The ended job under key, removed from the session (its result is the page's now)."""
    job = current(key)
    if job is None or job.running:
        return None
    del st.session_state[key]
    return job


def collect(key):
    """The ended job under key, taken -> (result, None), or (None, refusal) when nn_core refused
    its input (DataFormatError: the message to show, expected vs found). Any other error is raised
    here, on the script thread, where Streamlit reports it. (None, None) when no job has ended."""
    job = take(key)
    if job is None or job.error is None:
        return (None if job is None else job.result), None
    if isinstance(job.error, DataFormatError):
        return None, str(job.error)
    raise job.error


def watch(key, draw):
    """Draw the running job under key with draw(job) every POLL_SECONDS; rerun the page at its end.

    Call it where the progress belongs on the page. Returns nothing: once the job has ended,
    the page finds it with take(key) on its next run.
    """
    job = current(key)
    if job is None or not job.running:
        return

    @st.fragment(run_every=POLL_SECONDS)
    def poll():
        now = current(key)
        if now is None or not now.running:
            st.rerun()  # the whole page, which shows the result
        draw(now)

    poll()


def wait_for_jobs(session_state, timeout=300):
    """Wait until every job kept in session_state (st.session_state, or AppTest's) has ended.

    For tests and scripts that drive pages with AppTest, where no fragment polls: wait, then
    run the page again to show what the jobs left.
    """
    for value in list(session_state.values()):
        if isinstance(value, Job) and not value.wait(timeout):
            raise TimeoutError(f"the {value.name} job was still running after {timeout} s")
