"""A network beyond the tutorial's, end to end in a browser: a deep link sets a 2-layer ReLU
network with a softmax output, the Train page trains it, the Draw page reads a digit through both
hidden layers, and Hidden units opens its second layer."""

from browser_driver import (
    check_clean,
    click_button,
    click_nav,
    draw,
    goto,
    key,
    rerun_after,
    selectbox_value,
    shoot,
    wait_idle,
)
from test_draw import ANSWER, ONE
from test_train import active_header, wait_active

LINK = "/Train?hidden_size=30,20&activation=relu&output=softmax&maxiter=8&seed=21"


def test_a_relu_softmax_network_by_deep_link_trains_draws_and_shows_its_second_layer(page, server):
    goto(page, server, LINK)
    check_clean(page)
    click_button(page, "train_go")
    wait_active(page, "8 it")
    header = active_header(page)
    assert "30-20" in header and "relu" in header and "softmax" in header, header
    shoot(page, "02_train_deep_network")

    click_nav(page, "Draw and predict")
    draw(page, ONE)
    page.locator(ANSWER).wait_for(timeout=30_000)
    wait_idle(page)
    for layer in ("draw_layer1", "draw_hidden"):  # one chart per hidden layer
        page.locator(f"{key(layer)} .js-plotly-plot").wait_for(timeout=30_000)
    check_clean(page)

    click_nav(page, "Hidden units")
    picker = page.locator(key("hidden_layer"))
    picker.click()  # opens the list; choosing an option reruns the page
    rerun_after(page, page.get_by_role("option").filter(has_text="layer 2").first.click)
    page.get_by_text("mean activation", exact=False).first.wait_for(timeout=30_000)
    assert selectbox_value(page, "hidden_layer").startswith("layer 2")
    shoot(page, "03_hidden_units_layer_2")
    check_clean(page)
