"""Bad files, everywhere a user can hand them in: nn_core says what it expected and found, the
pages show st.error (never a traceback) and lose nothing, the CLI ends with "error: ..." and 2.

The corpus (tests/malformed.py) breaks valid X.in, y.in, W1.in, W2.in, .mat and .npz files in
well over 200 ways. Every case goes through nn_core and through the pages' own loaders; a sample
of each kind goes through the pages themselves in AppTest, with the user's runs, active model,
data and drawings checked to be untouched afterwards.
"""

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import malformed
import numpy as np
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import nn_core
from nn_core import DataFormatError, cli, layout
from nn_core.formats import seed_files
from ui import data_upload, my_digits, state
from ui.jobs import wait_for_jobs
from ui.settings import Settings

CASES = malformed.cases()
GOOD = malformed.good_files()
BY_ID = {c.id: c for c in CASES}
# Phrases of bare Python / numpy errors that must never be all a user is told.
RAW_ERRORS = ("could not convert", "invalid literal", "has no attribute", "index out of range",
              "not subscriptable", "nonetype", "traceback", "unsupported operand",
              "cannot reshape", "object is not", "unexpected keyword")


class Upload(io.BytesIO):
    """What st.file_uploader hands a page: a binary file object with a name."""

    def __init__(self, name, data):
        super().__init__(data)
        self.name = name


def read_core(case):
    """The case through nn_core's reader for its kind of file, next to valid partner files."""
    data = case.data
    if case.target == "X.in":
        return seed_files.read_seed_data(data, GOOD["y.in"])
    if case.target == "y.in":
        return seed_files.read_seed_data(GOOD["X.in"], data)
    if case.target == "W1.in":
        return seed_files.read_seed_weights(data, GOOD["W2.in"], n_inputs=400)
    if case.target == "W2.in":
        return seed_files.read_seed_weights(GOOD["W1.in"], data, n_inputs=400)
    return (nn_core.read_mat if case.target == ".mat" else nn_core.read_npz)(data)


def assert_clear(message, case=None):
    """A message a user can act on: says what was expected or found, names a number, a value,
    a row or a shape, and is not a bare Python error."""
    low = message.lower()
    assert any(w in low for w in ("expected", "must", "needs", "too large", "give both",
                                  "cannot read", "no trained")), message
    assert re.search(r"\d|'|found|cannot read|no trained|give both", low), message
    head = low.split("(")[0]  # a library's own words may follow in brackets, never lead
    assert not any(raw in head for raw in RAW_ERRORS), message
    for alternatives in (case.says if case else ()):
        assert any(w in low for w in alternatives), f"{message!r} lacks one of {alternatives}"


def test_the_corpus_has_over_200_cases_for_every_target():
    assert len(CASES) >= 200
    for target in malformed.TARGETS:
        assert sum(c.target == target for c in CASES) >= 20, target
    assert len(BY_ID["X.in/50-MB-bad-last-row"].data) >= 50 * 1024**2 - 2000
    assert len(BY_ID["X.in/over-the-cap"].data) == seed_files.MAX_UPLOAD_BYTES + 1
    # The valid files the cases start from are read without complaint.
    ds = seed_files.read_seed_data(GOOD["X.in"], GOOD["y.in"])
    net = seed_files.read_seed_weights(GOOD["W1.in"], GOOD["W2.in"], n_inputs=ds.n_inputs)
    assert len(ds) == malformed.M and net.hidden_size == malformed.H


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_nn_core_refuses_every_case_saying_what_it_expected_and_found(case):
    started = time.perf_counter()
    with pytest.raises(DataFormatError) as err:
        read_core(case)
    assert_clear(str(err.value), case)
    if "bomb" in case.id:  # refused from its sizes, before unpacking 1 GiB
        assert time.perf_counter() - started < 5


# --- the pages' loaders, every case ------------------------------------------------------------

# The 50 MB file goes through nn_core above; the loaders hand it to the same reader.
DATA_CASES = [c for c in CASES if c.target in ("X.in", "y.in", ".mat", ".npz") and "50-MB" not in c.id]
WEIGHT_CASES = [c for c in CASES if c.target in ("W1.in", "W2.in", ".mat", ".npz")]


def explorer_sources(case):
    """The uploads the Data explorer's Load button passes to its loader for this case."""
    if case.target in (".mat", ".npz"):
        return Upload("digits" + case.target, case.data), None
    if case.target == "X.in":
        return Upload("X.in", case.data), Upload("y.in", GOOD["y.in"])
    return Upload("X.in", GOOD["X.in"]), Upload("y.in", case.data)


@pytest.mark.parametrize("case", DATA_CASES, ids=[c.id for c in DATA_CASES])
def test_the_data_explorer_and_my_digits_loaders_refuse_every_data_case(case):
    with pytest.raises(DataFormatError) as err:
        data_upload.read_user_files(*explorer_sources(case))
    assert_clear(str(err.value))
    if case.target in ("X.in", "y.in"):  # the Draw page's "my digits" upload
        x, y = explorer_sources(case)
        with pytest.raises(DataFormatError) as err:
            my_digits.import_files(x, y, 400, (20, 20))
        assert_clear(str(err.value))


def grade_pipeline(case):
    """What the Grade page does with uploaded weights, up to the grade (or its st.error)."""
    if case.target == ".mat":
        raw = layout.raw_mat_weights(Upload("w.mat", case.data))
    elif case.target == ".npz":
        raw = layout.raw_npz_weights(Upload("w.npz", case.data))
    else:
        w1, w2 = (case.data, GOOD["W2.in"]) if case.target == "W1.in" else (GOOD["W1.in"], case.data)
        raw = layout.raw_seed_weights(Upload("W1.in", w1), Upload("W2.in", w2))
    shapes = {name: info.image_shape for name, info in nn_core.DATASET_INFO.items()}
    name = nn_core.fitting_datasets(raw.W1.shape[1], shapes)[0]  # none: a DataFormatError
    ds, split = state.builtin_dataset(name), state.builtin_split(name)
    report = layout.diagnose_layout(raw.W1, raw.W2, ds.X[:200], ds.y[:200], ds.image_shape,
                                    expected=raw.expected)
    return nn_core.grade_weights(raw, ds, split, report=report)


@pytest.mark.parametrize("case", WEIGHT_CASES, ids=[c.id for c in WEIGHT_CASES])
def test_the_grade_pages_loader_never_raises_anything_but_data_format_error(case):
    # The Grade page is lenient on purpose: a W1 without its bias column, or one made for 28x28
    # digits, is graded (that is its layout detector). Anything it cannot use is an st.error.
    try:
        grade_pipeline(case)
    except DataFormatError as err:
        assert_clear(str(err))


# --- the pages themselves, in AppTest ----------------------------------------------------------

@pytest.fixture(scope="module")
def user_run():
    """A run the user trained earlier (5 hidden units, 3 iterations), to check it stays."""
    split = state.get_split("mnist-20x20")
    result = nn_core.train(split.train.X[:300], split.train.y[:300], hidden_size=5, maxiter=3)
    state.freeze(result.network)
    return state.make_run(Settings(hidden_size=5, maxiter=3), result, note="the user's own run")


def with_user_work(at, run):
    at.session_state["runs"] = [run]
    at.session_state["active_run_id"] = run.id
    return at


def untouched(at, run):
    """The user's run history and active model are as they were."""
    assert [r.id for r in at.session_state["runs"]] == [run.id]
    assert at.session_state["runs"][0] is run and at.session_state["active_run_id"] == run.id


def errors(at):
    """The error boxes' text as the browser shows it: markdown's backslash escapes removed (the
    pages escape what came from the user's files, so that it cannot become a link or an image)."""
    return " | ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", e.value) for e in at.error)


def no_traceback(at):
    assert not at.exception, [e.value for e in at.exception]


EXPLORER_SAMPLE = ["X.in/header-row", "X.in/nan-cell", "X.in/over-the-cap", "y.in/label-11",
                   ".mat/truncated-at-half", ".mat/bomb-1-GiB-of-zeros", ".npz/pickled-object-array",
                   ".npz/X-zero-pixels"]


def test_data_explorer_shows_st_error_and_keeps_the_users_data_and_models(user_run):
    at = with_user_work(AppTest.from_file(str(ROOT / "pages/1_Data_explorer.py"),
                                          default_timeout=60), user_run)
    x_up, y_up = at.run().file_uploader(key="explorer_x_upload"), at.file_uploader(key="explorer_y_upload")
    x_up.upload("X.in", GOOD["X.in"])
    y_up.upload("y.in", GOOD["y.in"])
    at.button(key="explorer_load").click().run()
    no_traceback(at)
    mine = at.session_state["user_data"]
    assert len(mine) == malformed.M and at.session_state["explorer_dataset"] == mine.name
    for case_id in EXPLORER_SAMPLE:
        case = BY_ID[case_id]
        x, y = explorer_sources(case)
        at.file_uploader(key="explorer_x_upload").set_value((x.name, x.getvalue(), "text/plain"))
        if y is None:
            at.file_uploader(key="explorer_y_upload").clear()
        else:
            at.file_uploader(key="explorer_y_upload").set_value((y.name, y.getvalue(), "text/plain"))
        at.button(key="explorer_load").click().run()
        no_traceback(at)
        with pytest.raises(DataFormatError) as err:
            data_upload.read_user_files(*explorer_sources(case))
        assert str(err.value).rstrip(".") in errors(at), case_id
        assert "Nothing was changed" in errors(at)
        assert at.session_state["user_data"] is mine, case_id
        assert at.session_state["explorer_dataset"] == mine.name
        untouched(at, user_run)


TRAIN_SAMPLE = ["W1.in/header-row", "W1.in/fits-28x28-not-20x20", "W2.in/nine-rows", "W2.in/utf16",
                "W2.in/over-the-cap"]


def test_train_page_refuses_bad_start_weights_and_keeps_the_trained_run():
    at = AppTest.from_file(str(ROOT / "pages/2_Train.py"), default_timeout=120).run()
    at.slider(key="train_maxiter").set_value(3)
    at.slider(key="train_hidden_size").set_value(5)
    at.run().button(key="train_go").click().run()  # the user's own work: one short run
    wait_for_jobs(at.session_state)
    at.run()
    no_traceback(at)
    [run] = at.session_state["runs"]
    at.radio(key="train_start").set_value("upload").run()
    for case_id in TRAIN_SAMPLE:
        case = BY_ID[case_id]
        w1, w2 = (case.data, GOOD["W2.in"]) if case.target == "W1.in" else (GOOD["W1.in"], case.data)
        at.file_uploader(key="train_w1").set_value(("W1.in", w1, "text/plain"))
        at.file_uploader(key="train_w2").set_value(("W2.in", w2, "text/plain"))
        at.run()
        no_traceback(at)
        with pytest.raises(DataFormatError) as err:
            seed_files.read_seed_weights(w1, w2, n_inputs=400)
        assert f"These start weights do not fit: {err.value}" in errors(at), case_id
        assert at.button(key="train_go").disabled  # nothing to train from
        untouched(at, run)
        assert any(run.label in m.value for m in at.markdown)  # the page still shows the user's model


DRAW_SAMPLE = ["X.in/empty", "X.in/tabs", "X.in/transposed", "X.in/binary-junk", "y.in/label-minus-1",
               "y.in/one-hot-row-sums-to-0", "y.in/labels-for-fewer-digits"]


def test_draw_page_refuses_bad_digit_files_and_keeps_my_digits(user_run):
    at = with_user_work(AppTest.from_file(str(ROOT / "pages/4_Draw_and_predict.py"),
                                          default_timeout=60), user_run)
    mine = [{"id": i + 1, "x": np.full(400, 0.1 * i), "label": i, "shape": (20, 20)} for i in range(3)]
    at.session_state["my_digits"] = list(mine)
    at.run()
    for case_id in DRAW_SAMPLE:
        x, y = explorer_sources(BY_ID[case_id])
        at.file_uploader(key="draw_up_x").set_value(("X.in", x.getvalue(), "text/plain"))
        at.file_uploader(key="draw_up_y").set_value(("y.in", y.getvalue(), "text/plain"))
        at.run().button(key="draw_up_add").click().run()  # the button wakes up once both are in
        no_traceback(at)
        with pytest.raises(DataFormatError) as err:
            seed_files.read_seed_data(x.getvalue(), y.getvalue())
        assert f"Could not read these files: {err.value}" in errors(at), case_id
        assert [d["id"] for d in at.session_state["my_digits"]] == [1, 2, 3]
        untouched(at, user_run)


GRADE_SAMPLE = [("in", "W1.in/semicolons"), ("in", "W2.in/eleven-rows"), ("in", "W1.in/one-row-only"),
                ("mat", ".mat/v7.3-hdf5"), ("mat", ".mat/Theta2-nine-rows"), ("npz", ".npz/W1-nan"),
                ("npz", ".npz/npy-not-npz"), ("npz", ".npz/zip-bomb-1-GiB-of-zeros")]


def test_grade_page_shows_st_error_and_keeps_the_weights_read_before(user_run):
    at = with_user_work(AppTest.from_file(str(ROOT / "pages/7_Grade_weights.py"),
                                          default_timeout=60), user_run)
    at.run().radio(key="grade_source").set_value("upload").run()
    at.file_uploader(key="grade_file_in_0").upload("W1.in", GOOD["W1.in"])
    at.file_uploader(key="grade_file_in_1").upload("W2.in", GOOD["W2.in"])
    at.button(key="grade_read").click().run()
    no_traceback(at)
    assert "grade_loaded" in at.session_state
    for kind, case_id in GRADE_SAMPLE:
        case, loaded = BY_ID[case_id], at.session_state["grade_loaded"]
        at.radio(key="grade_kind").set_value(kind).run()
        if kind == "in":
            w1, w2 = (case.data, GOOD["W2.in"]) if case.target == "W1.in" else (GOOD["W1.in"], case.data)
            at.file_uploader(key="grade_file_in_0").set_value(("W1.in", w1, "text/plain"))
            at.file_uploader(key="grade_file_in_1").set_value(("W2.in", w2, "text/plain"))
        else:
            at.file_uploader(key=f"grade_file_{kind}_0").set_value((f"w.{kind}", case.data, "x"))
        at.button(key="grade_read").click().run()
        no_traceback(at)
        assert at.error, case_id  # "Could not read your files", or "These weights do not fit"
        assert_clear(at.error[0].value)
        if "Could not read your files" in errors(at):
            assert at.session_state["grade_loaded"] is loaded  # the weights read before are kept
        untouched(at, user_run)


# --- any bytes at all --------------------------------------------------------------------------

READERS = {
    "X.in": lambda b: seed_files.read_seed_X(b),
    "y.in": lambda b: seed_files.read_seed_y(b),
    "W1+W2": lambda b: seed_files.read_seed_weights(b, b),
    ".mat": nn_core.read_mat,
    ".npz": nn_core.read_npz,
    "grade .mat": layout.raw_mat_weights,
    "grade .npz": layout.raw_npz_weights,
}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_data_format_errors(read, data):
    try:
        read(data)
    except DataFormatError as err:
        assert_clear(str(err))


@FAST
@given(data=st.binary(max_size=3000), reader=st.sampled_from(sorted(READERS)))
def test_random_bytes_raise_nothing_but_data_format_error(data, reader):
    only_data_format_errors(READERS[reader], data)


@FAST
@given(text=st.text(alphabet="0123456789.,-+eE \t\n\r#;naifNA\"x", max_size=400),
       reader=st.sampled_from(["X.in", "y.in", "W1+W2"]))
def test_random_number_like_text_raises_nothing_but_data_format_error(text, reader):
    only_data_format_errors(READERS[reader], text.encode())


VALID_BINARIES = {
    ".mat": malformed._mat({"X": malformed.good_arrays()["X.in"][:3], "y": [[1], [2], [10]],
                            "Theta1": malformed.good_arrays()["W1.in"][:4, :401],
                            "Theta2": malformed.good_arrays()["W2.in"][:, :5]}),
    ".npz": malformed._npz(X=np.zeros((3, 16)), y=np.array([0, 1, 2]), W1=np.zeros((4, 17)),
                           W2=np.zeros((10, 5))),
}


@FAST
@given(kind=st.sampled_from(sorted(VALID_BINARIES)), where=st.floats(0, 1), value=st.integers(0, 255),
       cut=st.booleans())
def test_damaged_mat_and_npz_files_raise_nothing_but_data_format_error(kind, where, value, cut):
    data = bytearray(VALID_BINARIES[kind])
    i = min(int(where * len(data)), len(data) - 1)
    if cut:
        data = data[:i]  # truncated
    else:
        data[i] = value  # one byte changed
    only_data_format_errors(nn_core.read_mat if kind == ".mat" else nn_core.read_npz,
                            bytes(data))


# --- how uploads are handled -------------------------------------------------------------------

CODE = [p for d in ("nn_core", "ui", "pages") for p in sorted((ROOT / d).rglob("*.py"))] + [ROOT / "app.py"]


def test_uploads_are_never_unpickled_never_written_to_disk_and_capped():
    source = {p.relative_to(ROOT).as_posix(): p.read_text() for p in CODE}
    for name, text in source.items():
        assert "allow_pickle=True" not in text and "pickle.load" not in text, name
        for line in text.splitlines():  # every np.load refuses pickled objects
            assert "np.load(" not in line or "allow_pickle=False" in line, (name, line)
    # Only these write files: the CLI's --out (TrainedW1.in / W2.in, or network.npz for another
    # architecture) and the data set cache.
    writers = {n for n, t in source.items() if re.search(r"write_bytes|open\([^)]*['\"]w|savez\(f", t)}
    assert writers <= {"nn_core/formats/seed_files.py", "nn_core/formats/archives.py",
                       "nn_core/digits/datasets.py"}, writers
    assert "def write_seed_weights" in source["nn_core/formats/seed_files.py"]
    uploaders = {n for n, t in source.items() if "file_uploader(" in t}
    assert uploaders, "no upload widgets found"
    config = (ROOT / ".streamlit/config.toml").read_text()
    cap_mb = int(re.search(r"maxUploadSize\s*=\s*(\d+)", config).group(1))
    assert cap_mb * 1024**2 == seed_files.MAX_UPLOAD_BYTES  # Streamlit counts MB as 1024**2 bytes


def test_a_file_object_is_read_only_up_to_the_cap():
    class Endless(io.RawIOBase):
        """Like /dev/zero: never ends; read(n) gives n zero bytes."""
        def readable(self):
            return True

        def read(self, n=-1):
            assert n != -1, "read everything from an endless stream"
            return b"0" * n

    with pytest.raises(DataFormatError, match="too large"):
        seed_files.read_seed_X(Endless())


# --- the command line ----------------------------------------------------------------------------

def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "nn_core", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_the_cli_ends_bad_files_with_one_error_line_and_exit_code_2(tmp_path):
    bad = {"X.in": BY_ID["X.in/header-row"].data, "y.in": BY_ID["y.in/label-11"].data,
           "W1.in": BY_ID["W1.in/fits-28x28-not-20x20"].data, "W2.in": BY_ID["W2.in/nine-rows"].data}
    for name, data in {**GOOD, **{"bad_" + k: v for k, v in bad.items()}}.items():
        (tmp_path / name).write_bytes(data)
    runs = [  # a real process each (imports take a second): the other files are tried in-process
        ("train", "--x", "bad_X.in", "--y", "y.in", "--maxiter", "1"),
        ("predict", "--x", "X.in", "--y", "y.in", "--w1", "W1.in", "--w2", "bad_W2.in", "--index", "0"),
        ("predict", "--x", "missing.in", "--y", "y.in", "--w1", "W1.in", "--w2", "W2.in"),
    ]
    for args in runs:
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, done.stderr)
        assert_clear(lines[0])
    assert not (tmp_path / "data").exists()  # nothing was written


BAD_FLAGS = [
    (["train", "--hidden", "0"], "hidden_size"), (["train", "--hidden", "100000"], "hidden_size"),
    (["train", "--maxiter", "0"], "maxiter"), (["train", "--lambda", "-1"], "lambda"),
    (["train", "--lambda", "nan"], "lambda"), (["train", "--method", "GD", "--learning-rate", "0"],
                                               "learning_rate"),
    (["train", "--x", "X.in"], "--y"), (["train", "--w1", "W1.in"], "--w2"),
    (["predict", "--x", "X.in", "--y", "y.in", "--w1", "W1.in", "--w2", "W2.in", "--index", "20"],
     "--index"),
    (["predict", "--x", "X.in", "--y", "y.in", "--w1", "nowhere.in", "--w2", "W2.in"], "no trained"),
    (["train", "--x", ".", "--y", "y.in"], "cannot read"),
    (["train", "--x", "X.in", "--y", "bad_y.in"], "row 20"),
    (["predict", "--x", "X.in", "--y", "y.in", "--w1", "bad_W1.in", "--w2", "W2.in"], "785"),
]


@pytest.mark.parametrize("argv, names", BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_bad_flag_values_are_one_error_line_and_exit_code_2(argv, names, tmp_path, monkeypatch, capsys):
    for name, data in GOOD.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "bad_y.in").write_bytes(BY_ID["y.in/label-11"].data)
    (tmp_path / "bad_W1.in").write_bytes(BY_ID["W1.in/fits-28x28-not-20x20"].data)
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv + ["--out", str(tmp_path / "out")] if argv[0] == "train" else argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and names in err[0], err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["train", "--hidden", "abc"], ["train", "--dataset", "cifar"],
                                  ["predict", "--index"], ["fly"]])
def test_unparseable_flags_end_in_argparses_error_line_and_exit_code_2(argv, capsys):
    with pytest.raises(SystemExit) as ended:
        cli.main(argv)
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("python -m nn_core") and ": error: " in err[-1]  # after the usage
    assert not any("Traceback" in line for line in err)


def test_the_data_folder_files_are_read_through_the_same_checks(tmp_path):
    # data/X.in and friends (the Data explorer's and Train page's data/ buttons) are paths:
    # the same reader, the same messages.
    path = Path(tmp_path, "X.in")
    path.write_bytes(BY_ID["X.in/text-cell"].data)
    with pytest.raises(DataFormatError, match=r"row 3, column 4: expected a number, found 'abc'"):
        data_upload.read_user_files(path, Upload("y.in", GOOD["y.in"]))
