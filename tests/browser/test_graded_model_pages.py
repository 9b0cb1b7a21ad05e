"""Grade weights -> upload the tutorial's W1.in and W2.in -> "Make this the active model" -> every
page from the sidebar, each without an exception box, a console error or an HTTP error.

The graded model was not trained here (its run records maxiter 0): the Experiments page used to fail
on it with "The value 0 is less than the min_value 1". The files are written here, by
nn_core.write_seed_weights, for a 25-hidden-unit network trained briefly on 300 digits.
"""

import pytest
from browser_driver import (
    alerts,
    check_clean,
    choose_radio,
    click_button,
    click_nav,
    goto,
    key,
    upload,
    wait_idle,
)

import nn_core
from nn_core.digits.datasets import load_dataset, stratified_subset

# Every page in the sidebar after the home page, with a word of its title.
PAGES = [("Data explorer", "data explorer"), ("Train", "train"), ("Hidden units", "hidden units"),
         ("Draw and predict", "draw"), ("Experiments", "experiments"),
         ("Inside the network", "inside the network"), ("Grade weights", "grade")]


@pytest.fixture(scope="module")
def weight_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graded")
    ds = load_dataset("mnist-20x20")
    part = ds.subset(stratified_subset(ds.y, 300, seed=3))
    net = nn_core.train(part.X, part.y, hidden_size=25, maxiter=20, seed=4).network
    nn_core.write_seed_weights(net, folder / "W1.in", folder / "W2.in")
    return folder / "W1.in", folder / "W2.in"


def title(page):
    return page.locator("h1").first.inner_text().lower()


def test_graded_weights_made_active_leave_every_page_clean(page, server, weight_files):
    goto(page, server, "/Grade_weights")
    choose_radio(page, "grade_source", "my own files (upload)")
    upload(page, "grade_file_in_0", weight_files[0])
    upload(page, "grade_file_in_1", weight_files[1])
    click_button(page, "grade_read")
    page.locator("h3", has_text="The grade").wait_for()
    wait_idle(page)
    click_button(page, "grade_activate")
    assert any("now the active model" in a and "from your weights" in a for a in alerts(page)), alerts(page)
    check_clean(page)

    for link, word in PAGES:
        click_nav(page, link)
        page.wait_for_function("w => document.querySelector('h1')?.innerText.toLowerCase().includes(w)",
                               arg=word)
        wait_idle(page)
        if link == "Experiments":  # the graded model's maxiter 0 gives way to the default, 50
            assert page.locator(f"{key('exp_maxiter')} input").input_value() == "50"
        check_clean(page)
    click_nav(page, "Home")  # and home again: the home page shows the graded model
    assert "learn to read" in title(page)
    assert page.get_by_text("from your weights").count() >= 1
    check_clean(page)
