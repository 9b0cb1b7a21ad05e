"""The guided tour in a browser: started from Home, answered in the sidebar, kept across pages."""

from browser_driver import alerts, check_clean, click_button, click_nav, goto, key, rerun_after, shoot


def sidebar_text(page):
    return page.locator('[data-testid="stSidebar"]').inner_text()


def answer(page, value):
    box = page.locator(f"{key('tour_answer_0')} input")
    rerun_after(page, lambda: (box.fill(str(value)), box.press("Enter")))
    click_button(page, "tour_check")


def test_the_tour_starts_on_home_gives_a_hint_and_follows_the_learner(page, server):
    goto(page, server, "/")
    click_button(page, "tour_start")
    assert "question 1 of 8" in sidebar_text(page)
    answer(page, 25 * 401)  # W1 only: W2's weights forgotten
    assert any("Not quite" in a for a in alerts(page))
    shoot(page, "00_home_tour_hint", full_page=False)
    answer(page, 25 * 401 + 10 * 26)
    assert "question 2 of 8" in sidebar_text(page)
    click_nav(page, "Data explorer")
    assert "question 2 of 8" in sidebar_text(page)  # the tour came along
    check_clean(page)
