"""Draw a digit with the mouse: the network's answer appears within about a second.

The answer is the large number under "The network says" (class "draw-answer" in
pages/4_Draw_and_predict.py). The time from releasing the mouse to that number showing the
expected digit is measured, printed, and listed in the terminal summary (the goal is 1 s).
"""

import time

from browser_driver import (
    PLOTLY,
    TIMINGS,
    alerts,
    check_clean,
    click_button,
    draw,
    goto,
    key,
    runs,
    selectbox_value,
    shoot,
    wait_idle,
    wait_rerun,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ANSWER = '[data-testid="stMarkdownContainer"]:has-text("The network says") .draw-answer'
ANSWER_IS = """d => [...document.querySelectorAll('.draw-answer')].some(e =>
    e.closest('[data-testid="stMarkdownContainer"]')?.innerText.includes('The network says')
    && e.innerText.trim() === d)"""
GOAL_SECONDS = 1.0

# Strokes in canvas pixels (the canvas is 300 x 300).
ONE = [[(222, 40), (218, 80), (214, 125)]]  # small, vertical, up in the right-hand part
SEVEN = [[(80, 70), (150, 68), (220, 70), (175, 150), (130, 240)]]  # bar, then down to the left
FOUR = [[(100, 60), (80, 160), (200, 160)], [(170, 80), (170, 250)]]  # an L, then the down stroke


def answer_after(page, strokes, digit, label):
    """Draw, wait until the answer reads `digit`, and record the seconds since mouse-up."""
    released = draw(page, strokes)
    page.wait_for_function(ANSWER_IS, arg=str(digit), timeout=30_000)
    seconds = time.perf_counter() - released
    assert seconds < 10, f"the answer took {seconds:.1f} s"  # the goal is 1 s; 10 s is broken
    TIMINGS["measured"].append((f"draw a {label}: mouse-up to answer", seconds))
    print(f"\ndraw a {label}: mouse-up to answer {seconds:.2f} s (goal {GOAL_SECONDS:.0f} s)")
    wait_idle(page)
    # Read again once the run has ended: the whole page agrees on the answer.
    assert page.locator(ANSWER).inner_text().strip() == str(digit)
    return seconds


def test_draw_a_one_then_a_seven(page, server):
    goto(page, server, "/Draw_and_predict")
    assert page.locator(ANSWER).count() == 0
    assert any("Draw a digit" in a for a in alerts(page))
    # The test digit next to the canvas is there from the start, and read.
    page.locator('.draw-answer').first.wait_for()
    page.locator(f"{key('draw_test_img')} {PLOTLY}").wait_for(timeout=15_000)

    answer_after(page, ONE, 1, "1 (small, off-centre)")
    # The preprocessing steps appear as images: drawing, cropped, fitted, centred, input.
    # (plotly draws in the browser after the run: wait for each chart, do not just look)
    for name in [f"draw_step{i}" for i in range(5)] + ["draw_probs"]:
        page.locator(f"{key(name)} {PLOTLY}").wait_for(timeout=15_000)
    check_clean(page)

    click_button(page, "draw_clear")
    assert page.locator(ANSWER).count() == 0

    answer_after(page, SEVEN, 7, "7")
    for i in range(5):
        page.locator(f"{key(f'draw_step{i}')} {PLOTLY}").wait_for(timeout=15_000)
    shoot(page, "04_draw_and_predict")
    check_clean(page)


def test_teach_it_my_handwriting_draw_label_add_retrain(page, server):
    """Draw a digit, label it, add it to my digits, retrain: a new active model reads it."""
    goto(page, server, "/Draw_and_predict")
    answer_after(page, SEVEN, 7, "7 (to teach)")

    # Label it by hand, as a user picking from the list would.
    box = page.locator(f"{key('draw_label')} input[role=combobox]")
    box.click()
    box.fill("7")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert box.input_value() == "7"
    click_button(page, "draw_add")
    page.get_by_text("My digits: 1").wait_for()
    assert page.get_by_text("a 7", exact=True).count() == 1  # the gallery's caption

    # The retraining run ends with st.rerun(); the report is drawn by the run after it, which may
    # not have started when the first one ends, so wait for what the user waits for: the report.
    click_button(page, "draw_retrain", timeout=120_000)
    page.locator('[data-testid="stAlert"]', has_text="(with my digits) is now the active model") \
        .wait_for(timeout=120_000)
    wait_idle(page)
    shown = page.locator('[data-testid="stMetric"]', has_text="accuracy on my digits")
    assert shown.count() == 1 and "100%" in shown.inner_text()  # it now reads my 7
    check_clean(page)


def open_comparison(page):
    """Open the list of "Compare with digit"; returns its options.

    Right after a drawing's rerun the list sometimes closes again at once, so try a few times.
    """
    box = page.locator(f"{key('draw_other')} input[role=combobox]")
    options = page.locator('[role="option"]')
    for _ in range(5):
        wait_idle(page)
        box.click()
        try:
            options.first.wait_for(timeout=3000)
            return options
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            box.blur()
    options.first.wait_for(timeout=1)  # fails with Playwright's message
    return options


def comparison_options(page):
    """The options of "Compare with digit", as its open list shows them."""
    texts = [t.strip() for t in open_comparison(page).all_inner_texts()]
    page.keyboard.press("Escape")
    page.locator(f"{key('draw_other')} input[role=combobox]").blur()
    return texts


def saliency_title(page, i):
    return page.locator(f"{key(f'draw_saliency{i}')} .gtitle").first.text_content()


def test_compare_with_digit_follows_each_stroke(page, server):
    """Each stroke makes a new drawing: the comparison shows one of ITS options, with its a3."""
    goto(page, server, "/Draw_and_predict")
    for stroke in FOUR:  # the first stroke alone is a drawing too
        before = runs(page)
        draw(page, [stroke])
        wait_rerun(page, before)
        page.locator(f"{key('draw_saliency1')} {PLOTLY}").wait_for()
        said = page.locator(ANSWER).inner_text().strip()
        options = comparison_options(page)
        assert len(options) == 9 and not any(o.startswith(f"{said} ") for o in options), options
        # Untouched, it compares with this drawing's runner-up, labelled with this drawing's a3.
        assert selectbox_value(page, "draw_other") == options[0], options
        assert f"for {options[0].split()[0]}" in saliency_title(page, 1)

    # A digit picked by hand stays while the drawing does (here: the gradient of a3 instead).
    picked = options[2]
    options = open_comparison(page)
    before = runs(page)
    options.filter(has_text=picked).first.click()
    wait_rerun(page, before)
    before = runs(page)
    page.locator(key("draw_saliency_of")).get_by_text("the output a3").click()
    wait_rerun(page, before)
    assert selectbox_value(page, "draw_other") == picked
    page.wait_for_function("([sel, t]) => document.querySelector(sel)?.textContent.includes(t)",
                           arg=[f"{key('draw_saliency1')} .gtitle", f"a3[{picked.split()[0]}]"])
    check_clean(page)
