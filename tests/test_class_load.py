"""benchmarks/class_load.py's students, through the real server: each action reaches its result.

The benchmark's client speaks Streamlit's websocket protocol itself; if the app or Streamlit
changes under it (a widget key, a page's path, the protocol), this test fails instead of the
benchmark quietly measuring errors. Two students, 5 iterations each, keep it short.
"""

import asyncio
import os
import re

from benchmarks import class_load
from benchmarks.serve import streamlit_server


def test_two_students_open_train_and_draw_through_the_real_server(tmp_path):
    env = dict(os.environ, NN_DIGITS_DATA_DIR=str(tmp_path))
    with streamlit_server(env=env, timeout=120) as url:
        students = asyncio.run(class_load.run_students([url], 2, timeout=120,
                                                       train_query="maxiter=5"))
    for s in students:
        assert s.failures == [], s.failures
        # Its first run, trained with its own seed, is in its history and the verdict is shown.
        assert s.seen["verdict"].startswith("Run #1: "), s.seen
        assert re.fullmatch(r"\d+\.\d%", s.seen["validation"]), s.seen
        assert s.seen["answer"] in range(10)  # the Draw page answered the drawn 7
        assert [a for a, _ in s.times].count("train") == 1
        assert [a for a, _ in s.times].count("draw") == 1
    # Different seeds, different starting weights: the two runs are not the same model.
    assert students[0].seen["verdict"] != students[1].seen["verdict"] or \
        students[0].seen["validation"] != students[1].seen["validation"]
    assert (tmp_path / "workspaces.sqlite3").stat().st_size > 0  # stored in the server's database
