"""Grading weights from elsewhere: files laid out as promised grade as the model they came from,
a layout mistake is found and the fixed reading graded, and the grade's numbers are the model's own."""

import io

import numpy as np
import pytest

from nn_core import (
    HIDDEN_RANGE,
    DataFormatError,
    Network,
    cost_and_gradient,
    fitting_datasets,
    grade_weights,
    layout,
    layout_mistakes,
    load_dataset,
    network_npz_bytes,
    seed_weights_bytes,
    split_dataset,
    train,
)

SHAPES = {"mnist-20x20": (20, 20), "mnist-28x28": (28, 28), "sklearn-8x8": (8, 8)}


@pytest.fixture(scope="module")
def trained():
    """A small model that reads sklearn's 8x8 digits well, its data set and split."""
    ds = load_dataset("sklearn-8x8")
    split = split_dataset(ds, seed=0)
    net = train(split.train.X, split.train.y, hidden_size=16, maxiter=80, seed=0).network
    assert net.accuracy(split.test.X, split.test.y) > 0.9
    return net, ds, split


def txt(W):
    buf = io.BytesIO()
    np.savetxt(buf, W, delimiter=",")
    return buf.getvalue()


def own_accuracies(net, split):
    return {part: net.accuracy(p.X, p.y)
            for part, p in (("train", split.train), ("validation", split.validation),
                            ("test", split.test))}


def test_the_tutorials_files_grade_as_the_model_that_wrote_them(trained):
    net, ds, split = trained
    grade = grade_weights(layout.raw_seed_weights(*seed_weights_bytes(net)), ds, split)
    assert grade.layout.status == "as expected" and not grade.layout.offers_choice
    assert grade.graded.reading == layout.TUTORIAL
    assert grade.network == net
    assert grade.accuracy == pytest.approx(own_accuracies(net, split))
    J0, _ = cost_and_gradient(net, split.train.X, split.train.y, 0.0)
    J1, _ = cost_and_gradient(net, split.train.X, split.train.y, 1.0)
    assert grade.cost == pytest.approx(J0) and grade.cost + grade.penalty == pytest.approx(J1)
    assert grade.refusal is None


def test_an_npz_from_the_dashboard_grades_in_its_own_layout(trained):
    net, ds, split = trained
    grade = grade_weights(layout.raw_npz_weights(network_npz_bytes(net)), ds, split)
    assert grade.layout.status == "as expected" and grade.graded.reading == layout.DIGIT_ORDER
    assert grade.network == net


def test_a_transposed_w1_is_found_and_its_fixed_reading_graded(trained):
    net, ds, split = trained
    _, w2 = seed_weights_bytes(net)
    raw = layout.raw_seed_weights(txt(net.W1), w2)  # W1.in saved row by row: images transposed
    grade = grade_weights(raw, ds, split, best=True)
    assert grade.layout.status == "mistake" and grade.layout.offers_choice
    assert grade.graded.reading.pixels == "row-major"  # the fixed reading, named
    assert any("transposed" in fix and "to_column_major" in fix for fix in grade.layout.fixes)
    assert grade.network == net  # read that way, the file is the model that wrote it
    assert grade.accuracy == pytest.approx(own_accuracies(net, split))


def test_files_are_graded_as_uploaded_and_the_fix_shows_what_the_mistake_costs(trained):
    net, ds, split = trained
    raw = layout.raw_seed_weights(txt(net.W1), seed_weights_bytes(net)[1])
    promised = grade_weights(raw, ds, split)  # the files as uploaded: the truth first
    fixed = grade_weights(raw, ds, split, best=True, report=promised.layout)
    assert promised.graded.reading == layout.TUTORIAL
    assert promised.accuracy["test"] < fixed.accuracy["test"] - 0.3
    assert promised.cost > fixed.cost


def test_the_confusion_matrix_counts_every_test_digit(trained):
    net, ds, split = trained
    grade = grade_weights(layout.raw_seed_weights(*seed_weights_bytes(net)), ds, split)
    C = grade.confusion
    assert C.sum() == len(split.test)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(split.test.y, minlength=10))
    assert np.trace(C) / len(split.test) == pytest.approx(grade.accuracy["test"])


def test_untrained_weights_are_graded_as_promised(trained):
    _, ds, split = trained
    rnd = Network.random(64, 16, seed=3)
    raw = layout.raw_seed_weights(*seed_weights_bytes(rnd))
    grade = grade_weights(raw, ds, split)
    assert grade.layout.status == "unclear" and not grade.layout.offers_choice
    assert grade.graded.reading == layout.TUTORIAL and grade.network == rnd


@pytest.mark.parametrize("hidden, can_be_active", [(HIDDEN_RANGE[1], True),
                                                   (HIDDEN_RANGE[1] + 1, False)])
def test_a_hidden_size_beyond_the_range_is_graded_but_refused(trained, hidden, can_be_active):
    _, ds, split = trained
    rnd = Network.random(64, hidden, seed=1)
    grade = grade_weights(layout.raw_npz_weights(network_npz_bytes(rnd)), ds, split)
    assert set(grade.accuracy) == {"train", "validation", "test"}
    assert (grade.refusal is None) == can_be_active
    if not can_be_active:
        assert str(HIDDEN_RANGE[1] + 1) in grade.refusal


def test_fitting_datasets_by_w1_width():
    assert fitting_datasets(401, SHAPES) == ["mnist-20x20"]
    assert fitting_datasets(785, SHAPES) == ["mnist-28x28"]
    assert fitting_datasets(64, SHAPES) == ["sklearn-8x8"]  # its bias column missing
    assert fitting_datasets(66, SHAPES) == ["sklearn-8x8"]  # one column too many
    both = {"a": (4, 4), "b": (1, 17)}  # 16 and 17 inputs: 17 + 1 columns fit both
    assert fitting_datasets(18, both) == ["b", "a"]  # bias first is the promised reading
    assert fitting_datasets(18, both, first="a") == ["a", "b"]
    assert fitting_datasets(18, both, first="c") == ["b", "a"]  # a name that does not fit is ignored


def test_no_fitting_data_set_says_what_w1_needs():
    with pytest.raises(DataFormatError, match="W1 has 50 columns") as info:
        fitting_datasets(50, SHAPES)
    assert "401 for 20×20 digits" in str(info.value) and "65 for 8×8 digits" in str(info.value)


def test_a_split_of_another_data_set_is_refused(trained):
    net, ds, _ = trained
    other = split_dataset(load_dataset("mnist-20x20"), seed=0)
    with pytest.raises(DataFormatError, match="expected 64 inputs .*found 400"):
        grade_weights(layout.raw_seed_weights(*seed_weights_bytes(net)), ds, other)


def test_each_layout_mistake_is_said_in_plain_words():
    said = layout_mistakes(layout.Reading("row-major", "class order, converted twice",
                                          "bias missing", "extra last column"), layout.TUTORIAL)
    assert len(said) == 4
    assert "transposed" in said[0] and "column by column" in said[0]
    assert "off by one digit" in said[1] and "applied twice" in said[1]
    assert "no bias column" in said[2] and "one column too many" in said[3]
    wrong_way = layout_mistakes(layout.DIGIT_ORDER, layout.TUTORIAL)
    assert "off by one digit" in wrong_way[1]
    assert layout_mistakes(layout.TUTORIAL, layout.TUTORIAL) == []


@pytest.fixture(scope="module")
def deeper(trained):
    _, ds, split = trained
    net = train(split.train.X, split.train.y, hidden_size=(12, 8), maxiter=60, seed=0,
                activation="tanh", output="softmax").network
    return net, ds, split


def test_a_deeper_network_is_read_whole_and_graded_without_guessing_a_layout(deeper):
    net, ds, split = deeper
    raw = layout.raw_npz_weights(network_npz_bytes(net))
    assert raw.network == net
    grade = grade_weights(raw, ds, split)
    assert grade.layout is None and grade.network == net
    assert grade.accuracy == pytest.approx(own_accuracies(net, split))
    J1, _ = cost_and_gradient(net, split.train.X, split.train.y, 1.0)
    assert grade.cost + grade.penalty == pytest.approx(J1)
    assert grade.refusal is None
    assert fitting_datasets(net.W1.shape[1], SHAPES, exact=True) == ["sklearn-8x8"]
    with pytest.raises(DataFormatError, match="W1 must have 401 columns"):
        grade_weights(raw, load_dataset("mnist-20x20"), split_dataset(load_dataset("mnist-20x20")))


def npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("arrays, says", [
    (dict(W1=np.zeros((4, 65)), W2=np.zeros((3, 5)), W3=np.zeros((10, 7))), "W3 must have 4 columns"),
    (dict(W1=np.zeros((4, 65)), W2=np.zeros((10, 5)), activation=np.array("swish")), "swish"),
    (dict(W1=np.zeros((4, 65)), W2=np.zeros((3, 5)), W4=np.zeros((10, 4))), "W1 to W4 at most, in"),
    (dict(A1=np.zeros((4, 65)), A2=np.zeros((10, 5)), activation=np.array("relu")), "A1, A2"),
])
def test_a_deeper_npz_that_does_not_chain_or_names_unknown_things_is_refused(arrays, says):
    with pytest.raises(DataFormatError, match=says):
        layout.raw_npz_weights(npz(**arrays))
