"""AppTest for the Draw and predict page: prompt, prediction, test digit, my digits, saliency."""

import re

import numpy as np
import plotly_spec
import pytest
from canvas_values import CANVAS_KEY, mnist_canvas_value
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from nn_core.digits.datasets import load_dataset, split_dataset
from nn_core.digits.my_digits import MAX_MY_DIGITS, as_dataset
from nn_core.formats.seed_files import seed_data_bytes
from ui import state
from ui.jobs import wait_for_jobs

PAGE = str(ROOT / "pages/4_Draw_and_predict.py")
def _page(digit=None):
    at = AppTest.from_file(PAGE, default_timeout=60)
    if digit is not None:
        at.session_state[CANVAS_KEY] = mnist_canvas_value(digit)
    return at.run()


def _metric(at, label_start):
    return next(m for m in at.metric if m.label.startswith(label_start))


def _answers(at):
    """The large digits on show, as {their label: the digit}."""
    found = (re.fullmatch(r"(.*)<div class='draw-answer'[^>]*>(\d)</div>", m.value, re.S)
             for m in at.markdown)
    return {f.group(1): int(f.group(2)) for f in found if f}


def _subheaders(at):
    return [h.value for h in at.subheader]


def test_empty_canvas_shows_a_prompt():
    at = _page()
    assert not at.exception
    assert "Draw a digit" in at.title[0].value
    assert any("Draw a digit in the black box" in i.value for i in at.info)
    assert "The network says" not in _answers(at)  # nothing drawn, nothing said
    assert not at.error
    assert at.get("bidi_component")  # the canvas itself
    assert "Teach it your handwriting" in _subheaders(at)
    assert at.button(key="draw_retrain").disabled  # nothing to retrain on yet


@pytest.mark.parametrize("digit", [1, 7])
def test_a_drawn_digit_is_read(digit):
    at = _page(digit)
    assert not at.exception
    assert _answers(at)["The network says"] == digit
    heads = _subheaders(at)
    assert "How your drawing became 400 numbers" in heads
    assert "Inside the network: which hidden units voted" in heads
    assert "Saliency: which pixels made it say so" in heads
    other = at.selectbox(key="draw_other")
    assert digit not in other.options and len(other.options) == 9


def test_saliency_compares_with_the_chosen_digit():
    at = _page(7)
    at.selectbox(key="draw_other").set_value(1).run()
    assert not at.exception
    assert any("which pixels made it say 7 and not 1" in c.value for c in at.caption)


def test_saliency_of_a3_is_that_of_z3_times_the_sigmoid_slope():
    at = _page(7)
    z3_map = plotly_spec.array(plotly_spec.figure(at, "draw_saliency0")["data"][0]["z"])
    at.radio(key="draw_saliency_of").set_value("a3").run()
    assert not at.exception
    spec = plotly_spec.figure(at, "draw_saliency0")
    a3_map = plotly_spec.array(spec["data"][0]["z"])
    assert "∂a3[7]" in spec["layout"]["title"]["text"]
    # The slope a3 (1 - a3) is one number for the whole map: the two maps are proportional,
    # and the confident answer makes the a3 map far fainter.
    ratio = a3_map[z3_map != 0] / z3_map[z3_map != 0]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)
    assert 0 < ratio[0] < 0.25


def _test_digit(at):
    """(index, label shown, digit read) of the test digit next to the drawing."""
    [(title, read_as)] = [(t, d) for t, d in _answers(at).items() if t.startswith("Test digit")]
    index, label = map(int, re.fullmatch(r"Test digit #(\d+), labelled (\d), is read as", title).groups())
    return index, label, read_as


def test_a_test_digit_stands_next_to_the_canvas_from_the_start():
    at = _page()
    index, label, read_as = _test_digit(at)
    test = split_dataset(load_dataset("mnist-20x20"), seed=0).test
    assert test.y[index] == label  # the label shown is that test digit's true label
    assert read_as == state.default_run().network.predict(test.X[index])[0]  # the active model's


def test_another_test_digit_is_shown_next_to_the_drawing():
    at = _page(1)
    first = _test_digit(at)
    at.button(key="draw_random").click().run()
    assert not at.exception
    assert _answers(at)["The network says"] == 1  # the drawing stays
    index, label, read_as = _test_digit(at)
    assert index != first[0]  # another one
    test = split_dataset(load_dataset("mnist-20x20"), seed=0).test
    assert test.y[index] == label
    assert 0 <= read_as <= 9


def test_add_to_my_digits_grows_the_gallery_and_remove_shrinks_it():
    at = _page(7)
    at.selectbox(key="draw_label").set_value(7).run()
    at.button(key="draw_add").click().run()
    at.button(key="draw_add").click().run()
    assert not at.exception
    assert [d["label"] for d in at.session_state["my_digits"]] == [7, 7]
    assert len(at.get("image")) == 2
    assert at.button(key="draw_remove_1") and at.button(key="draw_remove_2")
    assert {b.label for b in at.download_button} == {"Download X.in", "Download y.in"}
    at.button(key="draw_remove_1").click().run()
    assert [d["id"] for d in at.session_state["my_digits"]] == [2]
    assert len(at.get("image")) == 1


def test_retrain_with_my_digits_adds_an_active_run():
    at = _page(7)
    at.button(key="draw_add").click().run()
    at.number_input(key="draw_maxiter").set_value(3)
    at.slider(key="draw_repeat").set_value(2)
    at.button(key="draw_retrain").click().run()
    wait_for_jobs(at.session_state)  # retraining runs in the background
    at.run()
    assert not at.exception
    runs = at.session_state["runs"]
    assert len(runs) == 1 and runs[0].note == "with my digits"
    assert at.session_state["active_run_id"] == runs[0].id
    assert runs[0].result.n_iterations <= 3
    new = runs[0].network
    item = at.session_state["my_digits"][0]
    mine = new.accuracy(item["x"][None], [item["label"]])
    assert _metric(at, "accuracy on my digits").value == f"{mine:.0%}"
    assert _metric(at, "validation accuracy").value == f"{runs[0].accuracy['validation']:.1%}"
    assert any("with my digits" in s.value and "your 1 digit × 2." in s.value for s in at.success)


def test_bad_upload_is_an_error_and_keeps_my_digits():
    at = _page(1)
    at.button(key="draw_add").click().run()
    at.file_uploader(key="draw_up_x").upload("X.in", b"this is not a digit\n1,2\n")
    at.file_uploader(key="draw_up_y").upload("y.in", b"1,0,0,0,0,0,0,0,0,0\n")
    at.run()
    at.button(key="draw_up_add").click().run()
    assert not at.exception
    assert any("Could not read these files" in e.value for e in at.error)
    assert len(at.session_state["my_digits"]) == 1


def test_downloaded_files_upload_again():
    at = _page(1)
    at.button(key="draw_add").click().run()
    # The same files the download buttons offer, made by the same function.
    item = at.session_state["my_digits"][0]
    x_bytes, y_bytes = seed_data_bytes(as_dataset(item["x"][None], [item["label"]], (20, 20)))
    at.file_uploader(key="draw_up_x").upload("X.in", x_bytes)
    at.file_uploader(key="draw_up_y").upload("y.in", y_bytes)
    at.run()
    at.button(key="draw_up_add").click().run()
    assert not at.exception
    digits = at.session_state["my_digits"]
    assert [d["label"] for d in digits] == [1, 1]
    np.testing.assert_allclose(digits[1]["x"], digits[0]["x"], atol=1e-6)


def test_importing_more_than_max_my_digits_is_refused_saying_the_limit():
    """An X.in of 5,000 rows used to become 5,000 images and remove buttons (minutes a rerun)."""
    at = _page(1)
    at.button(key="draw_add").click().run()
    m = MAX_MY_DIGITS  # with the one drawn, one too many
    rng = np.random.default_rng(0)
    mine = as_dataset(rng.uniform(0, 1, (m, 400)), rng.integers(0, 10, m), (20, 20))
    x_bytes, y_bytes = seed_data_bytes(mine)
    at.file_uploader(key="draw_up_x").upload("X.in", x_bytes)
    at.file_uploader(key="draw_up_y").upload("y.in", y_bytes)
    at.run()
    at.button(key="draw_up_add").click().run()
    assert not at.exception
    shown = [re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", e.value) for e in at.error]  # as the browser shows it
    assert any(f"my digits hold at most {MAX_MY_DIGITS}: you have 1, so at most {MAX_MY_DIGITS - 1} "
               f"more can be added, found {m}" in text for text in shown), shown
    assert len(at.session_state["my_digits"]) == 1


def test_at_max_my_digits_add_is_disabled_and_the_page_says_why():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[CANVAS_KEY] = mnist_canvas_value(3)
    at.session_state["my_digits"] = [{"id": i + 1, "x": np.zeros(400), "label": i % 10, "shape": (20, 20)}
                                     for i in range(MAX_MY_DIGITS)]
    at.run()
    assert not at.exception
    assert at.button(key="draw_add").disabled
    assert any(f"the most kept ({MAX_MY_DIGITS})" in c.value for c in at.caption)
    assert len(at.session_state["my_digits"]) == MAX_MY_DIGITS


def test_the_label_suggestion_follows_each_new_drawing():
    at = _page(7)
    assert at.selectbox(key="draw_label").value == 7
    at.selectbox(key="draw_label").set_value(4).run()
    at.session_state[CANVAS_KEY] = mnist_canvas_value(1)
    at.run()
    assert _answers(at)["The network says"] == 1
    assert at.selectbox(key="draw_label").value == 1


@pytest.mark.parametrize("dataset, n_inputs, shape", [("mnist-28x28", 784, "28×28"),
                                                      ("sklearn-8x8", 64, "8×8")])
def test_the_active_models_input_size_decides_the_image(dataset, n_inputs, shape):
    import nn_core
    from ui.settings import Settings
    from ui.state import Run

    train = split_dataset(load_dataset(dataset), seed=0).train
    result = nn_core.train(train.X, train.y, hidden_size=10, maxiter=5)
    run = Run(77, Settings(dataset=dataset, hidden_size=10, maxiter=5), result,
              {"train": 0.0, "validation": 0.0, "test": 0.0})
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = 77
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.run()
    assert not at.exception
    assert any(f"Your drawing becomes a {shape} image" in c.value for c in at.caption)
    assert f"How your drawing became {n_inputs} numbers" in _subheaders(at)
    assert "The network says" in _answers(at)


def test_a_model_of_a_few_uploaded_digits_has_no_test_digit_and_still_reads():
    import nn_core
    from ui.settings import Settings
    from ui.state import Run

    rng = np.random.default_rng(3)
    few = as_dataset(rng.uniform(0, 1, (10, 400)), np.arange(10), (20, 20))  # too few for a test split
    assert len(split_dataset(few, seed=0).test) == 0
    result = nn_core.train(few.X, few.y, hidden_size=5, maxiter=3)
    run = Run(78, Settings(dataset=few.name, hidden_size=5, maxiter=3), result,
              {"train": 0.0, "validation": None, "test": None})
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["user_data"] = few
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = 78
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.run()
    assert not at.exception
    assert "The network says" in _answers(at)
    assert not any(t.startswith("Test digit") for t in _answers(at))
    assert any("no test digits" in c.value for c in at.caption)
    assert at.button(key="draw_random").disabled


def test_a_label_the_network_is_sure_is_wrong_is_questioned_before_adding():
    at = _page(8)
    read = next(m for m in at.caption if m.value.startswith("a3 = "))
    assert float(read.value.split()[2]) >= 0.9  # the network is sure this drawing is an 8
    assert not at.warning and at.button(key="draw_add").label == "Add to my digits"
    at.selectbox(key="draw_label").set_value(9).run()
    assert not at.exception
    assert any("sure this is an 8; add it as a 9?" in w.value for w in at.warning)
    assert at.button(key="draw_add").label == "Add it as a 9 anyway"
    at.button(key="draw_add_other").click().run()  # take the network's reading
    assert [d["label"] for d in at.session_state["my_digits"]] == [8]
    at.button(key="draw_add").click().run()  # or insist on yours
    assert [d["label"] for d in at.session_state["my_digits"]] == [8, 9]


def test_a_label_the_network_is_unsure_about_is_added_without_asking():
    at = _page(7)
    read = next(m for m in at.caption if m.value.startswith("a3 = "))
    assert float(read.value.split()[2]) < 0.9  # this 7 leaves the network in doubt
    at.selectbox(key="draw_label").set_value(1).run()
    assert not at.warning and at.button(key="draw_add").label == "Add to my digits"


@pytest.mark.parametrize("digit", [None, 7])
def test_no_text_says_mouse(digit):
    """A finger draws as well as a mouse (issue 13, phones): the page speaks of neither alone."""
    at = _page(digit)
    shown = [e.value for kind in (at.title, at.markdown, at.info, at.caption, at.subheader)
             for e in kind]
    assert shown and not [t for t in shown if "mouse" in t.lower()]


def test_a_deep_relu_softmax_model_shows_every_hidden_layer_and_its_softmax_outputs():
    """Issue 12: a 400-30-20-10 relu/softmax model. One activation chart per hidden layer (a2,
    a3), the output bars are its softmax outputs a4, and saliency renders through both layers."""
    import nn_core
    from ui.settings import Settings

    train = split_dataset(load_dataset("mnist-20x20"), seed=0).train
    result = nn_core.train(train.X[:600], train.y[:600], hidden_size=(30, 20), maxiter=30,
                           activation="relu", output="softmax")
    settings = Settings(hidden_size=(30, 20), maxiter=30, activation="relu", output="softmax")
    run = state.Run(79, settings, result, {"train": 0.0, "validation": 0.0, "test": 0.0})
    net = result.network
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = 79
    at.session_state[CANVAS_KEY] = mnist_canvas_value(7)
    at.run()
    assert not at.exception
    ids = [c.proto.id for c in at.get("plotly_chart")]
    layers = [plotly_spec.figure(at, k) for k in ("draw_layer1", "draw_hidden")]
    assert not any(i.endswith("-draw_layer2") for i in ids)  # two hidden layers, two charts
    x = at.session_state["draw_vector"]
    act = net.forward(x)
    for fig, a, name in zip(layers, act.a[1:3], ("a2", "a3"), strict=True):
        np.testing.assert_allclose(plotly_spec.array(fig["data"][0]["y"]), a[0], atol=1e-9)
        assert fig["layout"]["yaxis"]["title"]["text"] == f"activation {name} (relu)"
    probs = plotly_spec.figure(at, "draw_probs")
    np.testing.assert_allclose(plotly_spec.array(probs["data"][0]["y"]), act.output[0], atol=1e-9)
    assert probs["layout"]["yaxis"]["title"]["text"] == "output a4 (softmax)"
    assert sum(plotly_spec.array(probs["data"][0]["y"])) == pytest.approx(1.0)
    # The last hidden layer's votes: a3_j W3[d, j+1] for the digit read.
    pred = int(np.argmax(act.output[0]))
    votes = plotly_spec.array(layers[1]["data"][0]["customdata"])
    np.testing.assert_allclose(votes, act.a[2][0] * net.weights[2][pred, 1:], atol=1e-9)
    # Saliency renders, through both hidden layers, named for the 4-layer output.
    sal = plotly_spec.figure(at, "draw_saliency0")
    assert sal["layout"]["title"]["text"].startswith(f"∂z4[{pred}]/∂a1")
    np.testing.assert_allclose(plotly_spec.array(sal["data"][0]["z"]).ravel(),
                               nn_core.saliency(net, x, pred), atol=1e-9)
    assert any("Only the last hidden layer (a3) votes" in c.value for c in at.caption)
