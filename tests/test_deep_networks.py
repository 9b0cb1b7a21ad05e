"""Deeper networks: 1 to 3 hidden layers of sigmoid, tanh or relu units, sigmoid or softmax
outputs. Each is checked against the gradient check and an independent plain-numpy version;
the knobs, the .npz files and the command line refuse what is not allowed and say what is."""

import io
import itertools

import numpy as np
import pytest

import nn_core
from nn_core import (
    BUGS,
    DataFormatError,
    Network,
    backprop_one,
    check_hidden_size,
    cli,
    cost_and_gradient,
    gradient_check,
    network_npz_bytes,
    read_npz,
    saliency,
    seed_weights_bytes,
    small_problem,
    train,
)
from nn_core.digits.datasets import load_dataset, split_dataset
from nn_core.lessons.saliency import jacobian

DEPTHS = {1: 5, 2: (5, 4), 3: (4, 5, 3)}
COMBOS = list(itertools.product(("sigmoid", "tanh", "relu"), ("sigmoid", "softmax"), DEPTHS))


def reference(weights, X, y, lambd, activation, output):
    """J and its gradient written out independently: ones glued onto every layer, one matrix
    product per layer, the textbook formulas for each function and each cost."""
    g = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
         "relu": lambda z: np.where(z > 0, z, 0.0)}[activation]
    dg = {"sigmoid": lambda z: g(z) * (1 - g(z)), "tanh": lambda z: 1 - np.tanh(z) ** 2,
          "relu": lambda z: (z > 0).astype(float)}[activation]
    m = len(X)
    Y = np.eye(10)[y]
    ones = np.ones((m, 1))
    a, zs = [np.hstack([ones, X])], []
    for i, W in enumerate(weights):
        z = a[-1] @ W.T
        zs.append(z)
        if i < len(weights) - 1:
            a.append(np.hstack([ones, g(z)]))
    zL = zs[-1]
    if output == "sigmoid":
        h = 1 / (1 + np.exp(-zL))
        J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    else:
        e = np.exp(zL)
        h = e / e.sum(axis=1, keepdims=True)
        J = -np.sum(Y * np.log(h)) / m
    J += lambd / (2 * m) * sum(np.sum(W[:, 1:] ** 2) for W in weights)
    delta = h - Y
    grads = [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        grads[i] = delta.T @ a[i] / m
        grads[i][:, 1:] += lambd / m * weights[i][:, 1:]
        if i > 0:
            delta = (delta @ weights[i][:, 1:]) * dg(zs[i - 1])
    return J, grads, h


@pytest.mark.parametrize("activation, output, depth", COMBOS)
def test_gradient_check_passes_for_every_activation_output_and_depth(activation, output, depth):
    net, X, y = small_problem(3, DEPTHS[depth], 6, seed=depth, activation=activation, output=output)
    assert len(net.weights) == depth + 1
    check = gradient_check(net, X, y, 1.0)
    assert check.relative_difference < 1e-7, check.relative_difference


@pytest.mark.parametrize("activation, output, depth", COMBOS)
def test_cost_and_gradient_match_an_independent_implementation(activation, output, depth):
    net, X, y = small_problem(6, DEPTHS[depth], 12, seed=10 + depth, activation=activation,
                              output=output)
    J_ref, grads_ref, h = reference(net.weights, X, y, 0.7, activation, output)
    J, grads = cost_and_gradient(net, X, y, 0.7)
    assert J == pytest.approx(J_ref, rel=1e-12)
    assert len(grads) == len(net.weights)
    for dW, D in zip(grads, grads_ref, strict=True):
        np.testing.assert_allclose(dW, D, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(net.predict_proba(X), h, rtol=1e-12)


@pytest.fixture(scope="module")
def digits():
    ds = load_dataset("mnist-20x20")
    return np.asarray(ds.X[:600]), np.asarray(ds.y[:600])


def test_float32_fast_path_agrees_with_float64_for_a_deep_relu_softmax_net(digits):
    X, y = digits
    net = Network.random(400, (60, 30), seed=2, activation="relu", output="softmax")
    J64, g64 = cost_and_gradient(net, X, y, 1.0)
    J32, g32 = cost_and_gradient(net, X, y, 1.0, dtype=np.float32)
    assert J32 == pytest.approx(J64, rel=1e-6)
    a, b = np.concatenate([g.ravel() for g in g64]), np.concatenate([g.ravel() for g in g32])
    assert np.linalg.norm(b - a) < 1e-6 * np.linalg.norm(a)


def test_softmax_outputs_are_probabilities_even_for_huge_scores():
    net = Network.random(4, (3, 3), seed=0, activation="relu", output="softmax")
    X = np.array([[0.1, 0.2, 0.3, 0.4], [1e4, -1e4, 1e4, 3e3]])
    with np.errstate(all="raise"):
        p = net.predict_proba(X)
    assert np.all(p >= 0) and np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    J, _ = cost_and_gradient(net, X, [3, 7], 0.0)
    assert np.isfinite(J)


def test_the_default_network_is_the_tutorials():
    net = Network.random(400, 25, seed=0)
    assert (net.activation, net.output, net.hidden_size, net.layer_sizes) == (
        "sigmoid", "sigmoid", 25, (400, 25, 10))
    rng = np.random.default_rng(0)  # the tutorial's epsilon_init = sqrt(6) / sqrt(L_in + L_out)
    e1, e2 = np.sqrt(6) / np.sqrt(400 + 25), np.sqrt(6) / np.sqrt(25 + 10)
    W1 = rng.uniform(-e1, e1, (25, 401))
    W2 = rng.uniform(-e2, e2, (10, 26))
    assert net == Network(W1, W2) and net.W1 is net.weights[0] and net.W2 is net.weights[1]
    assert repr(net) == "Network(400-25-10)"


def test_start_weights_are_scaled_for_the_activation():
    relu = Network.random(400, (100, 50), seed=0, activation="relu")
    tanh = Network.random(400, (100, 50), seed=0, activation="tanh")
    for W, fan_in in zip(relu.weights, (400, 100, 50), strict=True):
        assert np.abs(W).max() <= np.sqrt(6 / fan_in)  # He
        assert np.abs(W).max() > 0.95 * np.sqrt(6 / fan_in)
    for W, fan_in, fan_out in zip(tanh.weights, (400, 100, 50), (100, 50, 10), strict=True):
        assert np.abs(W).max() <= np.sqrt(6 / (fan_in + fan_out))  # Glorot
    assert relu.hidden_size == (100, 50) and relu.layer_sizes == (400, 100, 50, 10)


@pytest.mark.parametrize("given, expected", [(25, 25), ("25", 25), ((25,), 25), ([100, 50], (100, 50)),
                                             ("100, 50", (100, 50)), ((3, 2, 1), (3, 2, 1))])
def test_hidden_sizes_are_read_as_an_int_or_a_tuple(given, expected):
    assert check_hidden_size(given) == expected


@pytest.mark.parametrize("bad, said", [
    (0, "from 1 to 400, found 0"), (-3, "found -3"), ("abc", "found 'abc'"), (2.5, "found 2.5"),
    ((10, 10, 10, 10), "1 to 3 hidden layers, found 4"), ((100, 0), "found 0"),
    ((1000, 1000, 100), "at most 2000 hidden units in all layers together, found 2100"),
    ((), "expected a whole number"), (True, "found True")])
def test_bad_hidden_sizes_are_refused_saying_what_is_allowed(bad, said):
    with pytest.raises(DataFormatError, match=said):
        check_hidden_size(bad)
    with pytest.raises(DataFormatError, match=said):
        train(np.zeros((3, 4)), [0, 1, 2], hidden_size=bad, maxiter=1)


def test_unknown_activation_or_output_names_list_the_allowed_ones():
    with pytest.raises(DataFormatError, match="expected one of sigmoid, tanh, relu, found 'swish'"):
        Network.random(4, 3, activation="swish")
    with pytest.raises(DataFormatError, match="expected one of sigmoid, softmax, found 'linear'"):
        train(np.zeros((3, 4)), [0, 1, 2], output="linear", maxiter=1)
    with pytest.raises(DataFormatError, match="activation.*sigmoid, tanh, relu"):
        Network(np.zeros((3, 5)), np.zeros((10, 4)), activation="Relu")


def test_train_takes_its_names_from_the_start_weights_and_refuses_contradictions():
    ds = load_dataset("sklearn-8x8")
    start = Network.random(64, (10, 5), seed=1, activation="tanh", output="softmax")
    r = train(ds.X[:200], ds.y[:200], init=start, maxiter=3)
    assert (r.network.activation, r.network.output, r.network.hidden_size) == ("tanh", "softmax", (10, 5))
    with pytest.raises(DataFormatError, match="activation='relu' contradicts the start weights"):
        train(ds.X[:200], ds.y[:200], init=start, activation="relu", maxiter=1)
    with pytest.raises(DataFormatError, match="hidden_size=.*contradicts"):
        train(ds.X[:200], ds.y[:200], init=start, hidden_size=(10, 6), maxiter=1)


@pytest.mark.parametrize("hidden, activation, output", [((30, 20), "relu", "softmax"),
                                                        ((20, 20, 20), "tanh", "sigmoid")])
def test_deep_networks_learn_the_small_digits(hidden, activation, output):
    s = split_dataset(load_dataset("sklearn-8x8"), seed=0)
    r = train(s.train.X, s.train.y, hidden_size=hidden, lambd=1.0, maxiter=60,
              activation=activation, output=output)
    assert not r.diverged and r.final_cost < r.start_cost
    assert r.network.hidden_size == hidden and r.network.activation == activation
    assert r.network.accuracy(s.validation.X, s.validation.y) > 0.85


def test_npz_round_trip_keeps_the_architecture_and_needs_no_pickle():
    net = Network.random(64, (7, 6, 5), seed=3, activation="relu", output="softmax")
    data = network_npz_bytes(net)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        assert sorted(npz.files) == ["W1", "W2", "W3", "W4", "activation", "output"]
        assert str(npz["activation"]) == "relu"
    back = read_npz(data)["network"]
    assert back == net and repr(back) == "Network(64-7-6-5-10, relu, softmax)"


def test_an_old_npz_with_only_W1_and_W2_is_the_tutorials_network():
    net = Network.random(64, 9, seed=3)
    buf = io.BytesIO()
    np.savez(buf, W1=net.W1, W2=net.W2)
    back = read_npz(buf.getvalue())["network"]
    assert back == net and (back.activation, back.output) == ("sigmoid", "sigmoid")


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_npz_files_that_do_not_chain_or_name_unknown_functions_are_refused():
    W = Network.random(64, (7, 6), seed=0).weights
    with pytest.raises(DataFormatError, match=r"W3 must have 7 columns.*expected shape \(10, 7\), "
                                              r"found \(10, 5\)"):
        read_npz(_npz(W1=W[0], W2=W[1], W3=np.zeros((10, 5))))
    with pytest.raises(DataFormatError, match="activation in the .npz file: expected one of "
                                              "sigmoid, tanh, relu, found 'swish'"):
        read_npz(_npz(W1=W[0], W2=W[1], W3=W[2], activation=np.array("swish")))
    with pytest.raises(DataFormatError, match="output in the .npz file: expected one of sigmoid, softmax"):
        read_npz(_npz(W1=W[0], W2=W[1], W3=W[2], output=np.array("tanh")))
    with pytest.raises(DataFormatError, match="W1 to W4 at most"):
        read_npz(_npz(W1=W[0], W2=W[1], W4=W[2]))
    with pytest.raises(DataFormatError, match="must be a name"):
        read_npz(_npz(W1=W[0], W2=W[1], W3=W[2], activation=np.array([1.0])))


def test_the_tutorials_in_files_refuse_a_network_they_cannot_describe():
    for net in (Network.random(400, (30, 20), seed=0), Network.random(400, 25, activation="relu")):
        with pytest.raises(DataFormatError, match="one sigmoid hidden layer.*save it as an .npz"):
            seed_weights_bytes(net)


@pytest.mark.parametrize("activation, output, depth", COMBOS[::2] + [("relu", "softmax", 3)])
def test_backprop_one_matches_the_cost_gradient_of_one_example(activation, output, depth):
    net, X, y = small_problem(5, DEPTHS[depth], 3, seed=depth, activation=activation, output=output)
    b = backprop_one(net, X[1], y[1], lambd=0.5)
    J, grads = cost_and_gradient(net, X[1:2], y[1:2], 0.5)
    assert b.J == pytest.approx(J, rel=1e-12)
    for got, want in zip(b.grads, grads, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(b.output, net.predict_proba(X[1])[0])
    np.testing.assert_allclose(b.deltas[-1], b.output - np.eye(10)[y[1]])


@pytest.mark.parametrize("activation, output, depth", COMBOS)
def test_saliency_is_the_numerical_slope_of_the_output(activation, output, depth):
    net, X, _ = small_problem(6, DEPTHS[depth], 1, seed=depth, activation=activation, output=output)
    x, eps = X[0], 1e-6
    for which in ("z3", "a3"):
        J = jacobian(net, x, which)
        num = np.empty_like(J)
        for i in range(x.size):
            up, down = x.copy(), x.copy()
            up[i] += eps
            down[i] -= eps
            act_up, act_down = net.forward(up), net.forward(down)
            f_up = act_up.z[-1] if which == "z3" else act_up.output
            f_down = act_down.z[-1] if which == "z3" else act_down.output
            num[:, i] = (f_up[0] - f_down[0]) / (2 * eps)
        np.testing.assert_allclose(J, num, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(saliency(net, x, 4), jacobian(net, x)[4])


@pytest.mark.parametrize("activation, output, depth", [("sigmoid", "sigmoid", 2),
                                                       ("relu", "softmax", 3), ("tanh", "softmax", 2)])
def test_every_broken_backprop_is_caught_in_deep_networks(activation, output, depth):
    net, X, y = small_problem(3, DEPTHS[depth], 6, seed=depth, activation=activation, output=output)
    for name, cost_fn in BUGS.items():
        diff = gradient_check(net, X, y, 1.0, cost_fn=cost_fn).relative_difference
        assert (diff < 1e-7) == (name == "correct backprop"), (name, diff)


def test_no_derivative_drops_the_slope_in_every_hidden_layer():
    net, X, y = small_problem(3, (4, 5, 3), 6, seed=1, activation="tanh")
    from nn_core.network.backprop import backward, forward
    from nn_core.network.cost import one_hot

    act = forward(net.weights, X, net.activation, net.output)
    bad = backward(net.weights, act, one_hot(y), 0.0, net.activation, bug="no derivative")
    for l in range(2, -1, -1):  # each error is the next one carried back, with no slope
        np.testing.assert_allclose(bad.deltas[l], bad.deltas[l + 1] @ net.weights[l + 1][:, 1:])


def test_the_cli_trains_and_predicts_a_deep_network(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["train", "--dataset", "sklearn-8x8", "--hidden", "10,5", "--activation", "relu",
            "--output", "softmax", "--maxiter", "20", "--out", str(out)]
    assert cli.main(argv) == 0
    said = capsys.readouterr().out
    assert "network.npz" in said and not (out / "TrainedW1.in").exists()
    net = read_npz(out / "network.npz")["network"]
    assert (net.hidden_size, net.activation, net.output) == ((10, 5), "relu", "softmax")
    assert cli.main(["predict", "--dataset", "sklearn-8x8", "--network", str(out / "network.npz"),
                     "--index", "5"]) == 0
    line = capsys.readouterr().out
    ds = load_dataset("sklearn-8x8")
    assert f"predicted digit {net.predict(ds.X[5])[0]}" in line and f"true digit {ds.y[5]}" in line


@pytest.mark.parametrize("flags, said", [(["--hidden", "10,5,5,5"], "1 to 3 hidden layers"),
                                         (["--activation", "swish"], "sigmoid, tanh, relu"),
                                         (["--output", "linear"], "sigmoid, softmax")])
def test_the_cli_refuses_bad_architectures_in_one_line(flags, said, tmp_path, capsys):
    argv = ["train", "--dataset", "sklearn-8x8", "--maxiter", "1", "--out", str(tmp_path / "o"), *flags]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and said in err[0], err
    assert not (tmp_path / "o").exists()


def test_the_public_names_are_exported():
    for name in ("ACTIVATIONS", "OUTPUTS", "MAX_HIDDEN_LAYERS", "MAX_HIDDEN_TOTAL", "check_activation",
                 "check_output", "check_hidden_size", "write_network_npz"):
        assert name in nn_core.__all__ and hasattr(nn_core, name)
    assert nn_core.MAX_HIDDEN_LAYERS == 3 and nn_core.MAX_HIDDEN_TOTAL == 2000
