"""The glossary: every technical word the pages use has one entry, and every entry is used.

The words a page shows are read from the source: every string constant in app.py, pages/, ui/
and nn_core (nn_core's error messages and layout names reach the pages), docstrings left out.
"""

import ast

import pytest
from conftest import ROOT
from page_text import shown_and_help
from streamlit.testing.v1 import AppTest

from ui import glossary
from ui.nav import PAGES

# Technical words a beginner met unexplained (the beginner's pass) and the rest the app uses.
TECHNICAL_WORDS = [
    "z3", "a3", "∂z3/∂a1", "saliency", "L-BFGS-B", "CG", "TNC", "cross-entropy", "PCA",
    "principal component", "high variance", "column-major", "converted twice", "box plot",
    "gradient norm", "relative difference", "a1", "z2", "a2", "delta2", "delta3", "λ",
    "regularization", "cost J", "iteration", "maxiter", "learning rate", "validation", "test",
    "overfitting", "bias", "high bias", "one-hot", "sigmoid", "seed", "symmetry", "backprop",
    "gradient checking", "learning curve", "confusion matrix", "hidden unit", "W1", "W2",
    "hidden layer", "tanh", "ReLU", "softmax", "dead unit", "saturated", "row-major", "transposed",
    "class order",
]

SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")),
           *sorted((ROOT / "nn_core").rglob("*.py"))]


def shown_strings(path):
    """The string constants of one source file, without its docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


uses = glossary.uses


@pytest.fixture(scope="module")
def app_text():
    return "\n".join(s for path in SOURCES if path.name != "glossary.py" for s in shown_strings(path))


def test_every_technical_word_the_pages_use_has_an_entry(app_text):
    entry = {**{w: w for w in TECHNICAL_WORDS}, **glossary.ALIASES}
    missing = [w for w in TECHNICAL_WORDS if uses(app_text, w) and entry[w] not in glossary.GLOSSARY]
    assert not missing, f"used on a page but not in ui/glossary.py: {missing}"


def test_every_entry_is_used_by_some_page(app_text):
    named = {t: [t, *(a for a, e in glossary.ALIASES.items() if e == t)] for t in glossary.GLOSSARY}
    unused = [t for t, words in named.items() if not any(uses(app_text, w) for w in words)]
    assert not unused, f"in ui/glossary.py but on no page: {unused}"


def test_explain_gives_each_terms_one_definition():
    text = glossary.explain("z3", "a3")
    assert glossary.GLOSSARY["z3"] in text and glossary.GLOSSARY["a3"] in text
    with pytest.raises(KeyError):
        glossary.explain("not a term")


def test_the_glossary_page_is_in_the_sidebar_and_finds_words():
    assert ("pages/8_Glossary.py", "Glossary") in PAGES
    at = AppTest.from_file(str(ROOT / "pages/8_Glossary.py"), default_timeout=60).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert all(d in shown for d in glossary.GLOSSARY.values())  # every definition, word for word
    at.text_input(key="glossary_find").set_value("saliency").run()
    terms = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")]
    assert "saliency" in terms and "sigmoid" not in terms
    at.text_input(key="glossary_find").set_value("zebra").run()
    assert any("No word or definition contains" in i.value for i in at.info)


# Pages whose every glossary word has its definition in a tooltip on the page itself.
# Every page but the glossary's own, whose text is the definitions.
EXPLAINED_PAGES = [path for path, _ in PAGES if path != "pages/8_Glossary.py"]


@pytest.mark.parametrize("page", EXPLAINED_PAGES)
def test_every_glossary_word_a_page_shows_is_explained_on_that_page(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    assert not at.exception
    shown, helps = shown_and_help(at)
    used = [t for t in glossary.GLOSSARY if uses(shown, t)]
    assert used  # the page does use some of the words
    unexplained = [t for t in used if glossary.GLOSSARY[t] not in helps]
    assert not unexplained, f"{page} shows these words with no tooltip that explains them: {unexplained}"


def test_a_drawing_on_the_draw_page_is_explained_too():
    """The Draw page says most once a digit is drawn (its layers, votes and saliency)."""
    from canvas_values import CANVAS_KEY, mnist_canvas_value

    at = AppTest.from_file(str(ROOT / "pages/4_Draw_and_predict.py"), default_timeout=120)
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.run()
    shown, helps = shown_and_help(at)
    unexplained = [t for t in glossary.GLOSSARY if uses(shown, t) and glossary.GLOSSARY[t] not in helps]
    assert uses(shown, "saliency") and not unexplained, unexplained
