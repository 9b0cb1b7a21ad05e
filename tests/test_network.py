"""The Network: layout checks, seeded initialisation, forward pass and predictions."""

import subprocess
import sys

import numpy as np
import pytest

from nn_core import DataFormatError, Network, confusion_matrix, mistakes, per_class_accuracy


def test_random_init_is_seeded_and_bounded():
    a, b, c = (Network.random(400, 25, seed=s) for s in (0, 0, 1))
    assert a == b and a != c
    assert a.W1.shape == (25, 401) and a.W2.shape == (10, 26)
    assert np.abs(a.W1).max() <= np.sqrt(6) / np.sqrt(425)
    assert np.abs(a.W2).max() <= np.sqrt(6) / np.sqrt(35)


def test_random_init_does_not_touch_the_global_rng():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    Network.random(10, 5, seed=4)
    assert np.random.rand() == expected


def test_forward_returns_every_layer():
    net = Network.random(4, 3, seed=2)
    X = np.random.default_rng(0).uniform(size=(6, 4))
    act = net.forward(X)
    assert act.a1.shape == (6, 4) and act.z2.shape == (6, 3) and act.a3.shape == (6, 10)
    # Bias first: z2 = [1, a1] W1^T.
    np.testing.assert_allclose(act.z2, np.column_stack([np.ones(6), X]) @ net.W1.T)
    np.testing.assert_allclose(act.a2, 1 / (1 + np.exp(-act.z2)))
    np.testing.assert_allclose(net.predict_proba(X), act.a3)


def test_output_unit_d_means_digit_d():
    W2 = np.zeros((10, 2))
    W2[7, 0] = 5.0  # only digit 7's output unit has a large bias
    net = Network(np.zeros((1, 3)), W2)
    assert net.predict(np.zeros((4, 2))).tolist() == [7, 7, 7, 7]
    assert net.accuracy(np.zeros((2, 2)), [7, 1]) == 0.5


@pytest.mark.parametrize(
    "W1, W2, message",
    [
        (np.zeros(5), np.zeros((10, 2)), "W1 must be a 2-D"),
        (np.zeros((3, 5)), np.zeros((9, 4)), "10 rows"),
        (np.zeros((3, 5)), np.zeros((10, 3)), "4 columns for 3 hidden"),
        (np.full((3, 5), np.nan), np.zeros((10, 4)), "finite"),
    ],
)
def test_bad_weights_are_refused(W1, W2, message):
    with pytest.raises(DataFormatError, match=message):
        Network(W1, W2)


def test_confusion_matrix_and_mistakes():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    C = confusion_matrix(y_true, y_pred)
    assert C[0, 0] == 1 and C[0, 1] == 1 and C[2, 0] == 1 and C[2, 2] == 2 and C.sum() == 6
    assert mistakes(y_true, y_pred).tolist() == [1, 4]
    acc = per_class_accuracy(y_true, y_pred)
    assert acc[0] == 0.5 and acc[1] == 1.0 and acc[2] == pytest.approx(2 / 3) and np.isnan(acc[5])


def test_nn_core_never_imports_streamlit_or_plotly():
    code = (
        "import sys, nn_core, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(nn_core.__path__, 'nn_core.'):\n"
        "    if m.name != 'nn_core.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "assert 'nn_core.lessons.parallel' in sys.modules  # the subpackages' modules too\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    from conftest import ROOT

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_accuracy_on_no_examples_is_nan_without_a_warning():
    import warnings

    net = Network.random(4, 3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "mean of empty slice" would fail here
        assert np.isnan(net.accuracy(np.zeros((0, 4)), []))
