"""Training: let an optimizer move W1 and W2 downhill on the cost J.

How it works
1. Start from small random weights (or weights you give, such as the tutorial's W1.in/W2.in).
2. Flatten W1, W2 into one vector theta; the optimizer only ever sees theta.
3. Each step, the optimizer asks for J(theta) and its gradient (one forward and
   one backward pass over all examples) and picks a better theta.
4. After every iteration we record J, the gradient's size and the time, call the
   callback (which may ask to stop) and watch for divergence (J becoming NaN/inf).

Methods: "L-BFGS-B" (the tutorial's choice: it remembers recent gradients to guess
the curvature), "CG", "TNC" (from scipy.optimize), and "GD", plain gradient descent
theta <- theta - learning_rate * gradient, to show why the tutorial did not use it.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from ..errors import DataFormatError
from .cost import Workspace, check_labels, check_lambda, cost_and_gradient_arrays, one_hot
from .network import Network, check_hidden_size, pack, unpack

METHODS = ("L-BFGS-B", "CG", "TNC", "GD")
DEFAULT_HIDDEN = 25  # the tutorial's hidden layer
MAX_ITER = 5000
DIVERGENCE_FACTOR = 10.0  # J above this multiple of its starting value counts as divergence


@dataclass(frozen=True)
class Step:
    """One optimizer iteration: where the cost stood and what it took to get there."""

    iteration: int
    cost: float
    grad_norm: float
    n_evals: int
    seconds: float


@dataclass
class TrainResult:
    network: Network
    history: list = field(default_factory=list)  # list of Step, one per iteration
    converged: bool = False
    message: str = ""
    seconds: float = 0.0
    stopped: bool = False  # stopped early by the callback
    diverged: bool = False  # the cost became NaN or infinite
    start_cost: float = float("nan")  # J at the start weights, before the first step

    @property
    def went_uphill(self):
        """True when J ended above where it started: the steps overshot (GD's too-large rate)."""
        return bool(self.history) and self.final_cost > self.start_cost

    @property
    def n_iterations(self):
        return len(self.history)

    @property
    def final_cost(self):
        return self.history[-1].cost if self.history else float("nan")

    def history_columns(self):
        """The history as columns (lists) for charts and tables."""
        names = ("iteration", "cost", "grad_norm", "n_evals", "seconds")
        return {k: [getattr(s, k) for s in self.history] for k in names}


class _Stop(Exception):
    """Raised inside the optimizer's callback to end training early."""


def _check_settings(X, y, hidden_size, lambd, maxiter, method, learning_rate):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise DataFormatError(f"X must be a 2-D array with at least one row, found shape {X.shape}")
    if not np.isfinite(X).all():
        raise DataFormatError("X must hold finite numbers, found NaN or infinity")
    y = check_labels(y, X.shape[0])
    if hidden_size is not None:
        check_hidden_size(hidden_size)
    if not (isinstance(maxiter, (int, np.integer)) and 1 <= maxiter <= MAX_ITER):
        raise DataFormatError(f"maxiter must be a whole number 1-{MAX_ITER}, found {maxiter!r}")
    if method not in METHODS:
        raise DataFormatError(f"method must be one of {', '.join(METHODS)}, found {method!r}")
    lr = float(learning_rate)
    if method == "GD" and not (np.isfinite(lr) and lr > 0):
        raise DataFormatError(f"learning_rate must be a number > 0, found {learning_rate!r}")
    return X, y, check_lambda(lambd), lr


def train(
    X,
    y,
    hidden_size=None,
    lambd=1.0,
    maxiter=50,
    seed=0,
    init=None,
    method="L-BFGS-B",
    callback=None,
    learning_rate=1.0,
):
    """Train a network on X (m, n) and labels y (0-9); returns a TrainResult.

    hidden_size: hidden units of a random start (25, the tutorial's, if not given).
    init: a Network to start from (it is copied, never changed) instead of
    Network.random(n, hidden_size, seed=seed); its W1 decides the hidden size, so a
    hidden_size that differs is refused rather than ignored. callback(step, network) is called
    after every iteration; if it returns True, training stops and keeps the
    weights reached so far.
    """
    X, y, lambd, learning_rate = _check_settings(X, y, hidden_size, lambd, maxiter, method, learning_rate)
    n = X.shape[1]
    if init is None:
        init = Network.random(n, DEFAULT_HIDDEN if hidden_size is None else hidden_size, seed=seed)
    elif not isinstance(init, Network):
        raise DataFormatError(f"init must be an nn_core.Network or None, found {type(init).__name__}")
    elif init.n_inputs != n:
        raise DataFormatError(
            f"start weights W1 must have {n + 1} columns for {n} inputs, found {init.W1.shape[1]}"
        )
    else:
        check_hidden_size(init.hidden_size, "start weights W1 (one row per hidden unit)")
        if hidden_size is not None and hidden_size != init.hidden_size:
            raise DataFormatError(f"hidden_size={hidden_size} contradicts the start weights, whose W1 "
                                  f"has {init.hidden_size} rows (hidden units): give one or the other")
    h = init.hidden_size
    Y = one_hot(y)
    # float32 X makes the two big products about 2x faster; everything else, J and the gradient
    # stay float64 (measured: same accuracy and convergence, benchmarks/train_speed.py).
    with np.errstate(over="ignore"):
        X32 = X.astype(np.float32)
    X_fast = X32 if np.isfinite(X32).all() else X  # values beyond float32's range: keep float64
    work = Workspace(X.shape[0], h, X_fast.dtype)
    state = {"evals": 0, "x": None, "J": None, "g": None, "theta": pack(init.W1, init.W2)}
    result = TrainResult(network=init.copy())
    start = time.perf_counter()

    def fun(theta):
        state["evals"] += 1
        J, dW1, dW2 = cost_and_gradient_arrays(*unpack(theta, n, h), X_fast, Y, lambd, work)
        g = pack(dW1, dW2)
        if not np.isfinite(J) or not np.all(np.isfinite(g)):
            result.diverged = True
            raise _Stop
        state.update(x=theta.copy(), J=J, g=g)
        state.setdefault("J0", J)
        return J, g

    def on_iteration(theta):
        theta = np.asarray(theta)
        if state["x"] is None or not np.array_equal(theta, state["x"]):
            fun(theta)  # the optimizer did not leave J(theta) behind: compute it
        step = Step(len(result.history) + 1, state["J"], float(np.linalg.norm(state["g"])),
                    state["evals"], time.perf_counter() - start)
        result.history.append(step)
        # The cost is computed stably, so an overshooting step size shows up as J exploding
        # rather than as NaN: far above where it started means the steps are too long.
        # The weights kept are the last ones before the blow-up.
        if step.cost > DIVERGENCE_FACTOR * state["J0"]:
            result.diverged = True
            raise _Stop
        state["theta"] = state["x"]
        if callback is not None and callback(step, Network(*unpack(state["theta"], n, h))):
            result.stopped = True
            raise _Stop
        if step.iteration >= maxiter:
            raise _Stop

    # One BLAS thread: on this shared 2-core machine two made L-BFGS-B's small vector operations
    # ~50x slower and the big products 2-5x slower (benchmarks/train_speed.py --threads-check).
    with threadpool_limits(limits=1, user_api="blas"):
        try:
            if method == "GD":
                converged, message = _gradient_descent(fun, on_iteration, state, learning_rate)
            else:
                opt = minimize(fun, state["theta"], jac=True, method=method,
                               callback=on_iteration, options=_options(method, maxiter))
                converged, message = bool(opt.success), str(opt.message)
                if not result.history or not np.array_equal(opt.x, state["theta"]):
                    on_iteration(opt.x)
        except _Stop:
            converged, message = False, f"reached maxiter = {maxiter} iterations"
    if result.diverged:
        message = ("the cost J blew up (it became NaN, infinite, or more than "
                   f"{DIVERGENCE_FACTOR:g}x its starting value), so training stopped: the steps "
                   "overshoot the valley. Try a smaller learning rate, or L-BFGS-B, which picks "
                   "its own step size")
    elif result.stopped:
        message = f"stopped by you after {result.n_iterations} iterations"
    result.converged = converged and not (result.diverged or result.stopped)
    result.message = message
    result.seconds = time.perf_counter() - start
    result.start_cost = state.get("J0", float("nan"))
    result.network = Network(*unpack(state["theta"], n, h))
    return result


def _options(method, maxiter):
    if method == "TNC":
        return {"maxfun": 100 * maxiter}  # TNC counts evaluations, not iterations
    if method == "L-BFGS-B":
        return {"maxiter": maxiter + 1, "maxfun": 100 * maxiter}
    return {"maxiter": maxiter + 1}


def _gradient_descent(fun, on_iteration, state, learning_rate):
    """theta <- theta - learning_rate * gradient, until on_iteration stops it."""
    theta = state["theta"].copy()
    fun(theta)
    while True:
        # on_iteration evaluates J and its gradient at the new theta, for the next step.
        theta = theta - learning_rate * state["g"]
        on_iteration(theta)
