"""storage/classes.py: classes, their members and their boards, in SQLite and a real PostgreSQL.

Each test runs on a fresh database of both kinds, as tests/test_storage.py does: a SQLite file
in tmp_path, and a new database in a PostgreSQL server started for this module.
"""

import json
import uuid

import pytest
import sqlalchemy as sa
from pg_server import postgres_url

import storage
from nn_core import Network, network_npz_bytes
from storage import classes, db

ANN, BOB, EVE = "a" * 22, "b" * 22, "e" * 22


@pytest.fixture(scope="module")
def pg_server():
    with postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workspaces.sqlite3'}"
    else:
        base = request.getfixturevalue("pg_server")
        name = "t_" + uuid.uuid4().hex  # made here, never from user text
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        yield base.rsplit("/", 1)[0] + "/" + name
    db.forget_engines()
    if request.param == "postgresql":
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def restart(url):
    db.forget_engines()
    return storage.open_database(url)


def a_run(lambd=1.0, validation=0.9, seed=0):
    return dict(settings={"dataset": "mnist-20x20", "hidden_size": 25, "lambd": lambd, "seed": seed},
                accuracy={"train": 0.95, "validation": validation, "test": 0.88},
                result={"history": [[1, 2.5, 0.1, 3, 0.01]], "converged": False,
                        "message": "maxiter reached", "stopped": False},
                network=Network.random(4, 3, seed=seed))


def test_a_shared_run_is_on_its_boards_list_and_comes_back_bit_for_bit_after_a_restart(url):
    engine = storage.open_database(url)
    code = classes.create_class(engine)
    assert classes.join_class(engine, ANN, classes.shown_code(code).lower(), "  Ann ") == (code, "Ann")
    run = a_run(lambd=3.0, validation=0.91, seed=7)
    entry_id = classes.share_run(engine, code, ANN, "Ann", run)
    engine = restart(url)
    assert classes.membership(engine, ANN) == (code, "Ann")
    (entry,) = classes.entries(engine, code)
    assert entry["id"] == entry_id and entry["nickname"] == "Ann"
    assert (entry["settings"], entry["accuracy"]) == (run["settings"], run["accuracy"])
    back = classes.entry_run(engine, code, entry_id)
    assert back["result"] == run["result"]
    assert [W.tobytes() for W in back["network"].weights] == [W.tobytes() for W in run["network"].weights]


def test_the_board_never_shows_a_workspace_id(url):
    engine = storage.open_database(url)
    code = classes.create_class(engine)
    classes.join_class(engine, ANN, code, "Ann")
    entry_id = classes.share_run(engine, code, ANN, "Ann", a_run())
    listed = json.dumps(classes.entries(engine, code))
    one = classes.entry_run(engine, code, entry_id)
    assert ANN not in listed and ANN not in repr({k: v for k, v in one.items() if k != "network"})


def test_codes_are_50_random_bits_easy_to_type_and_checked():
    codes = {classes.new_code() for _ in range(2000)}
    assert len(codes) == 2000  # no repeats among 2,000 (a clash among 2^50 is all but impossible)
    assert len(classes.ALPHABET) ** classes.CODE_LENGTH >= 2 ** 50
    assert all(len(c) == 10 and set(c) <= set(classes.ALPHABET) for c in codes)
    assert not set("ILOU") & set(classes.ALPHABET)
    assert classes.shown_code("K7QX2MP9RT") == "K7QX2-MP9RT"
    assert classes.read_code(" k7qx2 - mp9rt ") == "K7QX2MP9RT"
    assert classes.read_code("O1L00-00000") == "0110000000"  # O read as 0, I and L as 1
    for bad in ("", "K7QX2", "K7QX2-MP9RT-X", "K7QX2-MP9R!", "K7QX2-MP9RU"):
        with pytest.raises(ValueError, match="a class code is 10 letters and digits"):
            classes.read_code(bad)


def test_a_code_that_names_no_class_is_refused_with_a_clear_message(url):
    engine = storage.open_database(url)
    code = classes.new_code()
    with pytest.raises(classes.NoSuchClass, match=f"no class {classes.shown_code(code)}"):
        classes.join_class(engine, ANN, code, "Ann")
    assert classes.membership(engine, ANN) is None and classes.entries(engine, code) == []
    with pytest.raises(classes.NoSuchClass):
        classes.share_run(engine, code, ANN, "Ann", a_run())
    with pytest.raises(KeyError):
        classes.entry_run(engine, code, 1)


def test_another_classs_entries_never_appear_nor_can_be_read_or_removed_through_it(url):
    engine = storage.open_database(url)
    mine, theirs = classes.create_class(engine), classes.create_class(engine)
    classes.join_class(engine, ANN, mine, "Ann")
    classes.join_class(engine, EVE, theirs, "Eve")
    classes.share_run(engine, mine, ANN, "Ann", a_run(lambd=1))
    secret = classes.share_run(engine, theirs, EVE, "Eve", a_run(lambd=9))
    assert [e["nickname"] for e in classes.entries(engine, mine)] == ["Ann"]
    with pytest.raises(KeyError):
        classes.entry_run(engine, mine, secret)
    assert not classes.remove_entry(engine, mine, secret)
    assert classes.clear_class(engine, mine) == 1
    assert [e["nickname"] for e in classes.entries(engine, theirs)] == ["Eve"]
    with pytest.raises(ValueError, match="not in class"):  # a member of another class
        classes.share_run(engine, mine, EVE, "Eve", a_run())


@pytest.mark.parametrize("nickname", [
    "Robert'); DROP TABLE shared_runs;--", "' OR '1'='1", "%s %(x)s :code ?", "<b>x</b>",
    "![t](http://host/x.png)", "é Zoë 🦉"])
def test_hostile_nicknames_are_stored_as_written_and_touch_nothing_else(url, nickname):
    engine = storage.open_database(url)
    code = classes.create_class(engine)
    classes.join_class(engine, ANN, code, nickname)
    classes.join_class(engine, BOB, code, "Bob")
    classes.share_run(engine, code, ANN, nickname, a_run())
    classes.share_run(engine, code, BOB, "Bob", a_run())
    assert [e["nickname"] for e in classes.entries(engine, code)] == [nickname, "Bob"]
    assert classes.membership(engine, ANN) == (code, nickname)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.shared_runs)).scalar() == 2


def test_nicknames_lose_control_characters_and_are_bounded():
    assert classes.read_nickname("  Ann\x00\n ") == "Ann"
    assert classes.read_nickname("Ann\u202eZ") == "AnnZ"  # no right-to-left override to spoof with
    assert classes.read_nickname(None) == ""
    with pytest.raises(ValueError, match="at most 40 characters, found 41"):
        classes.read_nickname("x" * 41)


def test_a_full_board_says_so(url, monkeypatch):
    monkeypatch.setattr(classes, "MAX_ENTRIES", 3)
    engine = storage.open_database(url)
    code = classes.create_class(engine)
    classes.join_class(engine, ANN, code)
    for _ in range(3):
        classes.share_run(engine, code, ANN, "", a_run())
    with pytest.raises(classes.ClassFull, match=r"full \(3 runs\).*remove entries or clear it"):
        classes.share_run(engine, code, ANN, "", a_run())
    first = classes.entries(engine, code)[0]["id"]
    assert classes.remove_entry(engine, code, first)
    classes.share_run(engine, code, ANN, "", a_run())  # room again
    assert len(classes.entries(engine, code)) == 3


def test_deleting_a_workspace_takes_its_shared_runs_with_it(url):
    engine = storage.open_database(url)
    code = classes.create_class(engine)
    for ws, nick in ((ANN, "Ann"), (BOB, "Bob")):
        classes.join_class(engine, ws, code, nick)
        classes.share_run(engine, code, ws, nick, a_run())
    storage.delete_workspace(engine, ANN)
    assert [e["nickname"] for e in classes.entries(engine, code)] == ["Bob"]
    assert classes.membership(engine, ANN) is None


def test_a_version_2_database_is_migrated_and_keeps_its_runs(url):
    engine = sa.create_engine(url)
    run = a_run()
    with engine.begin() as conn:  # a database as the second version left it, with a run
        assert db.migrate(conn, upto=2) == 2
        conn.execute(sa.text("INSERT INTO workspaces (id, created) VALUES (:ws, 1.0)"), dict(ws=ANN))
        conn.execute(sa.text("INSERT INTO runs (workspace_id, run_id, created, settings, weights, "
                             "result, accuracy, note) VALUES (:ws, 1, 1.0, :s, :w, :r, :a, 'kept')"),
                     dict(ws=ANN, s=json.dumps(run["settings"]), r=json.dumps(run["result"]),
                          a=json.dumps(run["accuracy"]), w=network_npz_bytes(run["network"])))
    engine.dispose()
    engine = restart(url)  # this app knows version 3: the missing migration runs once
    assert [r["note"] for r in storage.load_workspace(engine, ANN)["runs"]] == ["kept"]
    assert classes.membership(engine, ANN) is None
    code = classes.create_class(engine)
    classes.join_class(engine, ANN, code, "Ann")
    classes.share_run(engine, code, ANN, "Ann", run)
    assert len(classes.entries(engine, code)) == 1
    with engine.connect() as conn:
        assert db.schema_version(conn) == db.SCHEMA_VERSION == 3
