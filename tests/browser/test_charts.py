"""Plotly's toolbar never covers what a chart shows, with the pointer over the chart.

The toolbar (zoom, pan, download) appears at a chart's top right under the pointer. On a digit
image or a small chart it would paint a band across the picture, so there is none; on the other
charts it must stay clear of the chart's title. Every visible chart of each page is hovered.
"""

import pytest
from browser_driver import PLOTLY, check_clean, draw, goto, runs, wait_idle, wait_rerun

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


@pytest.mark.parametrize("path", ["/Data_explorer", "/Train", "/Hidden_units", "/Draw_and_predict",
                                  "/Inside_the_network", "/Grade_weights"])
def test_no_toolbar_over_images_or_titles(page, server, path):
    goto(page, server, path)
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
