"""The entry point lists every page of pages/, in the order of their numeric prefixes."""

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def _constant(name):
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"app.py has no {name}")


def test_every_page_file_is_in_the_sidebar_in_order():
    on_disk = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert list(_constant("PAGE_FILES")) == on_disk


def test_start_here_links_point_at_pages_that_exist():
    for path, _label in _constant("START_HERE"):
        assert path in _constant("PAGE_FILES")


def test_home_runs_and_links_onwards():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert "learn to read" in at.title[0].value
    assert len(at.metric) == 3  # train, validation, test accuracy of the active model
    links = [el.proto for el in at.get("page_link")]
    assert [link.page for link in links] == ["Data_explorer", "Train", "Hidden_units", "Draw_and_predict"]
    assert all(link.page_script_hash for link in links)  # registered pages, not dead URLs
