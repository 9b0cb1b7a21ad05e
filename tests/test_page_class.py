"""The Class page and the Train page's share button (AppTest, a real SQLite file).

A teacher session unlocks with the key from the environment and creates a class; student
sessions (each its own workspace) join with the code or a ?class= link, train, share, and use
the class's best run.
"""

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_any_active_model import render_every_page, train_on_page

import storage
from storage import classes, db

KEY = "open sesame 42"
CLASS_PAGE, TRAIN_PAGE = "pages/9_Class.py", "pages/2_Train.py"
ANN, BOB, TEACHER = "a" * 22, "b" * 22, "t" * 22


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'workspaces.sqlite3'}"
    monkeypatch.setenv(db.ENV_URL, url)
    monkeypatch.setenv("NN_DIGITS_TEACHER_KEY", KEY)
    db.forget_engines()
    yield url
    db.forget_engines()


def session(ws, page=CLASS_PAGE, **query):
    """A new browser session on `page` with workspace ws (and more query parameters)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update(query, ws=ws)
    at.run()
    return at.switch_page(page).run()


def texts(at):
    return " ".join(str(e.value) for kind in (at.markdown, at.caption, at.success, at.error,
                                              at.warning, at.info) for e in kind)


def unlock(at, key=KEY):
    at.text_input(key="teacher_key").input(key)
    return at.button(key="teacher_unlock").click().run()


def new_class(ws=TEACHER):
    """A teacher session that unlocked and created a class; returns (session, code)."""
    at = unlock(session(ws))
    at.button(key="class_create").click().run()
    assert any("is ready" in s.value for s in at.success)
    return at, classes.read_code(at.query_params["class"])


def join(at, code, nickname=""):
    at.text_input(key="class_code").input(code)
    at.text_input(key="class_nickname").input(nickname)
    return at.button(key="class_join").click().run()


def train_and_share(at, hidden=5):
    train_on_page(at, hidden=hidden)
    at.button(key="class_share").click().run()
    assert any("is on the board of class" in s.value for s in at.success), texts(at)
    return at


def no_key_anywhere(at, key=KEY):
    """The key is in no query parameter and in nothing the page shows."""
    assert all(key not in str(v) for v in at.query_params.values())
    assert key not in texts(at) and key not in str(at.query_params)


def test_without_a_teacher_key_the_page_says_how_to_set_one_and_nobody_can_create(monkeypatch):
    monkeypatch.delenv("NN_DIGITS_TEACHER_KEY")
    at = session(ANN)
    assert not at.exception
    assert "No teacher key is set on this server" in texts(at)
    assert "NN_DIGITS_TEACHER_KEY" in texts(at) and "secrets.toml" in texts(at)
    with pytest.raises(KeyError):
        at.text_input(key="teacher_key")
    with pytest.raises(KeyError):
        at.button(key="class_create")


def test_a_wrong_teacher_key_is_refused_with_a_clear_message_and_never_reaches_the_url():
    at = unlock(session(TEACHER), key="guess")
    assert any("That is not this server's teacher key" in e.value for e in at.error)
    assert at.text_input(key="teacher_key").value == ""  # the box is emptied
    with pytest.raises(KeyError):
        at.button(key="class_create")
    no_key_anywhere(at, "guess")
    at, code = new_class()
    no_key_anywhere(at)
    assert classes.read_code(at.query_params["class"]) == code  # the class, not the key
    assert classes.class_exists(storage.open_database(), code)


def test_a_wrong_class_code_is_refused_with_a_clear_message():
    at = session(ANN)
    missing = classes.shown_code(classes.new_code())
    at = join(at, missing)
    assert any(f"there is no class {missing} on this server" in e.value for e in at.error)
    at = join(at, "hello")
    assert any("a class code is 10 letters and digits" in e.value for e in at.error)
    assert "class" not in at.query_params and not at.exception
    link = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)  # a link to a class that
    link.query_params.update({"ws": BOB, "class": missing})  # does not exist, to any page
    link.run()
    assert any(f"no class {missing}" in w.value for w in link.sidebar.warning)
    assert "class" not in link.query_params and not link.exception


def test_students_join_share_and_see_the_board_and_the_best_run_becomes_active_everywhere():
    _, code = new_class()
    ann = join(session(ANN), classes.shown_code(code).lower(), "**Ann** $x$")
    assert any("You joined class" in s.value for s in ann.success)
    assert classes.read_code(ann.query_params["class"]) == code
    train_and_share(ann)
    bob = session(BOB, **{"class": code})  # a link joins too
    bob.switch_page(CLASS_PAGE).run()
    assert "1 run shared" in texts(bob)
    charts = [c.proto.spec for c in bob.get("plotly_chart")]
    assert len(charts) == 3 and all("validation accuracy" in spec for spec in charts)
    assert any('"**Ann** $x$"' in spec for spec in charts)  # the nickname in a hover, as typed
    best = [m.value for m in bob.markdown if "on validation" in m.value]
    assert best and r"\*\*Ann\*\* \$x\$" in best[0]  # shown as text, not as bold and a formula
    assert ANN not in texts(bob) and all(ANN not in spec for spec in charts)  # no workspace id
    bob.button(key="class_use_best").click().run()
    assert any("now your run #1 and your active model" in s.value for s in bob.success), texts(bob)
    (run,) = bob.session_state["runs"]
    assert bob.session_state["active_run_id"] == run.id and "from the class board" in run.note
    shared = ann.session_state["runs"][-1]
    assert [W.tobytes() for W in run.network.weights] == [W.tobytes() for W in shared.network.weights]
    assert run.settings == shared.settings and run.accuracy == shared.accuracy
    render_every_page(bob)  # the copy works as the active model on every page
    again = session(BOB)  # a reload: the membership and the copied run came back from the database
    assert again.session_state["class_joined"][0] == code
    assert classes.read_code(again.query_params["class"]) == code
    assert [r.note for r in again.session_state["runs"]] == [run.note]


def test_only_the_teacher_removes_entries_and_clears_the_board():
    teacher, code = new_class()
    for ws in (ANN, BOB):
        train_and_share(session(ws, **{"class": code}), hidden=5)
    student = session(ANN)
    assert "2 runs shared" in texts(student)
    assert not [b for b in student.button if b.key.startswith("class_remove_")]
    teacher.run()
    ids = [e["id"] for e in classes.entries(storage.open_database(), code)]
    assert {b.key for b in teacher.button if b.key.startswith("class_remove_")} == \
        {f"class_remove_{i}" for i in ids}
    teacher.button(key=f"class_remove_{ids[0]}").click().run()
    assert "1 run shared" in texts(teacher)
    assert teacher.button(key="class_clear").disabled
    teacher.checkbox(key="class_clear_confirm").check().run()
    teacher.button(key="class_clear").click().run()
    assert "0 runs shared" in texts(teacher) and "1 run removed" in texts(teacher)
    assert classes.entries(storage.open_database(), code) == []


def test_the_share_button_needs_a_class_and_an_active_run():
    at = session(ANN, page=TRAIN_PAGE)
    with pytest.raises(KeyError):
        at.button(key="class_share")  # in no class
    _, code = new_class()
    at = session(ANN, page=TRAIN_PAGE, **{"class": code})
    with pytest.raises(KeyError):
        at.button(key="class_share")  # the shared default model is not this student's run
