"""The sidebar's one list of pages (ui/nav.py) names every page of pages/, "Home" first."""

from pathlib import Path

from ui import nav

ROOT = Path(__file__).resolve().parents[1]


def test_the_sidebar_lists_home_then_every_page_in_order_and_the_glossary_last():
    files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert nav.PAGES[0] == ("app.py", "Home")
    listed = [path for path, _ in nav.PAGES[1:]]
    assert sorted(listed) == files and len(listed) == len(files)  # every page, once
    # Numeric prefixes give the order, except the Glossary: the reference comes last, after the
    # Class page (9_Class.py) that was added after it.
    assert listed == [f for f in files if f != "pages/8_Glossary.py"] + ["pages/8_Glossary.py"]
    assert [label for _, label in nav.PAGES[-3:]] == ["Grade weights", "Class", "Glossary"]
    assert all((ROOT / path).exists() for path, _ in nav.PAGES)
