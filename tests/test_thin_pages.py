"""Pages only draw (issue 11): about 100 lines or fewer, no numpy, nn_core's public names only.

The maths lives in nn_core and the longer widget sections in ui modules named for what they do.
Pages not thinned yet are listed with the size they may not grow beyond; thinning one means
removing it from NOT_YET_THIN. (test_public_face.py checks the nn_core imports.)
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "pages").glob("*.py"))
MAX_LINES = 100
NOT_YET_THIN = {}  # page: (its lines when this test was written, it imports numpy)


def imports_numpy(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(isinstance(node, ast.Import) and any(a.name.split(".")[0] == "numpy" for a in node.names)
               or isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "numpy"
               for node in ast.walk(tree))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_is_short_and_leaves_numpy_to_nn_core_and_ui(page):
    lines = len(page.read_text().splitlines())
    limit, numpy_allowed = NOT_YET_THIN.get(page.name, (MAX_LINES, False))
    assert lines <= limit, f"{page.name} has {lines} lines, expected at most {limit}"
    assert numpy_allowed or not imports_numpy(page), f"{page.name} imports numpy: move the maths out"


def test_the_not_yet_thin_list_names_real_pages():
    assert set(NOT_YET_THIN) <= {p.name for p in PAGES}
