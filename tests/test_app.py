"""Home: it runs, shows the active model, and its "Start here" links lead to real pages."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_home_runs_and_links_onwards():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert "learn to read" in at.title[0].value
    assert len(at.metric) == 3  # train, validation, test accuracy of the active model
    links = [el.proto for el in at.main.get("page_link")]
    assert [link.page for link in links] == ["Data_explorer", "Train", "Hidden_units", "Draw_and_predict"]
    assert all(link.page_script_hash for link in links)  # pages Streamlit knows, not dead URLs
    sidebar = [el.proto for el in at.sidebar.get("page_link")]
    assert [link.label for link in sidebar][:2] == ["Home", "Data explorer"]
    assert all(link.page_script_hash for link in sidebar)
