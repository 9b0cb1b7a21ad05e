"""Your own digits: augmenting the training set, fine-tuning, and the X.in/y.in round trip."""

import io
import re

import numpy as np
import pytest

from nn_core import MAX_X_BYTES, DataFormatError, Network
from nn_core.digits import my_digits
from nn_core.digits.my_digits import MAX_MY_DIGITS, MAX_REPEAT, as_dataset, augment, retrain


def _data(m=40, n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (m, n)), rng.integers(0, 10, m)


def test_augment_appends_my_digits_repeat_times():
    X, y = _data(m=6, n=4)
    X_mine = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    y_mine = np.array([7, 1])
    X_aug, y_aug = augment(X, y, X_mine, y_mine, repeat=3)
    assert X_aug.shape == (6 + 2 * 3, 4)
    assert y_aug.shape == (12,)
    np.testing.assert_array_equal(X_aug[:6], X)  # the training set comes first, unchanged
    np.testing.assert_array_equal(y_aug[:6], y)
    np.testing.assert_array_equal(y_aug[6:], [7, 1, 7, 1, 7, 1])
    np.testing.assert_array_equal(X_aug[6:], np.vstack([X_mine] * 3))
    # Each of my digits now appears exactly `repeat` times with its own label.
    for row, label in zip(X_mine, y_mine, strict=True):
        hits = np.all(X_aug == row, axis=1)
        assert hits.sum() == 3 and set(y_aug[hits]) == {label}


def test_augment_leaves_its_inputs_alone():
    X, y = _data()
    X_before, y_before = X.copy(), y.copy()
    augment(X, y, X[:2], y[:2], repeat=MAX_REPEAT)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X_mine": np.zeros((1, 5))},
         rf"\(k, 16\) array with 1 <= k <= {MAX_MY_DIGITS}, found shape \(1, 5\)"),
        ({"X_mine": np.zeros((0, 16)), "y_mine": np.zeros(0)}, "1 <= k"),
        ({"X_mine": np.zeros((MAX_MY_DIGITS + 1, 16)), "y_mine": np.zeros(MAX_MY_DIGITS + 1)},
         rf"k <= {MAX_MY_DIGITS}, found shape \({MAX_MY_DIGITS + 1}, 16\)"),
        ({"repeat": 0}, "repeat must be a whole number 1-50, found 0"),
        ({"repeat": 51}, "found 51"),
        ({"y_mine": np.array([12])}, "labels must be whole numbers 0-9"),
    ],
)
def test_augment_rejects_bad_input(kwargs, message):
    X, y = _data()
    args = {"X_mine": X[:1], "y_mine": y[:1], "repeat": 2} | kwargs
    with pytest.raises(DataFormatError, match=message):
        augment(X, y, args["X_mine"], args["y_mine"], args["repeat"])


def test_large_images_repeated_too_often_are_refused_before_they_are_copied():
    """200 digits x 50 repeats of 20x20 or 28x28 fit in MAX_X_BYTES; 128x128 ones need a smaller repeat."""
    n = 128 * 128
    X, y, X_mine, y_mine = np.zeros((2, n)), np.zeros(2), np.zeros((40, n)), np.zeros(40)
    assert MAX_MY_DIGITS * MAX_REPEAT * 784 * 8 <= MAX_X_BYTES
    assert augment(X, y, X_mine, y_mine, repeat=12)[0].shape == (2 + 480, n)
    with pytest.raises(DataFormatError, match=re.escape(
            f"your digits repeated must take at most {MAX_X_BYTES:,} bytes as 64-bit floats, found "
            f"50 x 40 digits x 16,384 pixels x 8 = 262,144,000: choose a smaller repeat")):
        augment(X, y, X_mine, y_mine, repeat=50)


def test_retrain_learns_my_digits_without_touching_the_start_network():
    # A network trained on random labels, then five "digits of mine" it gets wrong.
    X, y = _data(m=60, n=16, seed=1)
    start = Network.random(16, 8, seed=0)
    start.W1.setflags(write=False)  # like the shared default model: read-only
    start.W2.setflags(write=False)
    W1_before = start.W1.copy()
    X_mine, _ = _data(m=5, n=16, seed=2)
    y_mine = (start.predict(X_mine) + 1) % 10  # labels the start network does not predict
    out = retrain(start, X, y, X_mine, y_mine, repeat=20, maxiter=60, lambd=0.0,
                  X_val=X[:10], y_val=y[:10])
    np.testing.assert_array_equal(start.W1, W1_before)
    assert out.before["mine"] == 0.0
    assert out.after["mine"] == 1.0
    assert 0.0 <= out.after["validation"] <= 1.0
    assert out.n_examples == 60 + 5 * 20
    assert out.result.network.layer_sizes == start.layer_sizes


def test_retrain_keeps_a_deep_networks_layers_activation_and_output():
    """Retraining with my digits fine-tunes the active model as it is: a 2-layer relu/softmax
    network stays one (its start weights decide the architecture)."""
    X, y = _data(m=30, n=16, seed=4)
    start = Network.random(16, (6, 5), seed=1, activation="relu", output="softmax")
    X_mine, y_mine = _data(m=3, n=16, seed=5)
    out = retrain(start, X, y, X_mine, y_mine, repeat=2, maxiter=3)
    net = out.result.network
    assert net.layer_sizes == (16, 6, 5, 10) and (net.activation, net.output) == ("relu", "softmax")
    assert not np.array_equal(net.weights[2], start.weights[2])  # the last layer learned too


def test_as_dataset_keeps_images_and_labels():
    X_mine = np.arange(8.0).reshape(2, 4) / 8
    ds = as_dataset(X_mine, [3, 9], (2, 2))
    assert ds.image_shape == (2, 2) and ds.name == "my digits"
    np.testing.assert_array_equal(ds.images()[1], [[0.5, 0.625], [0.75, 0.875]])
    np.testing.assert_array_equal(ds.y, [3, 9])


def test_my_digits_round_trip_through_the_tutorials_files():
    from nn_core.formats.seed_files import read_seed_data, seed_data_bytes

    rng = np.random.default_rng(4)
    X_mine = rng.uniform(0, 1, (3, 400))
    y_mine = np.array([0, 7, 1])
    x_bytes, y_bytes = seed_data_bytes(as_dataset(X_mine, y_mine, (20, 20)))
    # The tutorial's layout: each X.in row is the image column by column (Octave order),
    # and y.in is one-hot with digit d in column d (from 1), digit 0 in column 10.
    X_file = np.loadtxt(io.BytesIO(x_bytes), delimiter=",", ndmin=2)
    np.testing.assert_array_equal(X_file[1], X_mine[1].reshape(20, 20).T.ravel())
    Y_file = np.loadtxt(io.BytesIO(y_bytes), delimiter=",", ndmin=2)
    np.testing.assert_array_equal(np.argmax(Y_file, axis=1) + 1, [10, 7, 1])
    back = read_seed_data(io.BytesIO(x_bytes), io.BytesIO(y_bytes))
    np.testing.assert_array_equal(back.X, X_mine)
    np.testing.assert_array_equal(back.y, y_mine)
    assert back.image_shape == (20, 20)


def test_retrain_reports_every_iteration_and_can_be_stopped():
    X, y = _data(m=60, n=16, seed=1)
    start = Network.random(16, 8, seed=0)
    X_mine, y_mine = _data(m=3, n=16, seed=2)
    seen = []

    def stop_after_three(step, network):
        seen.append(step.iteration)
        return step.iteration == 3

    out = retrain(start, X, y, X_mine, y_mine, repeat=2, maxiter=40, callback=stop_after_three)
    assert seen == [1, 2, 3]
    assert out.result.n_iterations == 3 and out.result.stopped


def test_doubt_names_the_other_digit_only_when_the_network_is_sure():
    p = np.full(10, 0.01)
    p[8] = 0.96
    assert my_digits.doubt(p, 9) == (8, pytest.approx(0.96))
    assert my_digits.doubt(p, 8) is None  # the label is what the network reads
    p[8] = my_digits.SURE - 0.01
    assert my_digits.doubt(p, 9) is None  # not sure enough to question you
    with pytest.raises(DataFormatError, match="label must be a digit 0-9, found 10"):
        my_digits.doubt(p, 10)
