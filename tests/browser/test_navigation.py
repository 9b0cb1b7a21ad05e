"""Every page opens from the sidebar, shows its title and draws its main plotly chart.

One browser session walks the sidebar from the home page, as a visitor does: the tests below run
in order on the same page, each clicking its link from wherever the previous one left off.
"""

import pytest
from browser_driver import (
    CANVAS,
    PLOTLY,
    check_clean,
    click_button,
    click_nav,
    goto,
    key,
    nav_labels,
    nav_link,
    open_page,
    rerun_after,
    shoot,
)

# (sidebar link, URL path, a word of the page's title, screenshot name)
PAGES = [
    ("Data explorer", "/Data_explorer", "data explorer", "01_data_explorer"),
    ("Train", "/Train", "train", "02_train"),
    ("Hidden units", "/Hidden_units", "hidden units", "03_hidden_units"),
    ("Draw and predict", "/Draw_and_predict", "draw", "04_draw_and_predict_empty"),
    ("Experiments", "/Experiments", "experiments", "05_experiments"),
    ("Inside the network", "/Inside_the_network", "inside the network", "06_inside_the_network"),
    ("Grade weights", "/Grade_weights", "grade", "07_grade_weights"),
    ("Class", "/Class", "class board", "09_class"),
    ("Glossary", "/Glossary", "glossary", "08_glossary"),
]


@pytest.fixture(scope="module")
def visitor(context, server):
    """One visitor's page, opened on the home page."""
    pg = open_page(context)
    goto(pg, server, "/")
    yield pg
    pg.close()


def title(page):
    return page.locator("h1").first.inner_text().lower()


def test_home_page_shows_title_and_network_diagram(visitor):
    assert "learn to read" in title(visitor)
    visitor.locator(PLOTLY).first.wait_for()  # the network diagram (drawn after the run ends)
    assert nav_labels(visitor) == ["Home"] + [link for link, *_ in PAGES]
    shoot(visitor, "00_home")
    check_clean(visitor)


@pytest.mark.parametrize("link, path, word, shot", PAGES, ids=[p[0] for p in PAGES])
def test_page_opens_from_sidebar(visitor, link, path, word, shot):
    visitor.problems.clear()
    seconds = click_nav(visitor, link)
    print(f"\n{link}: drawn {seconds:.1f} s after the click")
    assert visitor.url.split("?")[0].endswith(path)
    visitor.wait_for_function("w => document.querySelector('h1')?.innerText.toLowerCase()"
                              ".includes(w)", arg=word)
    if link == "Draw and predict":
        # Its charts appear once something is drawn (test_draw.py); here: the canvas is ready.
        visitor.locator(CANVAS).wait_for()
    elif link == "Experiments":
        # Its charts appear once an experiment has run: the quickest one (two trainings).
        visitor.get_by_role("tab", name="Symmetry").click()
        click_button(visitor, "exp_symmetry_run", timeout=90_000)
        visitor.locator(f"{key('exp_symmetry_weights')} {PLOTLY}").wait_for()
    elif link == "Class":
        # No chart before a class is joined: the class code box to join one.
        visitor.locator(key("class_code")).wait_for()
    elif link == "Glossary":
        # No chart: the definitions, and the search box that narrows them.
        visitor.get_by_text("saliency —", exact=False).first.wait_for()
    else:
        visitor.locator(PLOTLY).first.wait_for()  # fails the test if no plotly chart is drawn
    shoot(visitor, shot)
    check_clean(visitor)


def test_home_link_leads_back_and_start_here_leads_on(visitor):
    visitor.problems.clear()
    rerun_after(visitor, nav_link(visitor, "Home").click, 90_000)
    assert "learn to read" in title(visitor)
    visitor.locator(PLOTLY).first.wait_for()
    start = visitor.locator('[data-testid="stPageLink"] a', has_text="1 · look at the digits")
    rerun_after(visitor, start.click, 90_000)
    assert visitor.url.split("?")[0].endswith("/Data_explorer")
    assert "data explorer" in title(visitor)
    check_clean(visitor)


@pytest.mark.parametrize("path", ["/Draw_and_predict", "/", "/Train"])
def test_home_is_the_first_sidebar_entry_on_every_visit(context, fresh_server, path):
    """A server's very first visitor arrives by a deep link; later ones by / or another page."""
    pg = open_page(context)
    try:
        goto(pg, fresh_server, path)
        assert nav_labels(pg) == ["Home"] + [link for link, *_ in PAGES]
        check_clean(pg)
    finally:
        pg.close()
