"""Loading the user's own digits: X.in + y.in (the tutorial's text files), or one .mat / .npz.

How it works
1. upload_ui draws the Data explorer's upload section: two file uploaders, a Load button and,
   when the repository's data/ folder holds X.in and y.in, a button to use those.
2. read_user_files parses uploads or paths in memory with nn_core's readers (nothing is
   written to disk) and names the Dataset with a fingerprint of its contents.
3. load_into_session makes the result the session's st.session_state["user_data"] and picks
   it; on a DataFormatError it changes nothing but the message kept under ERROR_KEY, which
   upload_ui shows (the active model and the runs are never touched here).
"""

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import streamlit as st

from nn_core import MAX_DIGITS, MAX_PIXELS, MAX_X_BYTES, DataFormatError, read_mat, read_npz, read_seed_data

from . import state
from .text import literal

ERROR_KEY = "explorer_load_error"


def read_user_files(x_src, y_src=None):
    """A Dataset from X.in + y.in (text), or from one .mat / .npz holding X and y.

    Sources are paths, bytes or uploaded files; nothing is written to disk.
    Raises DataFormatError saying what was expected and what was found.
    """
    if x_src is None:
        raise DataFormatError("no X file: expected X.in (one digit per row), a .mat or a .npz file")
    name = str(getattr(x_src, "name", x_src if isinstance(x_src, (str, Path)) else "X.in"))
    suffix = Path(name).suffix.lower()
    if suffix in (".mat", ".npz"):
        reader = read_mat if suffix == ".mat" else read_npz
        ds = reader(x_src).get("data")
        if ds is None:
            shown = getattr(x_src, "name", None) or Path(name).name  # an upload's name is not a path
            raise DataFormatError(f"{shown} holds no digits: expected arrays named X and y, "
                                  "found weights only or other names")
    else:
        if y_src is None:
            raise DataFormatError("y.in is missing: expected both X.in (one digit per row) and "
                                  "y.in (its labels), found only X")
        ds = read_seed_data(x_src, y_src)
    # The picker, the runs and the training cache tell data sets apart by name: give each
    # distinct upload its own, with a short fingerprint of its contents.
    h = hashlib.sha1(np.ascontiguousarray(ds.X).data)  # the buffer itself: no copy of X
    h.update(np.ascontiguousarray(ds.y).data)
    tag = h.hexdigest()[:6]
    return dataclasses.replace(ds, name=f"{ds.name or 'your data'} · {len(ds):,} digits · {tag}")


def load_into_session(x_src, y_src=None, picker_key="explorer_dataset"):
    """Parse the files; on success make them the session's user_data and pick them.

    On DataFormatError nothing changes except the error message kept under ERROR_KEY
    (the active model and the runs are never touched here). Returns the Dataset or None.
    """
    try:
        ds = read_user_files(x_src, y_src)
    except DataFormatError as err:
        st.session_state[ERROR_KEY] = str(err)
        return None
    st.session_state.pop(ERROR_KEY, None)
    st.session_state["user_data"] = ds
    st.session_state[picker_key] = ds.name
    return ds


def data_dir_files():
    """(X.in, y.in) paths in the repository's data/ folder, or None if either is missing."""
    x, y = state.DATA_DIR / "X.in", state.DATA_DIR / "y.in"
    return (x, y) if x.is_file() and y.is_file() else None


def upload_ui():
    """The upload expander (keys explorer_x_upload, explorer_y_upload, explorer_load,
    explorer_load_repo) and, after a failed load, what was wrong."""
    with st.expander("Use your own X.in and y.in (or a .mat / .npz with X and y)"):
        st.caption("The tutorial's layout: X.in has one digit per row (comma-separated pixels, "
                   "20x20 stored column by column), y.in the labels (10 means digit 0). "
                   "Files are read in memory, never saved.")
        side = int(MAX_PIXELS**0.5)
        st.caption(f"At most {MAX_DIGITS:,} digits of at most {MAX_PIXELS:,} pixels ({side}x{side}), "
                   f"and {MAX_X_BYTES // 1024**2} MB in all as 64-bit floats (digits x pixels x 8).")
        up1, up2 = st.columns(2)
        up1.file_uploader("X.in (or .mat / .npz)", type=["in", "txt", "csv", "mat", "npz"],
                          key="explorer_x_upload")
        up2.file_uploader("y.in", type=["in", "txt", "csv"], key="explorer_y_upload")
        st.button("Load these files", key="explorer_load", on_click=lambda: load_into_session(
            st.session_state.get("explorer_x_upload"), st.session_state.get("explorer_y_upload")))
        if data_dir_files():
            st.button("Use data/X.in and data/y.in", key="explorer_load_repo",
                      on_click=lambda: load_into_session(*data_dir_files()))
    if ERROR_KEY in st.session_state:
        st.error(f"Could not read your files: {literal(st.session_state[ERROR_KEY].rstrip('.'))}. "
                 "Nothing was changed: the data and your models are as they were.")
