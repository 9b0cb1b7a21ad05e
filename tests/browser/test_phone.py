"""Draw a digit by touch on a phone (390 x 844, touch screen): the answer shows where you drew.

Issue 13, "Phones": the canvas fits the screen; right after the drawing the answer is on screen
together with the canvas, without scrolling; captions do not overlap; no text says "mouse".

How it works
1. A browser context of its own plays the phone (browser_driver.PHONE: is_mobile, has_touch).
2. The visitor scrolls the canvas to the middle of the screen and draws a 1 with a finger
   (browser_driver.touch_draw: real touch events, not mouse ones).
3. Once the answer reads 1, the page has not scrolled, and the answer's box is inside the screen.
"""

import pytest
from browser_driver import (
    CANVAS,
    PHONE,
    PLOTLY,
    check_clean,
    goto,
    key,
    new_context,
    open_page,
    shoot,
    touch_draw,
    wait_idle,
)

ANSWER_BOX = '[data-testid="stMarkdownContainer"]:has-text("The network says")'
ANSWER_IS = """d => [...document.querySelectorAll('.draw-answer')].some(e =>
    e.closest('[data-testid="stMarkdownContainer"]')?.innerText.includes('The network says')
    && e.innerText.trim() === d)"""
ONE = [[(150, 40), (148, 150), (146, 260)]]  # a vertical stroke down the middle
# Small texts that sit next to one another: captions, widget labels, chart titles (.gtitle) and
# the titles over the tiles of an image grid (plotly text points).
CAPTIONS = ('[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"], '
            '[data-testid="stImageCaption"], .gtitle, .textpoint')
# Pairs of those whose boxes overlap by more than a pixel, as [text, text]; hidden ones (in a
# closed expander, or not laid out) do not count.
OVERLAPS = """sel => {
  const shown = [...document.querySelectorAll(sel)].filter(e => !e.closest('details:not([open])'))
    .map(e => [(e.textContent || '').trim().slice(0, 40), e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  const pairs = [];
  shown.forEach(([ta, a], i) => shown.slice(i + 1).forEach(([tb, b]) => {
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      pairs.push([ta, tb]);
  }));
  return pairs;
}"""
SCROLL_TOP = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"


@pytest.fixture
def phone(browser, server):
    ctx = new_context(browser, **PHONE)
    pg = open_page(ctx)
    yield pg
    ctx.close()


def test_draw_a_one_by_touch_on_a_phone(phone, server):
    page, screen = phone, PHONE["viewport"]
    goto(page, server, "/Draw_and_predict")
    canvas = page.locator(CANVAS)
    canvas.wait_for()
    canvas.evaluate("e => e.scrollIntoView({block: 'center'})")  # where a thumb would put it
    page.wait_for_timeout(300)
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], f"canvas {box}"
    texts = [page.locator("body").inner_text()]  # before the drawing (its prompt), and after

    scrolled = page.evaluate(SCROLL_TOP)
    touch_draw(page, ONE)
    page.wait_for_function(ANSWER_IS, arg="1", timeout=30_000)
    wait_idle(page)

    # Right after the drawing, without scrolling: the answer is on screen, under the canvas.
    assert page.evaluate(SCROLL_TOP) == scrolled
    answer = page.locator(f"{ANSWER_BOX} .draw-answer").bounding_box()
    assert 0 <= answer["y"] and answer["y"] + answer["height"] <= screen["height"], \
        f"the answer is at {answer}, the screen {screen['height']} px high"
    under = page.locator(ANSWER_BOX).bounding_box()["y"] - (box["y"] + box["height"])
    assert 0 <= under < 60, f"{under:.0f} px between the canvas and its answer"
    shoot(page, "phone-draw-after", full_page=False)

    # The whole page, once its charts are drawn: no "mouse", no captions on top of each other.
    for name in ("draw_step4", "draw_top_units", "draw_saliency2"):
        page.locator(f"{key(name)} {PLOTLY}").wait_for(timeout=15_000)
    page.locator(f"{key('draw_top_units')} .textpoint").first.wait_for(timeout=15_000)
    texts.append(page.locator("body").inner_text())
    assert not [t for t in texts if "mouse" in t.lower()]
    assert page.evaluate(OVERLAPS, CAPTIONS) == []
    check_clean(page)
