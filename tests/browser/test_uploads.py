"""The tutorial's files, uploaded through the pages' file pickers, are read and used.

The files are made here with numpy in the tutorial's layout, independently of nn_core's writers:
- X.in: one 20x20 image a row, stored column by column (Octave order), comma-separated;
- y.in: one-hot rows, column j is class j+1 and class 10 is digit 0;
- W1.in: 25 x 401, bias column first, pixel columns in the same column-major order as X.in;
- W2.in: 10 x 26, bias column first, row j is class j+1 (so digit 0 is the last row).
The weights are a small network trained here on the same 300 real digits.
"""

import re

import numpy as np
import pytest
from browser_driver import (
    alerts,
    check_clean,
    choose_radio,
    click_button,
    goto,
    key,
    metric,
    plotly_traces,
    shoot,
    upload,
    wait_idle,
    wait_selectbox,
)

import nn_core
from nn_core.digits.datasets import load_dataset, split_dataset, stratified_subset

M = 300


def columns_major(X):
    """Row-major 20x20 images (the project's layout) -> column-major rows (the tutorial's)."""
    return X.reshape(len(X), 20, 20).transpose(0, 2, 1).reshape(len(X), 400)


@pytest.fixture(scope="module")
def tutorial_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tutorial")
    ds = load_dataset("mnist-20x20")
    part = ds.subset(stratified_subset(ds.y, M, seed=1))
    Y = np.zeros((M, 10))
    Y[np.arange(M), (part.y - 1) % 10] = 1  # digit d is class d (d > 0), digit 0 is class 10
    net = nn_core.train(part.X, part.y, hidden_size=25, lambd=1.0, maxiter=40, seed=2).network
    W1 = np.hstack([net.W1[:, :1], columns_major(net.W1[:, 1:])])
    W2 = net.W2[(np.arange(10) + 1) % 10]  # row j holds class j+1: digits 1..9, then 0
    files = {"X.in": columns_major(part.X), "y.in": Y, "W1.in": W1, "W2.in": W2}
    for name, array in files.items():
        np.savetxt(folder / name, array, delimiter=",", fmt="%.10g")
    return {"dir": folder, "net": net, "data": part, **{n: folder / n for n in files}}


def test_data_explorer_shows_uploaded_digits(page, server, tutorial_files):
    goto(page, server, "/Data_explorer")
    page.get_by_text("Use your own X.in and y.in").first.click()
    upload(page, "explorer_x_upload", tutorial_files["X.in"])
    upload(page, "explorer_y_upload", tutorial_files["y.in"])
    click_button(page, "explorer_load")
    wait_selectbox(page, "explorer_dataset", "X.in")  # the data set picked is the user's files
    assert metric(page, "examples m") == str(M)
    assert metric(page, "image size").replace(" ", "") == "20×20"
    # The class counts chart shows the uploaded labels: 30 of each digit (stratified).
    counts = plotly_traces(page.locator(key("explorer_counts")), "y")
    assert sum(map(sum, counts)) == M
    assert all(abs(c - M / 10) <= 1 for trace in counts for c in trace), counts
    shoot(page, "01_data_explorer_your_files")
    check_clean(page)


def test_grade_page_grades_uploaded_weights(page, server, tutorial_files):
    goto(page, server, "/Grade_weights")
    choose_radio(page, "grade_source", "my own files (upload)")
    upload(page, "grade_file_in_0", tutorial_files["W1.in"])
    upload(page, "grade_file_in_1", tutorial_files["W2.in"])
    click_button(page, "grade_read")
    page.locator("h3", has_text="The grade").wait_for()
    wait_idle(page)
    assert "400-25-10" in page.locator("h3", has_text="The grade").inner_text()
    # Files in the tutorial's own layout are recognised as such.
    assert any(a.startswith("As expected") for a in alerts(page)), alerts(page)
    # The grade is the accuracy of the network these files hold, on the same test digits.
    split = split_dataset(load_dataset("mnist-20x20"), seed=0)
    expected = tutorial_files["net"].accuracy(split.test.X, split.test.y)
    assert metric(page, "test accuracy") == f"{expected:.1%}"
    shoot(page, "07_grade_weights_your_files")
    check_clean(page)


def test_train_page_starts_from_uploaded_weights(page, server, tutorial_files):
    goto(page, server, "/Train?maxiter=3&lambd=0.1")
    choose_radio(page, "train_start", "my W1.in and W2.in")
    upload(page, "train_w1", tutorial_files["W1.in"])
    upload(page, "train_w2", tutorial_files["W2.in"])
    page.get_by_text(re.compile(r"Start weights: 400-25-10")).wait_for()
    click_button(page, "train_go")
    page.get_by_text("from your weights").first.wait_for()
    wait_idle(page)
    # Three iterations from random weights read hardly anything; from these weights the wizard
    # already reads most training digits: the uploaded weights were the start.
    split = split_dataset(load_dataset("mnist-20x20"), seed=0)
    start = tutorial_files["net"].accuracy(split.train.X, split.train.y)
    shown = float(metric(page, "train accuracy").rstrip("%")) / 100
    assert shown >= start - 0.1, (shown, start)
    assert start > 0.6, start
    check_clean(page)
