"""What a visitor types or names is shown as text, and a server error shows no server details.

1. Files whose names (or cells) are markdown images pointing at a local "beacon" server are
   uploaded where an error message quotes them: the message must show the name as written, and
   the browser must never ask the beacon for the image.
2. A page that fails unexpectedly, on a server started with the project's .streamlit/config.toml,
   shows the error's type but not its message or traceback (which hold the server's paths).
"""

import http.server
import io
import threading

import numpy as np
import pytest
from browser_driver import (
    alerts,
    choose_radio,
    click_button,
    goto,
    key,
    new_context,
    open_page,
    rerun_after,
)
from conftest import streamlit_server

from ui import weight_uploads as uploads


@pytest.fixture
def beacon():
    """A local HTTP server that records every path asked of it; yields (base URL, paths)."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()


def payload(name, data):
    """A file for the browser's file picker with any name, slashes included."""
    return {"name": name, "mimeType": "application/octet-stream", "buffer": data}


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def set_file(page, key_name, file):
    rerun_after(page, lambda: page.locator(f"{key(key_name)} input[type=file]").set_input_files(file))
    # The uploader lists the file (its name shortened) once the browser has sent it.
    page.locator(f'{key(key_name)} [data-testid="stFileChip"]').first.wait_for()


def error_text(page):
    errors = [t for t in alerts(page) if "Could not read" in t or "columns" in t]
    assert errors, alerts(page)
    return errors[0]


def load_in_data_explorer(page, server, x_file, y_file=None):
    """Upload X (and y) in the Data explorer and press Load; returns the error shown."""
    goto(page, server, "/Data_explorer")
    page.get_by_text("Use your own X.in and y.in").first.click()
    set_file(page, "explorer_x_upload", x_file)
    if y_file is not None:
        set_file(page, "explorer_y_upload", y_file)
    click_button(page, "explorer_load")
    return error_text(page)


def test_file_names_in_data_explorer_errors_are_text(page, server, beacon):
    url, asked = beacon
    name = f"![t]({url}/explorer.png).npz"  # weights only: "… holds no digits"
    weights = npz_bytes(W1=np.zeros((2, 5)), W2=np.zeros((10, 3)))
    assert name in load_in_data_explorer(page, server, payload(name, weights))  # as written, no image
    page.wait_for_timeout(500)
    assert asked == []


def test_cells_quoted_in_errors_are_text(page, server, beacon):
    url, asked = beacon
    cell = f"![t]({url}/c.png)"
    shown = load_in_data_explorer(page, server, payload("X.in", f"{cell}\n".encode()),
                                  payload("y.in", b"1\n"))
    assert cell in shown
    page.wait_for_timeout(500)
    assert asked == []


def test_file_names_in_grade_weights_errors_are_text(page, server, beacon):
    url, asked = beacon
    name = f"**bold** ![t]({url}/grade.png).npz"
    goto(page, server, "/Grade_weights")
    choose_radio(page, "grade_source", "my own files (upload)")
    choose_radio(page, "grade_kind", uploads.KINDS["npz"][0])
    # W1 with 11 columns fits no data set (401, 785 or 65): the page names the file in its error.
    weights = npz_bytes(W1=np.zeros((3, 11)), W2=np.zeros((10, 4)))
    set_file(page, "grade_file_npz_0", payload(name, weights))
    click_button(page, "grade_read")
    assert name in error_text(page)
    page.wait_for_timeout(500)
    assert asked == []


def test_unexpected_errors_show_no_details(browser, tmp_path):
    """With the project's config, a failing page shows the error's type, not where it happened."""
    script = tmp_path / "failing_page.py"
    script.write_text('import streamlit as st\nst.title("A page that fails")\n'
                      'raise RuntimeError("secret detail from /srv/private/settings.py")\n')
    with streamlit_server(script) as url:
        context = new_context(browser)
        try:
            pg = open_page(context)
            pg.goto(url)
            box = pg.locator('[data-testid="stException"]')
            box.first.wait_for()
            shown = box.first.inner_text()
        finally:
            context.close()
    assert "RuntimeError" in shown  # the visitor learns something went wrong, and what kind
    assert "secret detail" not in shown and "/srv/private" not in shown
    assert "failing_page.py" not in shown and "Traceback" not in shown
