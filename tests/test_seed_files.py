"""The tutorial's files: read and written bit for bit in its layout; bad files explained."""

import io
import pickle

import numpy as np
import pytest
import scipy.io

from nn_core import DataFormatError, Network, sigmoid
from nn_core.digits.datasets import Dataset
from nn_core.formats import sources
from nn_core.formats.archives import network_npz_bytes, read_mat, read_npz
from nn_core.formats.seed_files import (
    read_seed_data,
    read_seed_weights,
    read_seed_X,
    read_seed_y,
    seed_data_bytes,
    seed_weights_bytes,
    write_seed_data,
    write_seed_weights,
)


def savetxt(path, A):
    """A file written the way the tutorial writes its files."""
    np.savetxt(path, np.atleast_2d(A), delimiter=",")
    return path


def csv(A):
    buf = io.BytesIO()
    np.savetxt(buf, np.atleast_2d(A), delimiter=",")
    return buf.getvalue()


def letter_L(s=20):
    """An upright "L": tells rows from columns and up from down."""
    img = np.zeros((s, s))
    img[2 : s - 3, 3] = 1.0
    img[s - 4, 3 : s - 8] = 1.0
    return img


def tutorial_files(tmp_path, m=12, n=400, h=25, seed=0):
    """X.in, y.in, W1.in, W2.in in the tutorial's layout, and the arrays written to them."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-0.13, 1.13, (m, n))
    classes = rng.integers(1, 11, m)  # 1-10, 10 = digit 0
    Y = np.eye(10)[classes - 1]
    W1, W2 = rng.normal(0, 0.3, (h, n + 1)), rng.normal(0, 2.0, (10, h + 1))
    paths = [savetxt(tmp_path / f, A) for f, A in zip(("X.in", "y.in", "W1.in", "W2.in"),
                                                       (X, Y, W1, W2), strict=True)]
    return paths, (X, classes, W1, W2)


def test_an_X_in_row_is_a_column_major_image(tmp_path):
    L = letter_L()
    assert not np.array_equal(L, L.T) and not np.array_equal(L, L[::-1])
    row = L.ravel(order="F")  # Octave stores the image column by column
    row[0], row[1] = -0.13, 1.13  # the tutorial's values go a little beyond [0, 1]
    X, shape = read_seed_X(savetxt(tmp_path / "X.in", [row, L.ravel()]))
    assert shape == (20, 20) and X.shape == (2, 400)
    expected = L.copy()
    expected[0, 0], expected[1, 0] = -0.13, 1.13  # kept, not clipped
    np.testing.assert_array_equal(X[0].reshape(20, 20), expected)
    np.testing.assert_array_equal(X[1].reshape(20, 20), L.T)  # a row-major row lies on its side


@pytest.mark.parametrize("side", [28, 8])
def test_other_square_images_work_too(tmp_path, side):
    L = letter_L(side)
    X, shape = read_seed_X(savetxt(tmp_path / "X.in", L.ravel(order="F")))
    assert shape == (side, side)
    np.testing.assert_array_equal(X[0].reshape(side, side), L)


def test_one_hot_column_10_is_digit_0(tmp_path):
    Y = np.zeros((4, 10))
    Y[[0, 1, 2, 3], [9, 0, 4, 8]] = 1  # classes 10, 1, 5, 9
    np.testing.assert_array_equal(read_seed_y(savetxt(tmp_path / "y.in", Y)), [0, 1, 5, 9])


@pytest.mark.parametrize("labels, digits", [([10, 1, 5, 10], [0, 1, 5, 0]),
                                            ([0, 1, 9, 0], [0, 1, 9, 0]),
                                            ([3, 2, 1], [3, 2, 1])])
def test_a_column_of_labels_is_accepted(labels, digits):
    y = read_seed_y("\n".join(str(v) for v in labels).encode())
    np.testing.assert_array_equal(y, digits)


def test_W2_row_9_is_digit_0_and_W1_columns_are_column_major_pixels(tmp_path):
    W1 = np.zeros((3, 401))
    W1[0, 0] = 0.5
    W1[0, 1:] = letter_L().ravel(order="F")
    W2 = np.tile(np.arange(1.0, 11.0)[:, None], (1, 4))  # row j holds its class j + 1
    net = read_seed_weights(savetxt(tmp_path / "W1.in", W1), savetxt(tmp_path / "W2.in", W2))
    assert net.W1[0, 0] == 0.5
    np.testing.assert_array_equal(net.W1[0, 1:].reshape(20, 20), letter_L())
    np.testing.assert_array_equal(net.W2[:, 0], [10, 1, 2, 3, 4, 5, 6, 7, 8, 9])


def test_we_predict_what_the_tutorials_own_code_predicts(tmp_path):
    (x_in, y_in, w1_in, w2_in), (X, classes, W1, W2) = tutorial_files(tmp_path, m=40)
    # The tutorial: a bias 1 before the raw row, W1 then W2, class = argmax + 1, 10 means 0.
    a3 = sigmoid(np.c_[np.ones(40), sigmoid(np.c_[np.ones(40), X] @ W1.T)] @ W2.T)
    tutorial_digits = (a3.argmax(axis=1) + 1) % 10
    assert len(set(tutorial_digits.tolist())) > 3  # a test that can tell rows apart
    ds = read_seed_data(x_in, y_in)
    net = read_seed_weights(w1_in, w2_in, n_inputs=ds.n_inputs)
    np.testing.assert_array_equal(net.predict(ds.X), tutorial_digits)
    np.testing.assert_allclose(net.predict_proba(ds.X), np.roll(a3, 1, axis=1), rtol=1e-12)
    np.testing.assert_array_equal(ds.y, classes % 10)
    assert ds.name == "your X.in / y.in" and ds.image_shape == (20, 20)


def test_file_to_network_to_file_gives_back_the_same_bytes(tmp_path):
    (_, _, w1_in, w2_in), _ = tutorial_files(tmp_path)
    w1_bytes, w2_bytes = seed_weights_bytes(read_seed_weights(w1_in, w2_in))
    assert w1_bytes == w1_in.read_bytes() and w2_bytes == w2_in.read_bytes()


def test_data_files_to_dataset_to_files_give_back_the_same_bytes(tmp_path):
    (x_in, y_in, _, _), _ = tutorial_files(tmp_path)
    x_bytes, y_bytes = seed_data_bytes(read_seed_data(x_in, y_in))
    assert x_bytes == x_in.read_bytes() and y_bytes == y_in.read_bytes()


@pytest.mark.parametrize("n_inputs", [400, 784])
def test_network_to_files_to_network_is_exact(tmp_path, n_inputs):
    net = Network.random(n_inputs, 7, seed=1)
    w1, w2 = tmp_path / "TrainedW1.in", tmp_path / "TrainedW2.in"
    write_seed_weights(net, w1, w2)
    assert read_seed_weights(w1, w2, n_inputs=n_inputs) == net
    assert seed_weights_bytes(net) == (w1.read_bytes(), w2.read_bytes())
    # In the file, digit 0's weights are the last row of W2.
    np.testing.assert_array_equal(np.loadtxt(w2, delimiter=",")[9], net.W2[0])


def test_dataset_to_files_to_dataset_is_exact(tmp_path):
    rng = np.random.default_rng(2)
    ds = Dataset(rng.uniform(size=(30, 400)), np.arange(30) % 10, (20, 20), "drawings")
    x_path, y_path = tmp_path / "X.in", tmp_path / "y.in"
    write_seed_data(ds, x_path, y_path)
    back = read_seed_data(x_path, y_path)
    np.testing.assert_array_equal(back.X, ds.X)
    np.testing.assert_array_equal(back.y, ds.y)
    Y = np.loadtxt(y_path, delimiter=",")
    assert Y[0, 9] == 1 and Y[1, 0] == 1 and Y.sum() == 30  # digit 0 is class 10
    row = np.loadtxt(x_path, delimiter=",")[3]
    np.testing.assert_array_equal(row.reshape(20, 20).T, ds.images()[3])  # column-major
    assert seed_data_bytes(ds) == (x_path.read_bytes(), y_path.read_bytes())


class Upload(io.BytesIO):
    """Like Streamlit's UploadedFile: a BytesIO with a name."""

    name = "W2.in"


class ReadOnlyStream:
    def __init__(self, data):
        self.data = data

    def read(self, size=-1):
        return self.data


def test_a_source_may_be_a_path_bytes_or_an_uploaded_file(tmp_path):
    Y = np.eye(10)[[3, 9, 0]]
    path = savetxt(tmp_path / "y.in", Y)
    data = path.read_bytes()
    used = Upload(data)
    used.read()  # a page may have read it already
    for source in (path, str(path), data, bytearray(data), io.BytesIO(data), used,
                   ReadOnlyStream(data)):
        np.testing.assert_array_equal(read_seed_y(source), [4, 0, 1])


def test_comments_blank_lines_spaces_and_windows_line_ends_are_fine():
    text = b"# written by hand\r\n1, 0,0,0,0,0,0,0,0,0\r\n\r\n0,0,0,0,0,0,0,0,0,1 # a zero\r\n"
    np.testing.assert_array_equal(read_seed_y(text), [1, 0])


@pytest.mark.parametrize("content, expected", [
    (b"", ["X.in is empty", "expected comma-separated numbers"]),
    (b"\n  \n# only a comment\n", ["X.in is empty"]),
    (b"1,2,3\n4,x,6\n", ["row 2, column 2", "expected a number", "'x'"]),
    (b"1,2,3\n4,5,6e-1x\n", ["row 2, column 3", "'6e-1x'"]),
    (b"pixel1,pixel2\n1,2\n", ["row 1, column 1", "header", "'pixel1'"]),
    (b"1;2;3\n4;5;6\n", ["expected comma-separated numbers", "semicolons", "row 1"]),
    (b"0,5;0,25\n", ["semicolons"]),
    (b"1\t2\t3\n", ["expected comma-separated numbers", "tabs"]),
    (b"1 2 3\n", ["expected comma-separated numbers", "spaces"]),
    (b"1,2,3\n4,nan,6\n", ["row 2, column 2", "expected a finite number", "nan"]),
    (b"1,2,3\n4,5,-inf\n", ["row 2, column 3", "-inf"]),
    (b"1,2,3\n4,5\n", ["row 2 has 2 values, expected 3"]),
    (b"1,2,3,\n", ["row 1, column 4", "empty cell"]),
    (b"1,2\x003\n", ["expected text", "binary"]),
    ("1,2,3".encode("utf-16"), ["binary"]),
    (b"1,2,\xe93\n", ["expected UTF-8 text", "0xe9"]),
    (bytes(range(256)) * 4, ["binary"]),
])
def test_a_bad_text_file_says_what_and_where(content, expected):
    with pytest.raises(DataFormatError) as err:
        read_seed_X(content)
    for part in expected:
        assert part in str(err.value)


@pytest.mark.parametrize("Y, expected", [
    (np.eye(10)[[1, 2, 3]] + np.outer([0, 0, 1], np.eye(10)[4]),
     ["row 3 must be one-hot", "found 0,0,0,1,1,0"]),
    (np.vstack([np.eye(10)[:1], np.zeros((1, 10))]), ["row 2 must be one-hot"]),
    (np.full((2, 10), 0.1), ["row 1 must be one-hot"]),
    (np.c_[[1, 11, 3]], ["row 2", "found 11"]),
    (np.c_[[1, -1, 3]], ["row 2", "found -1"]),
    (np.c_[[1, 2.5, 3]], ["row 2", "whole-number", "found 2.5"]),
    (np.c_[[10, 0, 3]], ["both 0 (row 2) and 10 (row 1)"]),
    (np.zeros((3, 7)), ["10 columns", "found 7"]),
])
def test_bad_labels_are_explained(Y, expected):
    with pytest.raises(DataFormatError) as err:
        read_seed_y(csv(Y))
    for part in expected:
        assert part in str(err.value)


def test_an_image_row_must_be_a_square_number_of_pixels():
    with pytest.raises(DataFormatError, match="found 399 values a row, not a square number"):
        read_seed_X(csv(np.zeros((2, 399))))


def test_X_and_y_must_have_as_many_rows(tmp_path):
    with pytest.raises(DataFormatError, match="X.in has 3 rows but y.in has 2"):
        read_seed_data(csv(np.zeros((3, 400))), csv(np.eye(10)[:2]))


@pytest.mark.parametrize("W1, W2, n_inputs, message", [
    ((25, 785), (10, 26), 400, "W1.in must have 401 columns for 400 inputs, found 785"),
    ((25, 400), (10, 26), None, "W1.in must have a bias column .* found 400 columns"),
    ((25, 401), (9, 26), None, "W2.in must have 10 rows .* found 9"),
    ((25, 401), (10, 27), None, "W2.in must have 26 columns for the 25 hidden units .* found 27"),
])
def test_weights_of_the_wrong_shape_are_explained(W1, W2, n_inputs, message):
    with pytest.raises(DataFormatError, match=message):
        read_seed_weights(csv(np.zeros(W1)), csv(np.zeros(W2)), n_inputs=n_inputs)


def test_files_over_the_size_limit_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_UPLOAD_BYTES", 100)  # the cap every reader goes through
    junk = b"x" * 200  # not numbers either: the size is what gets reported
    (tmp_path / "X.in").write_bytes(junk)
    for source in (junk, tmp_path / "X.in", io.BytesIO(junk)):
        with pytest.raises(DataFormatError, match="too large: expected at most 100 bytes"):
            read_seed_X(source)


def test_unreadable_sources_are_explained(tmp_path):
    with pytest.raises(DataFormatError, match="cannot read"):
        read_seed_X(tmp_path / "missing.in")
    with pytest.raises(DataFormatError, match="found int"):
        read_seed_X(42)


def test_writing_needs_a_network_and_square_images(tmp_path):
    with pytest.raises(DataFormatError, match="Network"):
        seed_weights_bytes("W1.in")
    with pytest.raises(DataFormatError, match="square"):
        seed_weights_bytes(Network.random(12, 3))
    with pytest.raises(DataFormatError, match="square"):
        seed_data_bytes(Dataset(np.zeros((1, 6)), [1], (2, 3)))


def coursera_mat(path, X=None, y=None, W1=None, W2=None):
    names = ("X", "y", "Theta1", "Theta2")
    arrays = zip(names, (X, y, W1, W2), strict=True)
    scipy.io.savemat(path, {k: v for k, v in arrays if v is not None})
    return path


def test_a_coursera_mat_file_reads_like_the_in_files(tmp_path):
    (x_in, y_in, w1_in, w2_in), (X, classes, W1, W2) = tutorial_files(tmp_path)
    path = coursera_mat(tmp_path / "ex4.mat", X, classes[:, None].astype(np.uint8), W1, W2)
    got = read_mat(path.read_bytes())
    expected = read_seed_data(x_in, y_in)
    np.testing.assert_array_equal(got["data"].X, expected.X)
    np.testing.assert_array_equal(got["data"].y, expected.y)
    assert got["network"] == read_seed_weights(w1_in, w2_in)
    weights_only = read_mat(coursera_mat(tmp_path / "w.mat", W1=W1, W2=W2))
    assert weights_only["data"] is None and weights_only["network"] == got["network"]


def test_bad_mat_files_are_explained(tmp_path):
    _, (X, classes, W1, W2) = tutorial_files(tmp_path)
    good = coursera_mat(tmp_path / "ex4.mat", X, classes[:, None], W1, W2).read_bytes()
    with pytest.raises(DataFormatError, match="expected a MATLAB .mat file"):
        read_mat(good[: len(good) // 2])
    with pytest.raises(DataFormatError, match="expected a MATLAB .mat file"):
        read_mat(b"1,2,3\n")
    scipy.io.savemat(tmp_path / "z.mat", {"Z": np.eye(2)})
    with pytest.raises(DataFormatError, match="X and y and/or Theta1 and Theta2, found Z"):
        read_mat(tmp_path / "z.mat")
    with pytest.raises(DataFormatError, match="Theta1 must have 401 columns for 400 inputs, "
                                              "found 65"):
        read_mat(coursera_mat(tmp_path / "m.mat", X, classes[:, None], W1[:, :65], W2))
    with pytest.raises(DataFormatError, match="X in the .mat file must be an array of numbers"):
        read_mat(coursera_mat(tmp_path / "s.mat", np.array(["text"]), classes[:1, None]))


def test_npz_files_use_the_projects_layout(tmp_path):
    rng = np.random.default_rng(4)
    X, y, net = rng.uniform(size=(6, 64)), np.arange(6), Network.random(64, 5, seed=2)
    buf = io.BytesIO()
    np.savez(buf, X=X, y=y, W1=net.W1, W2=net.W2)
    got = read_npz(buf.getvalue())
    np.testing.assert_array_equal(got["data"].X, X)  # no transposing: already row-major
    assert got["data"].image_shape == (8, 8) and list(got["data"].y) == list(y)
    assert got["network"] == net
    only_weights = read_npz(network_npz_bytes(net))
    assert only_weights["data"] is None and only_weights["network"] == net
    buf = io.BytesIO()
    np.savez(buf, X=X.reshape(6, 4, 16), y=y)
    assert read_npz(buf).get("data").image_shape == (4, 16)


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("data, message", [
    (npz_bytes(X=np.array([{"run": "code"}], dtype=object), y=np.zeros(1)),
     "found one that holds Python objects"),
    (pickle.dumps({"W1": np.zeros((2, 5))}), "not a zip archive"),
    (npz_bytes(W1=np.zeros((2, 5)), W2=np.zeros((10, 3)))[:300], "cannot be read"),
    (npz_bytes(X=np.zeros((2, 64))), "X and y and/or W1 and W2, found X"),
    (npz_bytes(X=np.zeros((2, 63)), y=np.zeros(2)), "n square; found \\(2, 63\\)"),
    (npz_bytes(X=np.zeros((2, 64)), y=np.zeros(2), W1=np.zeros((3, 401)), W2=np.zeros((10, 4))),
     "W1 must have 65 columns for 64 inputs, found 401"),
    (npz_bytes(W1=np.zeros((3, 401)), W2=np.zeros((9, 4))), "W2 must have 10 rows"),
])
def test_bad_npz_files_are_explained(data, message):
    with pytest.raises(DataFormatError, match=message):
        read_npz(data)
