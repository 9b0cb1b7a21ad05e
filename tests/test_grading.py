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
    grade = grade_weights(raw, ds, split)
    assert grade.layout.status == "mistake" and grade.layout.offers_choice
    assert grade.graded.reading.pixels == "row-major"  # the fixed reading, named
    assert any("transposed" in fix and "to_column_major" in fix for fix in grade.layout.fixes)
    assert grade.network == net  # read that way, the file is the model that wrote it
    assert grade.accuracy == pytest.approx(own_accuracies(net, split))


def test_the_promised_reading_of_a_mistake_shows_what_it_costs(trained):
    net, ds, split = trained
    raw = layout.raw_seed_weights(txt(net.W1), seed_weights_bytes(net)[1])
    fixed = grade_weights(raw, ds, split)
    promised = grade_weights(raw, ds, split, promised=True, report=fixed.layout)
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
