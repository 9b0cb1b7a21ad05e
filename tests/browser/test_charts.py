"""Plotly's toolbar never covers what a chart shows, with the pointer over the chart.

The toolbar (zoom, pan, download) appears at a chart's top right under the pointer. On a digit
image or a small chart it would paint a band across the picture, so there is none; on the other
charts it must stay clear of the chart's title. Every visible chart of each page is hovered.

One tab visits the pages in turn from the sidebar, as a visitor does: a new tab per page would
load the app's JavaScript and plotly again each time, which was most of this file's run time.
"""

import pytest
from browser_driver import (
    PLOTLY,
    check_clean,
    click_nav,
    draw,
    goto,
    open_page,
    runs,
    wait_idle,
    wait_rerun,
)

SMALL_PX = 300  # charts this tall or shorter count as small
FOUR = [[(100, 60), (80, 160), (200, 160)], [(170, 80), (170, 250)]]

# What a chart is, as drawn: an image (a heatmap whose y axis is scaled to x), its height, and the
# boxes of its toolbar and title on screen (null when there is none).
DESCRIBE = """el => {
  const plot = el.querySelector('.js-plotly-plot');
  const layout = plot._fullLayout, data = plot._fullData || [];
  const box = sel => { const e = el.querySelector(sel);
                       if (!e) return null; const r = e.getBoundingClientRect();
                       return r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null; };
  return {
    image: data.some(t => t.type === 'heatmap')
           && Object.keys(layout).some(k => k.startsWith('yaxis') && layout[k] && layout[k].scaleanchor),
    height: layout.height,
    title: (t => (t && (t.text ?? t)) || '')(plot.layout.title),  // as given, not a placeholder
    toolbar: box('.modebar'),
    titleBox: box('.gtitle'),
  };
}"""


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def hovered_charts(page):
    """Hover every visible plotly chart of the page in turn and describe it."""
    seen = []
    charts = page.locator(PLOTLY)
    charts.first.wait_for()
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():  # in a closed expander or another tab
            continue
        chart.locator(".main-svg").first.wait_for()  # plotly has drawn it
        chart.hover()
        seen.append(chart.evaluate(DESCRIBE))
    return seen


@pytest.fixture(scope="module")
def visitor(context, server):
    """One visitor's tab for the whole module, opened on the home page."""
    pg = open_page(context)
    goto(pg, server, "/")
    yield pg
    pg.close()


# (URL path, its sidebar link)
PAGES = [("/Data_explorer", "Data explorer"), ("/Train", "Train"), ("/Hidden_units", "Hidden units"),
         ("/Draw_and_predict", "Draw and predict"), ("/Inside_the_network", "Inside the network"),
         ("/Grade_weights", "Grade weights")]


@pytest.mark.parametrize("path, link", PAGES, ids=[p for p, _ in PAGES])
def test_no_toolbar_over_images_or_titles(visitor, path, link):
    page = visitor
    page.problems.clear()
    click_nav(page, link)
    assert page.url.split("?")[0].endswith(path)
    if path == "/Draw_and_predict":  # its charts appear once something is drawn
        before = runs(page)
        draw(page, FOUR)
        wait_rerun(page, before)
        page.locator(f".st-key-draw_saliency2 {PLOTLY} .main-svg").first.wait_for()
        wait_idle(page)
    charts = hovered_charts(page)
    assert charts, "no chart drawn"
    for chart in charts:
        name = chart["title"] or f"an untitled chart {chart['height']} px tall"
        if chart["image"] or chart["height"] <= SMALL_PX:
            assert chart["toolbar"] is None, f"{name}: a toolbar over an image or a small chart"
        elif chart["toolbar"] and chart["titleBox"]:
            assert not overlap(chart["toolbar"], chart["titleBox"]), f"{name}: the toolbar covers the title"
    check_clean(page)
