"""The parallel runner: a list of planned trainings, run on a thread pool, stoppable.

How it works
1. Each Job is one call of nn_core.train (its keyword arguments, which training rows, and an
   optional budget of cost-and-gradient evaluations). The longest jobs start first.
2. The jobs run two at a time on a thread pool (this machine has 2 cores). numpy's matrix
   products release the GIL and BLAS is held to one thread, so each training gets a core.
   Measured here (2 cores shared with other work at load 6-8; best of 5 interleaved rounds):
   the lambda sweep's 8 trainings took 7.9 s one after another, 5.7 s on 2 threads and 5.6 s
   on 2 forked processes (CPU 3.3, 2.6 and 3.0 s). Processes were no faster, so threads.
3. The calling thread reports progress(done, total), counted in optimizer iterations, about
   ten times a second. If progress returns True, running trainings stop at their next
   iteration, waiting ones never start, and the runner returns what had finished (None for
   the rest).
4. Each finished training is measured, in its own thread, on the examples it studied and on
   the validation set (a Trained).

Every training is seeded, so serial and parallel runs give the same numbers.
"""

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import DataFormatError
from ..network.cost import cost_terms, one_hot
from ..network.training import train

WORKERS = 2


@dataclass(frozen=True)
class Job:
    """One planned training: train's arguments, which training rows (None = all), an optional
    budget of cost-and-gradient evaluations (the optimizer race), and a factor every pixel is
    multiplied by, in training and in measuring (the input-scale experiment)."""

    kwargs: dict
    rows: np.ndarray = None
    max_evals: int = None
    scale: float = 1.0

    @property
    def units(self):  # how much progress this job reports when done
        return self.max_evals or self.kwargs["maxiter"]

    @property
    def weight(self):  # rough cost, to start the longest trainings first
        m = 1 if self.rows is None else len(self.rows)
        return self.units * int(np.sum(self.kwargs["hidden_size"])) * m


@dataclass(frozen=True)
class Trained:
    """A finished training and how it does: costs are J's data term (no lambda term), so
    values for different lambdas compare."""

    result: object  # nn_core.TrainResult
    train_accuracy: float
    validation_accuracy: float
    train_cost: float
    validation_cost: float


def run_trainings(X, y, validation, jobs, progress=None, workers=WORKERS):
    """Run every job; returns a list with a Trained per job, None where it did not finish.

    Threads, not processes: as fast here (see the module notes), and threads start at once,
    share X without copying, can be stopped in the middle of a training, and never fork the
    multi-threaded Streamlit server.
    """
    if len(validation.y) == 0:
        raise DataFormatError("every experiment is measured on validation digits, found none: the "
                              f"data set is too small to set some aside ({len(y)} training digits)")
    stop = threading.Event()
    done = [0] * len(jobs)
    total = sum(job.units for job in jobs)
    out = [None] * len(jobs)
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
    futures = {}
    # BLAS's thread count is one global setting: limit it once here, around all the workers.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        try:
            futures.update({pool.submit(_run_job, X, y, validation, jobs[i], stop, done, i): i
                            for i in order})
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for f in finished:
                    if not f.cancelled():
                        out[futures[f]] = f.result()
                if pending and not stop.is_set() and progress is not None and progress(sum(done), total):
                    stop.set()
                    for f in pending:
                        f.cancel()
        finally:  # after an error or an interruption, end running trainings at once
            stop.set()
            for f in futures:
                f.cancel()
    if progress is not None and all(t is not None for t in out):
        progress(total, total)
    return out


def _run_job(X, y, validation, job, stop, done, i):
    if job.rows is not None:
        X, y = X[job.rows], y[job.rows]
    if job.scale != 1.0:  # a scaled copy for this training only; the caller's X is shared
        X, validation = X * job.scale, _Scaled(validation.X * job.scale, validation.y)
    interrupted = []

    def callback(step, _network):
        done[i] = min(step.n_evals if job.max_evals else step.iteration, job.units)
        if stop.is_set():
            interrupted.append(True)
            return True
        return job.max_evals is not None and step.n_evals >= job.max_evals

    result = train(X, y, callback=callback, **job.kwargs)
    if interrupted:
        return None
    done[i] = job.units
    if job.max_evals is not None and result.stopped:
        result.stopped = False
        result.message = f"used its budget of {job.max_evals} cost-and-gradient evaluations"
    net = result.network
    return Trained(result, net.accuracy(X, y), net.accuracy(validation.X, validation.y),
                   _data_cost(net, X, y), _data_cost(net, validation.X, validation.y))


@dataclass(frozen=True)
class _Scaled:
    X: np.ndarray
    y: np.ndarray


def _data_cost(net, X, y):
    return cost_terms(net, X, one_hot(y), 0.0)[0]


def run_on(split, jobs, progress=None, workers=WORKERS):
    """run_trainings on a Split: jobs train on split.train, and are measured on split.validation."""
    return run_trainings(split.train.X, split.train.y, split.validation, jobs, progress, workers)


def finished(values, trained):
    """The planned values that finished, and their Trained, in plan order."""
    keep = [k for k, t in enumerate(trained) if t is not None]
    return np.asarray(values)[keep], [trained[k] for k in keep]


def column(trained, name):
    """One measurement (a Trained field such as "validation_accuracy") of each training."""
    return np.array([getattr(t, name) for t in trained], dtype=float)
