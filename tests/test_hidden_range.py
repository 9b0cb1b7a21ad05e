"""One hidden-layer size range, nn_core.HIDDEN_RANGE, at every entry: nn_core.train, the command
line, the Train page's slider, its URL and its start weights, and the Grade page's
"Make this the active model". Every refusal says what was expected and what was found.
"""

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core import cli
from nn_core.digits.datasets import load_dataset
from nn_core.formats.seed_files import seed_weights_bytes, write_seed_data, write_seed_weights

LO, HI = nn_core.HIDDEN_RANGE
EXPECTED = f"from {LO} to {HI}"


def test_the_range_is_the_dashboards_1_to_400():
    assert nn_core.HIDDEN_RANGE == (1, 400)


@pytest.fixture(scope="module")
def few():
    ds = load_dataset("mnist-20x20")
    return ds.subset(np.arange(0, len(ds), len(ds) // 60)[:60])


@pytest.mark.parametrize("hidden", [0, HI + 1, 2000])
def test_train_refuses_a_hidden_size_outside_the_range(few, hidden):
    with pytest.raises(nn_core.DataFormatError, match=f"{EXPECTED}, found {hidden}"):
        nn_core.train(few.X, few.y, hidden_size=hidden, maxiter=1)


def test_train_refuses_start_weights_outside_the_range(few):
    start = nn_core.Network.random(400, HI + 1, seed=0)
    with pytest.raises(nn_core.DataFormatError, match=f"start weights W1.*{EXPECTED}, found {HI + 1}"):
        nn_core.train(few.X, few.y, init=start, maxiter=1)
    for hidden in (LO, HI):  # both ends are trained
        net = nn_core.train(few.X, few.y, init=nn_core.Network.random(400, hidden), maxiter=1).network
        assert net.hidden_size == hidden


def test_the_cli_refuses_a_hidden_size_or_start_weights_outside_the_range(few, tmp_path, capsys):
    write_seed_data(few, tmp_path / "X.in", tmp_path / "y.in")
    write_seed_weights(nn_core.Network.random(400, 2000, seed=1), tmp_path / "W1.in", tmp_path / "W2.in")
    data = ["--x", str(tmp_path / "X.in"), "--y", str(tmp_path / "y.in"), "--maxiter", "1",
            "--out", str(tmp_path / "out")]
    for extra in (["--hidden", "2000"], ["--w1", str(tmp_path / "W1.in"), "--w2", str(tmp_path / "W2.in")]):
        assert cli.main(["train", *data, *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and f"{EXPECTED}, found 2000" in err, err
    assert not (tmp_path / "out").exists()  # nothing trained, nothing written


# --- the Train page -------------------------------------------------------------------------------

def train_page(query=None):
    at = AppTest.from_file(str(ROOT / "pages" / "2_Train.py"), default_timeout=120)
    if query:
        at.query_params.update(query)
    return at.run()


def test_the_slider_spans_the_range_and_a_link_beyond_it_gets_the_default_with_a_message():
    at = train_page()
    assert (at.slider(key="train_hidden_size").min, at.slider(key="train_hidden_size").max) == (LO, HI)
    at = train_page({"hidden_size": "2000"})
    assert not at.exception
    assert at.slider(key="train_hidden_size").value == 25 and "hidden_size" not in at.query_params
    said = (f"hidden_size=2000 in the link: expected a whole number of hidden units {EXPECTED}, "
            "found 2000, so the default 25 is used")
    assert any(said in w.value for w in at.warning)


def test_start_weights_with_more_hidden_units_are_refused_and_nothing_is_trained():
    at = train_page()
    at.radio(key="train_start").set_value("upload").run()
    w1, w2 = seed_weights_bytes(nn_core.Network.random(400, 2000, seed=2))
    at.file_uploader(key="train_w1").upload("W1.in", w1)
    at.file_uploader(key="train_w2").upload("W2.in", w2)
    at.run()
    assert not at.exception
    assert any("W1.in" in e.value and f"{EXPECTED}, found 2000" in e.value for e in at.error)
    assert at.button(key="train_go").disabled
    assert at.slider(key="train_hidden_size").value <= HI
    assert "runs" not in at.session_state or not at.session_state["runs"]


# --- the Grade page -------------------------------------------------------------------------------

def grade(hidden):
    at = AppTest.from_file(str(ROOT / "pages" / "7_Grade_weights.py"), default_timeout=120).run()
    at.radio(key="grade_source").set_value("upload").run()
    at.session_state["grade_pending"] = ("in", list(seed_weights_bytes(nn_core.Network.random(400, hidden))))
    return at.run()


def test_graded_weights_outside_the_range_are_graded_but_cannot_become_active():
    at = grade(2000)
    assert not at.exception
    assert any(m.label == "test accuracy" for m in at.metric)  # graded all the same
    assert any("cannot become the active model" in w.value and f"{EXPECTED}, found 2000" in w.value
               for w in at.warning)
    assert not [b for b in at.button if b.key == "grade_activate"]
    at = grade(HI)  # the largest size in the range can
    at.button(key="grade_activate").click().run()
    assert at.session_state["runs"][-1].network.hidden_size == HI
