"""Training: let an optimizer move W1 and W2 downhill on the cost J.

How it works
1. Start from small random weights (or weights you give, such as the tutorial's W1.in/W2.in),
   for 1 to 3 hidden layers of sigmoid, tanh or relu units and sigmoid or softmax outputs.
2. Flatten W1, W2, ... into one vector theta; the optimizer only ever sees theta.
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
from .cost import Workspace, check_labels, cost_and_gradient_arrays, one_hot
from .knobs import (
    METHODS,
    check_activation,
    check_hidden_size,
    check_lambda,
    check_learning_rate,
    check_maxiter,
    check_method,
    check_output,
)
from .network import Network, pack, unpack

__all__ = ["METHODS", "Step", "TrainResult", "train"]
DEFAULT_HIDDEN = 25  # the tutorial's hidden layer
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
    check_maxiter(maxiter)
    check_method(method)
    lr = check_learning_rate(learning_rate) if method == "GD" else float(learning_rate)
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
    activation=None,
    output=None,
):
    """Train a network on X (m, n) and labels y (0-9); returns a TrainResult.

    hidden_size: hidden units of a random start (25, the tutorial's, if not given); a tuple
    such as (100, 50) for several hidden layers. activation ("sigmoid", "tanh", "relu") and
    output ("sigmoid", "softmax"): None means the start weights' choice, or sigmoid.
    init: a Network to start from (it is copied, never changed) instead of
    Network.random(n, hidden_size, seed=seed, ...); it decides the sizes and names, so a
    hidden_size, activation or output that differs is refused rather than ignored.
    callback(step, network) is called after every iteration; if it returns True, training
    stops and keeps the weights reached so far.
    """
    X, y, lambd, learning_rate = _check_settings(X, y, hidden_size, lambd, maxiter, method, learning_rate)
    hidden_size = None if hidden_size is None else check_hidden_size(hidden_size)
    activation = None if activation is None else check_activation(activation)
    output = None if output is None else check_output(output)
    n = X.shape[1]
    if init is None:
        init = Network.random(n, DEFAULT_HIDDEN if hidden_size is None else hidden_size, seed=seed,
                              activation=activation or "sigmoid", output=output or "sigmoid")
    elif not isinstance(init, Network):
        raise DataFormatError(f"init must be an nn_core.Network or None, found {type(init).__name__}")
    elif init.n_inputs != n:
        raise DataFormatError(
            f"start weights W1 must have {n + 1} columns for {n} inputs, found {init.W1.shape[1]}"
        )
    else:
        check_hidden_size(init.hidden_size, "start weights W1 (one row per hidden unit)")
        if hidden_size is not None and hidden_size != init.hidden_size:
            theirs = (f"W1 has {init.hidden_size} rows (hidden units)" if len(init.weights) == 2
                      else f"hidden layers have {init.hidden_size} units")
            raise DataFormatError(f"hidden_size={hidden_size} contradicts the start weights, whose "
                                  f"{theirs}: give one or the other")
        for knob, value, theirs in (("activation", activation, init.activation),
                                    ("output", output, init.output)):
            if value is not None and value != theirs:
                raise DataFormatError(f"{knob}={value!r} contradicts the start weights, whose "
                                      f"{knob} is {theirs!r}: give one or the other")
    sizes, g_name, out = init.layer_sizes, init.activation, init.output
    Y = one_hot(y)
    # float32 X makes the two big products about 2x faster; everything else, J and the gradient
    # stay float64 (measured: same accuracy and convergence, benchmarks/train_speed.py).
    with np.errstate(over="ignore"):
        X32 = X.astype(np.float32)
    X_fast = X32 if np.isfinite(X32).all() else X  # values beyond float32's range: keep float64
    work = Workspace(X.shape[0], sizes[1:-1], X_fast.dtype)
    state = {"evals": 0, "x": None, "J": None, "g": None, "theta": pack(*init.weights)}
    result = TrainResult(network=init.copy())
    start = time.perf_counter()

    def fun(theta):
        state["evals"] += 1
        J, grads = cost_and_gradient_arrays(unpack(theta, sizes), X_fast, Y, lambd, g_name, out,
                                            work)
        g = pack(*grads)
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
        if callback is not None and callback(step, _network(state["theta"], init)):
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
    result.network = _network(state["theta"], init)
    return result


def _network(theta, like):
    """A Network of theta's weights, shaped and named like the Network like."""
    return Network(weights=unpack(theta, like.layer_sizes), activation=like.activation,
                   output=like.output)


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
