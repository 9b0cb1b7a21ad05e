"""Weights to grade, from the Grade page's sources: the active model, the tutorial's files in data/,
or the user's uploads (W1.in + W2.in, a .mat or an .npz), read in memory and kept in the session.

An upload is read in two steps: the Read button's callback only records which files to read
(request_upload); the next script run reads them (read_requested) before any widget draws, so a
bad file leaves the weights read before, and everything else, as they were.
"""

import streamlit as st

from nn_core import DataFormatError, layout

from . import state

KINDS = {  # kind -> (label, uploader labels and types, reader)
    "in": ("W1.in + W2.in (the tutorial's files)", [("W1.in", None), ("W2.in", None)],
           layout.raw_seed_weights),
    "mat": ("a .mat file (Coursera's Theta1, Theta2)", [(".mat file", ["mat"])], layout.raw_mat_weights),
    "npz": ("an .npz file (W1, W2, … saved by this dashboard)", [(".npz file", ["npz"])],
            layout.raw_npz_weights),
}
PENDING, LOADED, ERROR = "grade_pending", "grade_loaded", "grade_error"
TUTORIAL_FILES = (("TrainedW1.in", "TrainedW2.in"), ("W1.in", "W2.in"))


def sources(run):
    """{source: label} of the weights that can be graded: the active run, uploads, and each pair
    of the tutorial's files found in data/."""
    found = {"active": f"the active model ({run.label})", "upload": "my own files (upload)"}
    for w1, w2 in TUTORIAL_FILES:
        if (state.DATA_DIR / w1).exists() and (state.DATA_DIR / w2).exists():
            found[w1] = f"data/{w1} and data/{w2}"
    return found


def request_upload(kind):
    """Button callback: remember which files to read; the page reads them on this rerun."""
    files = [st.session_state.get(f"grade_file_{kind}_{i}") for i in range(len(KINDS[kind][1]))]
    st.session_state[PENDING] = (kind, files)


def read_requested():
    """Read the files the Read button asked for, if any: the weights into LOADED, or the reason
    they could not be read into ERROR (the weights read before stay)."""
    if PENDING not in st.session_state:
        return
    kind, files = st.session_state.pop(PENDING)
    if any(f is None for f in files):
        st.session_state[ERROR] = "choose every file first (expected "
        st.session_state[ERROR] += " and ".join(label for label, _ in KINDS[kind][1]) + ")"
        return
    names = " + ".join(getattr(f, "name", label) for f, (label, _) in zip(files, KINDS[kind][1]))
    try:
        st.session_state[LOADED] = KINDS[kind][2](*files, source=names)
        st.session_state.pop(ERROR, None)
    except DataFormatError as error:
        st.session_state[ERROR] = str(error)


def read_error():
    """Why the last upload could not be read, or None."""
    return st.session_state.get(ERROR)


def upload_ui():
    """The file type, its uploaders and the Read button."""
    kind = st.radio("File type", list(KINDS), format_func=lambda k: KINDS[k][0], key="grade_kind",
                    horizontal=True)
    for i, (col, (label, types)) in enumerate(zip(st.columns(2), KINDS[kind][1])):
        col.file_uploader(label, type=types, key=f"grade_file_{kind}_{i}")
    st.button("Read these files", key="grade_read", on_click=request_upload, args=(kind,))
    st.caption("Files are read in memory and never saved. Nothing else changes until you press "
               "'Make this the active model'.")


def raw_weights(source, run, label):
    """layout.RawWeights of one source; None for uploads not read yet. DataFormatError if the
    tutorial's files in data/ cannot be read."""
    if source == "active":
        net = run.network
        deeper = None if net.is_tutorial_shape else net  # graded as it is: no layout to guess
        return layout.RawWeights(net.W1, net.W2, layout.DIGIT_ORDER, run.label, network=deeper)
    if source == "upload":
        return st.session_state.get(LOADED)
    return layout.raw_seed_weights(state.DATA_DIR / source, state.DATA_DIR / source.replace("W1", "W2"),
                                   source=label)
