"""AppTest for the Grade weights page: grading, the layout detector's verdict, upload errors.

AppTest cannot upload files, so uploads are given the way the page's Read button leaves them:
as a request (kind, [file contents]) in st.session_state["grade_pending"].
"""

import io

import numpy as np
import pytest
import scipy.io
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core import network_npz_bytes, seed_weights_bytes, train
from ui import formulas, state

PAGE = str(ROOT / "pages/7_Grade_weights.py")


@pytest.fixture(scope="module")
def default():
    """The shared default model and its split, as every page sees them."""
    return state.default_result().network, state.get_split("mnist-20x20")


def page():
    return AppTest.from_file(PAGE, default_timeout=60).run()


def upload(at, kind, *files):
    at.radio(key="grade_source").set_value("upload").run()
    at.session_state["grade_pending"] = (kind, list(files))
    return at.run()


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def accuracies(at):
    return [metric(at, f"{part} accuracy") for part in ("train", "validation", "test")]


def expected_accuracies(net, split):
    return [f"{net.accuracy(p.X, p.y):.1%}" for p in (split.train, split.validation, split.test)]


def test_grading_the_default_model_shows_its_accuracy(default):
    net, split = default
    at = page()
    assert not at.exception
    assert accuracies(at) == expected_accuracies(net, split)
    assert float(metric(at, "test accuracy").rstrip("%")) > 85
    assert at.success[0].value.startswith("As expected")
    assert at.info[-1].value.startswith("**Experiment to try:**")
    assert any(formulas.J in f.value for f in at.latex)  # the one J formula, shared


def test_the_default_models_tutorial_files_are_as_expected(default):
    net, split = default
    at = upload(page(), "in", *seed_weights_bytes(net))
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("As expected")
    assert accuracies(at) == expected_accuracies(net, split)


def test_w2_in_digit_order_is_caught_and_explained(default):
    net, split = default
    w1, _ = seed_weights_bytes(net)
    at = upload(page(), "in", w1, txt(net.W2))  # forgot the conversion: row 0 is digit 0
    assert not at.exception
    assert "digit order 0..9" in at.warning[-1].value
    assert any("np.roll(W2, -1, axis=0)" in m.value for m in at.markdown)
    assert any("wrong digit, off by one digit" in m.value for m in at.markdown)
    assert float(metric(at, "test accuracy").rstrip("%")) < 20  # the files as uploaded
    assert [metric(at, f"{p} accuracy (fixed)") for p in ("train", "validation", "test")] \
        == expected_accuracies(net, split)


def test_the_headline_grades_the_files_as_uploaded_and_the_fix_comes_second(default):
    """W1.in written row by row (numpy's order) instead of column by column: the headline is what
    the files score as uploaded; the fixed reading's score comes second, labelled as not theirs."""
    net, split = default
    at = upload(page(), "in", txt(net.W1), seed_weights_bytes(net)[1])
    assert not at.exception and not at.error
    headline = at.subheader[0].value  # the grade of the files as uploaded comes first
    assert headline.startswith("The grade, as uploaded")
    uploaded = float(metric(at, "test accuracy").rstrip("%"))
    assert uploaded < 50  # the truth about the files as they are
    assert "layout mistake" in at.warning[0].value
    titles = [h.value for h in at.subheader]
    assert "The best other reading (not what you uploaded)" in titles
    assert titles.index("The best other reading (not what you uploaded)") > titles.index(headline)
    fixed = [metric(at, f"{p} accuracy (fixed)") for p in ("train", "validation", "test")]
    assert fixed == expected_accuracies(net, split)  # read row-major, the file is the model
    assert float(fixed[2].rstrip("%")) > uploaded + 30
    said = " ".join(m.value for m in at.markdown)
    assert "transposed" in said and "column by column" in said  # the mistake, in plain words
    assert "to_column_major" in said  # and the fix


def txt(W):
    buf = io.BytesIO()
    np.savetxt(buf, W, delimiter=",")
    return buf.getvalue()


def test_an_upload_error_shows_st_error_and_loses_nothing(default):
    net, split = default
    at = upload(page(), "in", *seed_weights_bytes(net))
    at.button(key="grade_activate").click().run()
    runs_before, active_before = list(at.session_state["runs"]), at.session_state["active_run_id"]
    at.session_state["grade_pending"] = ("in", [b"1,2,3\n", b"0.5;0.25\n"])
    at.run()
    assert "semicolons" in at.error[0].value and "Nothing was changed" in at.error[0].value
    assert accuracies(at) == expected_accuracies(net, split)  # the weights read before are kept
    assert at.session_state["runs"] == runs_before
    assert at.session_state["active_run_id"] == active_before


def test_a_missing_file_is_an_error(default):
    at = upload(page(), "in", seed_weights_bytes(default[0])[0], None)
    assert "choose every file first" in at.error[0].value
    assert at.info[0].value.startswith("Choose your files")


def test_weights_for_no_known_data_are_an_error():
    at = upload(page(), "npz", _npz(np.zeros((3, 50)), np.zeros((10, 4))))
    assert "401 for 20×20" in at.error[0].value


def test_make_active_adds_one_run_with_a_note(default):
    net, _ = default
    at = upload(page(), "in", *seed_weights_bytes(net))
    at.button(key="grade_activate").click().run()
    at.button(key="grade_activate").click().run()
    runs = at.session_state["runs"]
    assert len(runs) == 1  # the same weights twice: made active again, not added again
    run = runs[0]
    assert run.note == "uploaded weights" and run.settings.init.startswith("weights:")
    assert at.session_state["active_run_id"] == run.id
    assert run.network == net


def test_npz_and_mat_uploads(default):
    net, split = default
    at = upload(page(), "npz", network_npz_bytes(net))
    assert at.success[0].value.startswith("As expected")
    w1, w2 = (np.loadtxt(io.BytesIO(b), delimiter=",") for b in seed_weights_bytes(net))
    buf = io.BytesIO()
    scipy.io.savemat(buf, {"Theta1": w1, "Theta2": w2})
    at = upload(page(), "mat", buf.getvalue())
    assert at.success[0].value.startswith("As expected")
    assert accuracies(at) == expected_accuracies(net, split)


def _npz(W1, W2):
    buf = io.BytesIO()
    np.savez(buf, W1=W1, W2=W2)
    return buf.getvalue()


@pytest.fixture(scope="module")
def deeper(default):
    """A small two-hidden-layer relu / softmax network trained on 20x20 digits."""
    _, split = default
    return train(split.train.X[:600], split.train.y[:600], hidden_size=(12, 8), maxiter=30,
                 seed=0, activation="relu", output="softmax").network


def test_a_deeper_npz_is_graded_as_it_says_and_made_active(default, deeper):
    _, split = default
    at = upload(page(), "npz", network_npz_bytes(deeper))
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("The grade, read as the file says: 400-12-8-10")
    assert any(i.value.startswith("No layout detection for this network (2 hidden layers, relu")
               for i in at.info)
    assert accuracies(at) == expected_accuracies(deeper, split)
    at.button(key="grade_activate").click().run()
    run = next(r for r in at.session_state["runs"] if r.id == at.session_state["active_run_id"])
    assert run.network == deeper and run.note == "uploaded weights"
    assert (run.settings.hidden_size, run.settings.activation, run.settings.output) \
        == ((12, 8), "relu", "softmax")
    at.radio(key="grade_source").set_value("active").run()  # the active model, deeper, graded too
    assert not at.exception and accuracies(at) == expected_accuracies(deeper, split)


@pytest.mark.parametrize("arrays, says", [
    (dict(W1=np.zeros((12, 401)), W2=np.zeros((8, 13)), W3=np.zeros((10, 5))),
     "W3 must have 9 columns for 8 hidden units"),
    (dict(W1=np.zeros((12, 401)), W2=np.zeros((10, 13)), activation=np.array("swish")), "swish"),
])
def test_a_deeper_npz_that_does_not_chain_or_is_misnamed_is_an_error(default, arrays, says):
    net, split = default
    at = upload(page(), "npz", network_npz_bytes(net))
    at.button(key="grade_activate").click().run()
    runs_before, active_before = list(at.session_state["runs"]), at.session_state["active_run_id"]
    at.session_state["grade_pending"] = ("npz", [_npz_of(**arrays)])
    at.run()
    assert not at.exception
    assert says in at.error[0].value and "Nothing was changed" in at.error[0].value
    assert accuracies(at) == expected_accuracies(net, split)  # the weights read before are kept
    assert at.session_state["runs"] == runs_before
    assert at.session_state["active_run_id"] == active_before


def _npz_of(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_every_chart_names_what_its_axes_show_and_in_what_unit():
    from plotly_spec import axis_titles

    titles = axis_titles(page())
    assert titles["grade_confusion"] == {"xaxis": "predicted digit", "yaxis": "true digit",
                                         "colorbar": "test digits"}
    assert titles["grade_units"] == {"colorbar": "weight"}


def test_tutorial_files_say_why_the_tutorials_weights_score_higher(default):
    net, _ = default
    at = upload(page(), "in", *seed_weights_bytes(net))
    said = " ".join(c.value for c in at.caption)
    assert "trained on all 5,000 of the tutorial's digits" in said and "for longer" in said
    assert "trained on all 5,000" not in " ".join(c.value for c in page().caption)  # not for ours


def test_a_mistake_and_a_deeper_network_explain_every_glossary_word_they_show(default, deeper):
    from page_text import shown_and_help
    from test_glossary import uses

    from ui import glossary

    net, _ = default
    for at in (upload(page(), "in", txt(net.W1), txt(net.W2)),
               upload(page(), "npz", network_npz_bytes(deeper))):
        shown, helps = shown_and_help(at)
        used = [t for t in glossary.GLOSSARY if uses(shown, t)]
        assert not [t for t in used if glossary.GLOSSARY[t] not in helps]


def deeper_made_active(deeper):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/7_Grade_weights.py").run()
    upload(at, "npz", network_npz_bytes(deeper)).button(key="grade_activate").click().run()
    assert at.session_state["runs"][-1].network == deeper
    return at


def test_a_deeper_network_made_active_here_leaves_the_pages_clean(deeper):
    from ui.nav import PAGES

    at = deeper_made_active(deeper)
    for path, _ in PAGES:
        at.switch_page(path).run()
        assert not at.exception, path

