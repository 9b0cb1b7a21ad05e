"""The sidebar's one list of pages (ui/nav.py) names every page of pages/, "Home" first."""

from pathlib import Path

from ui import nav

ROOT = Path(__file__).resolve().parents[1]


def test_the_sidebar_lists_home_then_every_page_in_order():
    files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert nav.PAGES[0] == ("app.py", "Home")
    assert [path for path, _ in nav.PAGES[1:]] == files  # numeric prefixes give the order
    assert all((ROOT / path).exists() for path, _ in nav.PAGES)
