"""Your work survives, in a browser: a reload, a page switch and a server restart keep a run.

The server of this module is its own (streamlit_server), stopped and started again on the same
database (the tests' NN_DIGITS_DATA_DIR, inherited by the server): a real restart. With
SCREENSHOTS=1 the Train page after the reload and after the restart is saved in docs/screenshots.
"""

from urllib.parse import parse_qs, urlparse

from browser_driver import check_clean, click_button, click_nav, goto, open_page, shoot, wait_idle
from conftest import streamlit_server
from test_train import active_header, new_run_id, wait_active


def workspace(page):
    return parse_qs(urlparse(page.url).query)["ws"][0]


def show_active(page, name):
    """With SCREENSHOTS=1, the Train page's "The active model" in view, saved as name.png."""
    page.locator("h2", has_text="The active model").first.evaluate(
        "h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)  # the charts below redraw at their place
    shoot(page, name, full_page=False)


def test_a_run_survives_a_reload_a_page_switch_and_a_server_restart(context):
    with streamlit_server() as url:
        page = open_page(context)
        goto(page, url, "/Train?maxiter=3&hidden_size=9&seed=21")
        page.wait_for_function("() => location.search.includes('ws=')")
        ws = workspace(page)
        assert len(ws) >= 22 and "maxiter=3" in page.url  # next to the settings
        click_button(page, "train_go")
        wait_active(page, "3 it")
        run_id = new_run_id(page)

        page.reload()  # a reload: a new session on the same link
        page.wait_for_selector("h1")
        wait_active(page, f"#{run_id} ·")
        show_active(page, "workspace_after_reload")
        click_nav(page, "Home")  # a page switch keeps the workspace in the URL
        assert workspace(page) == ws
        click_nav(page, "Train")
        assert workspace(page) == ws
        wait_active(page, f"#{run_id} ·")
        check_clean(page)
        page.close()

    with streamlit_server() as url:  # the server restarted
        page = open_page(context)
        goto(page, url, f"/Train?ws={ws}")
        wait_active(page, f"#{run_id} ·")
        assert "9 hidden" in active_header(page)
        show_active(page, "workspace_after_restart")
        other = open_page(context)  # another workspace sees nothing of it
        goto(other, url, "/Train")
        wait_idle(other)
        assert workspace(other) != ws and f"#{run_id} ·" not in active_header(other)
        check_clean(page)
        check_clean(other)
