"""The layout detector: each classic mistake, made on purpose on a trained model, is recognised."""

import io

import numpy as np
import pytest
import scipy.io

from nn_core import DataFormatError, Network, network_npz_bytes, read_seed_weights, seed_weights_bytes, train
from nn_core import layout as L
from nn_core.digits.datasets import load_dataset, split_dataset


@pytest.fixture(scope="module")
def trained():
    """A small model that reads sklearn's 8x8 digits well, and its files in the tutorial's layout."""
    ds = load_dataset("sklearn-8x8")
    split = split_dataset(ds, seed=0)
    net = train(split.train.X, split.train.y, hidden_size=16, maxiter=80, seed=0).network
    assert net.accuracy(split.validation.X, split.validation.y) > 0.9
    w1_bytes, w2_bytes = seed_weights_bytes(net)
    raw = L.raw_seed_weights(w1_bytes, w2_bytes)
    return net, split.validation, raw, (w1_bytes, w2_bytes)


def diagnose(W1, W2, data, expected=L.TUTORIAL):
    return L.diagnose_layout(W1, W2, data.X, data.y, data.image_shape, expected=expected)


def test_correct_files_are_as_expected(trained):
    net, data, raw, files = trained
    report = diagnose(raw.W1, raw.W2, data)
    assert report.status == "as expected"
    assert report.best.reading == L.TUTORIAL and report.best.expected
    assert report.fixes == []
    # The detector's reading of the files is the same network seed_files reads from them.
    assert report.best.network == read_seed_weights(*files) == net
    assert report.best.accuracy == pytest.approx(net.accuracy(data.X, data.y))


def test_only_shape_compatible_readings_are_tried(trained):
    _, data, raw, _ = trained
    readings = [c.reading for c in diagnose(raw.W1, raw.W2, data).candidates]
    assert len(readings) == len(L.PIXELS) * len(L.ROWS) == len(set(readings))
    assert all(r.w1_columns == r.w2_columns == "bias first" for r in readings)


def _mistakes(net, raw):
    W1f, W2f = raw.W1, raw.W2
    h = len(W1f)
    return {
        # W2 written straight from the model (digit order), without the 0..9 -> 1..10 conversion.
        "W2 in digit order": (W1f, net.W2, dict(rows="digit order 0..9"), "np.roll(W2, -1, axis=0)"),
        # The conversion applied twice: file row j is digit j + 2; rolling back once undoes it.
        "W2 converted twice": (W1f, np.roll(W2f, -1, axis=0),
                               dict(rows="class order, converted twice"), "np.roll(W2, 1, axis=0)"),
        # Pixel columns saved row by row (numpy order) instead of column by column.
        "images transposed": (net.W1, W2f, dict(pixels="row-major"), "transposed"),
        "W1 without bias": (W1f[:, 1:], W2f, dict(w1_columns="bias missing"), "bias column is missing"),
        "W1 bias twice": (np.column_stack([W1f[:, :1], W1f]), W2f, dict(w1_columns="extra first column"),
                          "W1 = W1[:, 1:]"),
        "W1 extra last": (np.column_stack([W1f, np.ones(h)]), W2f, dict(w1_columns="extra last column"),
                          "W1 = W1[:, :-1]"),
        "W2 without bias": (W1f, W2f[:, 1:], dict(w2_columns="bias missing"), "bias column is missing"),
        "W2 bias twice": (W1f, np.column_stack([W2f[:, :1], W2f]), dict(w2_columns="extra first column"),
                          "W2 = W2[:, 1:]"),
        "W2 extra last": (W1f, np.column_stack([W2f, np.zeros(10)]), dict(w2_columns="extra last column"),
                          "W2 = W2[:, :-1]"),
    }


MISTAKES = ["W2 in digit order", "W2 converted twice", "images transposed", "W1 without bias",
            "W1 bias twice", "W1 extra last", "W2 without bias", "W2 bias twice", "W2 extra last"]


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_recognised(trained, mistake):
    net, data, raw, _ = trained
    W1, W2, changed, fix = _mistakes(net, raw)[mistake]
    report = diagnose(W1, W2, data)
    assert report.status == "mistake"
    assert report.best.reading == L.Reading(**{**vars(L.TUTORIAL), **changed})
    assert report.best.accuracy > 0.8
    assert len(report.fixes) == 1 and fix in report.fixes[0]
    if report.expected is not None:  # the promised reading fits the shapes but reads badly
        assert report.expected.accuracy < report.best.accuracy - 0.3


def test_the_suggested_row_fix_gives_the_tutorial_file(trained):
    net, data, raw, _ = trained
    # "W2 in digit order" advises np.roll(W2, -1, axis=0): that is exactly the tutorial's W2.in.
    np.testing.assert_array_equal(np.roll(net.W2, -1, axis=0), raw.W2)
    report = diagnose(raw.W1, np.roll(net.W2, -1, axis=0), data)
    assert report.status == "as expected"


def test_reading_fixes_are_exact_where_nothing_was_lost(trained):
    net, data, raw, _ = trained
    for mistake in ("W2 in digit order", "images transposed", "W1 bias twice", "W2 extra last"):
        W1, W2, _, _ = _mistakes(net, raw)[mistake]
        assert diagnose(W1, W2, data).best.network == net


def test_untrained_weights_are_unclear(trained):
    _, data, _, _ = trained
    rnd = Network.random(64, 16, seed=3)
    report = diagnose(rnd.W1, np.roll(rnd.W2, -1, axis=0), data)
    assert report.status == "unclear"
    assert report.fixes == []


def test_npz_files_promise_the_dashboards_layout(trained):
    net, data, raw, _ = trained
    from_npz = L.raw_npz_weights(network_npz_bytes(net))
    assert from_npz.expected == L.DIGIT_ORDER
    assert diagnose(from_npz.W1, from_npz.W2, data, expected=from_npz.expected).status == "as expected"
    # Tutorial-layout arrays saved into an .npz are caught: rows and pixels both differ.
    report = diagnose(raw.W1, raw.W2, data, expected=L.DIGIT_ORDER)
    assert report.status == "mistake" and len(report.fixes) == 2


def test_mat_files_are_read_raw(trained):
    net, data, raw, _ = trained
    buf = io.BytesIO()
    scipy.io.savemat(buf, {"Theta1": raw.W1, "Theta2": raw.W2})
    from_mat = L.raw_mat_weights(buf.getvalue())
    assert from_mat.expected == L.TUTORIAL
    np.testing.assert_array_equal(from_mat.W1, raw.W1)
    assert diagnose(from_mat.W1, from_mat.W2, data).best.network == net


def test_bad_files_raise_data_format_errors(trained):
    _, data, raw, _ = trained
    with pytest.raises(DataFormatError, match="Theta1 and Theta2"):
        buf = io.BytesIO()
        scipy.io.savemat(buf, {"W1": raw.W1})
        L.raw_mat_weights(buf.getvalue())
    with pytest.raises(DataFormatError, match=".npz"):
        L.raw_npz_weights(b"not a zip file")
    with pytest.raises(DataFormatError, match="W2.in"):
        L.raw_seed_weights(b"1,2\n3,4\n", b"1,x\n")
    with pytest.raises(DataFormatError, match="10 rows"):
        diagnose(raw.W1, raw.W2[:9], data)
    with pytest.raises(DataFormatError, match="do not fit 64 inputs"):
        diagnose(raw.W1[:, :40], raw.W2, data)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_non_finite_weight_is_named_by_its_position(trained, value):
    _, _, raw, _ = trained
    W2 = raw.W2.copy()
    W2[6, 11] = value
    npz, mat = io.BytesIO(), io.BytesIO()
    np.savez(npz, W1=raw.W1, W2=W2)
    scipy.io.savemat(mat, {"Theta1": raw.W1, "Theta2": W2})
    cases = ((L.raw_npz_weights, npz.getvalue(), "W2"), (L.raw_mat_weights, mat.getvalue(), "Theta2"))
    for reader, data, name in cases:
        with pytest.raises(DataFormatError) as error:
            reader(data)
        message = str(error.value)
        assert message.startswith(name) and "row 7, column 12" in message
        assert f"found {value}" in message


def test_input_sizes_put_the_promised_one_first():
    assert L.input_sizes(401) == (400, 401, 399)


def test_pixel_orders_are_inverse_transposes():
    img = np.arange(6.0).reshape(2, 3)  # 2 rows, 3 columns, row-major: 0 1 2 / 3 4 5
    column_major = img.T.ravel()  # column by column: 0 3 1 4 2 5
    np.testing.assert_array_equal(L.to_column_major(img.ravel()[None], (2, 3))[0], column_major)
    np.testing.assert_array_equal(L.to_row_major(column_major[None], (2, 3))[0], img.ravel())
