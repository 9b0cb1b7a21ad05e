""""My digits": the drawings you labelled, kept in this session and in your workspace's
database (ui/workspace.py), and their widgets.

Each item is {"id", "x" (the preprocessed input vector a1), "label", "shape" (image shape)}.
Items of every size are kept; a page uses those that fit the active model's input.
"""

from dataclasses import replace

import numpy as np
import streamlit as st

from nn_core import MAX_MY_DIGITS, DataFormatError, my_digits, read_seed_data, seed_data_bytes

from . import jobs, state, workspace
from .glossary import explain
from .text import a_digit, literal

KEY = "my_digits"
RETRAIN_JOB = "draw_retrain_job"
GALLERY_COLS = 8


def items():
    return st.session_state.setdefault(KEY, [])


def full():
    return len(items()) >= MAX_MY_DIGITS


def add(x, label, image_shape):
    """Keep one preprocessed drawing with its label; returns the new item (None when full)."""
    if full():
        return None
    ids = [item["id"] for item in items()]
    item = {"id": max(ids, default=0) + 1, "x": np.array(x, dtype=np.float64).ravel(),
            "label": int(label), "shape": tuple(image_shape)}
    items().append(item)
    workspace.save_digit(item, keep=MAX_MY_DIGITS)
    return item


def remove(item_id):
    st.session_state[KEY] = [item for item in items() if item["id"] != item_id]
    workspace.remove_digit(item_id)


def fitting(n_inputs):
    """The items that fit a network with n_inputs inputs."""
    return [item for item in items() if item["x"].size == n_inputs]


def arrays(n_inputs):
    """(X_mine, y_mine) of the fitting items; X_mine has shape (k, n_inputs)."""
    chosen = fitting(n_inputs)
    X = np.array([item["x"] for item in chosen]).reshape(len(chosen), n_inputs)
    return X, np.array([item["label"] for item in chosen], dtype=np.intp)


def import_files(x_file, y_file, n_inputs, image_shape):
    """Add the digits of an X.in/y.in pair; DataFormatError (nothing added) if they don't fit,
    or if my digits would then hold over MAX_MY_DIGITS."""
    ds = read_seed_data(x_file, y_file)
    if ds.n_inputs != n_inputs:
        raise DataFormatError(f"the active model takes {n_inputs} pixels per digit, "
                              f"found {ds.n_inputs} in X.in")
    my_digits.check_room(len(items()), len(ds))
    X = np.clip(ds.X, 0.0, 1.0)
    for x, label in zip(X, ds.y, strict=True):
        add(x, label, image_shape)
    return len(ds)


def add_ui(x, p, image_shape):
    """The label picker and "Add to my digits" for drawing x, whose outputs are p. When the
    network is sure the drawing is another digit than the label (my_digits.doubt), it asks
    first and offers both labels."""
    drawing_id = hash(np.asarray(x).tobytes())
    if st.session_state.get("draw_label_for") != drawing_id:  # a new drawing: suggest its prediction
        st.session_state.update(draw_label=int(np.argmax(p)), draw_label_for=drawing_id)
    c1, c2, c3 = st.columns([1, 1.4, 1.6], vertical_alignment="bottom")
    label = c1.selectbox("This drawing is a", list(range(10)), key="draw_label")
    other = my_digits.doubt(p, label)
    text = "Add to my digits" if other is None else f"Add it as {a_digit(label)} anyway"
    c2.button(text, key="draw_add", on_click=add, args=(x, label, image_shape), disabled=full())
    if other is not None:
        digit, sure = other
        c3.button(f"Add it as {a_digit(digit)}", key="draw_add_other", on_click=add,
                  args=(x, digit, image_shape), disabled=full())
        st.warning(f"The network is {sure:.0%} sure this is {a_digit(digit)}; add it as "
                   f"{a_digit(label)}? {a_digit(digit).capitalize()} labelled {label} would teach it "
                   f"to call such {digit}s {label}s.")


def gallery_ui(n_inputs):
    """The fitting items as small images with a remove button under each."""
    chosen = fitting(n_inputs)
    hidden = len(items()) - len(chosen)
    st.caption(f"My digits: {len(chosen)}" if chosen else "My digits: none yet.")
    if full():
        st.caption(f"That is the most kept ({MAX_MY_DIGITS}): remove some to add others.")
    if hidden:
        st.caption(f"{hidden} of your digits have another size and are kept for a model that fits.")
    for start in range(0, len(chosen), GALLERY_COLS):
        cols = st.columns(GALLERY_COLS)
        for col, item in zip(cols, chosen[start:start + GALLERY_COLS], strict=False):
            with col:
                img = np.clip(item["x"].reshape(item["shape"]), 0.0, 1.0)
                # Nearest-neighbour upscale so a 20 x 20 digit is not blurred by the browser.
                scale = max(1, 64 // img.shape[0])
                st.image(np.kron(img, np.ones((scale, scale))), caption=a_digit(item["label"]),
                         width=64, clamp=True)
                st.button("remove", key=f"draw_remove_{item['id']}", on_click=remove,
                          args=(item["id"],))


def files_ui(n_inputs, image_shape):
    """Download your digits as the tutorial's X.in/y.in, or upload such a pair."""
    if "draw_flash" in st.session_state:
        st.success(st.session_state.pop("draw_flash"))
    X, y = arrays(n_inputs)
    if len(y):
        x_bytes, y_bytes = seed_data_bytes(my_digits.as_dataset(X, y, image_shape))
        c1, c2, _ = st.columns([1, 1, 4])
        c1.download_button("Download X.in", x_bytes, "X.in", key="draw_dl_x")
        c2.download_button("Download y.in", y_bytes, "y.in", key="draw_dl_y")
    with st.expander(f"Upload X.in / y.in of digits you saved before (at most {MAX_MY_DIGITS} kept)"):
        u1, u2 = st.columns(2)
        x_file = u1.file_uploader("X.in (one digit a row)", key="draw_up_x")
        y_file = u2.file_uploader("y.in (one-hot rows)", key="draw_up_y", help=explain("one-hot"))
        if st.button("Add these to my digits", key="draw_up_add",
                     disabled=x_file is None or y_file is None):
            try:
                added = import_files(x_file, y_file, n_inputs, image_shape)
            except ValueError as err:  # DataFormatError is a ValueError
                st.error(f"Could not read these files: {literal(err)}. Your digits are unchanged.")
            else:
                st.session_state["draw_flash"] = f"Added {added} digits from X.in / y.in."
                st.rerun()


# --- retrain with my digits: a job (ui.jobs), watched and stoppable ---------------------------------

def start_retrain(run, split):
    """Fine-tune the active model on the training digits plus mine, in the background (the
    Retrain button's callback: k and the iterations are read as the widgets hold them now)."""
    repeat, maxiter = int(st.session_state["draw_repeat"]), int(st.session_state["draw_maxiter"])
    X_mine, y_mine = arrays(run.network.n_inputs)

    def work(job):
        out = my_digits.retrain(run.network, split.train.X, split.train.y, X_mine, y_mine, repeat, maxiter,
                      run.settings.lambd, split.validation.X, split.validation.y,
                      callback=lambda step, _net: job.report(step.iteration, maxiter, cost=step.cost))
        state.freeze(out.result.network)
        settings = replace(run.settings, maxiter=maxiter, method="L-BFGS-B", init="my-digits")
        new = state.add_run(state.make_run(settings, out.result, note="with my digits"))
        return dict(before=out.before, after=out.after, k=len(y_mine), repeat=repeat,
                    iterations=out.result.n_iterations, stopped=out.result.stopped, new=new.id,
                    old=run.id)

    st.session_state.pop("draw_report", None)
    jobs.start(RETRAIN_JOB, "retrain", work)


def _draw_retraining(job):
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    stop_col.button("Stop", key="draw_retrain_stop", on_click=job.request_stop,
                    disabled=job.stop_requested, help="Stop now and keep what it learned so far.")
    text = (f"The wizard studies your handwriting: iteration {job.done} of {job.total}, "
            f"J = {job.info['cost']:.4f}" if job.done else "The wizard studies your handwriting…")
    bar_col.progress(min(1.0, job.done / job.total), text=text)


def retrain_ui(run, split):
    """k and iterations, the Retrain button, its progress and Stop, and the report afterwards."""
    report, refusal = jobs.collect(RETRAIN_JOB)
    if refusal is not None:  # e.g. large images repeated too often
        st.error(f"Could not retrain: {literal(refusal)}. The active model is unchanged.")
    elif report is not None:
        st.session_state["draw_report"] = report
    retraining = jobs.current(RETRAIN_JOB) is not None
    _, y_mine = arrays(run.network.n_inputs)
    r1, r2 = st.columns(2)
    r1.slider("Repeat each of my digits k times", 1, my_digits.MAX_REPEAT, 10, key="draw_repeat")
    r2.number_input("L-BFGS-B iterations", 1, 300, 30, key="draw_maxiter")
    st.button("Retrain with my digits", key="draw_retrain", on_click=start_retrain, args=(run, split),
              disabled=len(y_mine) == 0 or split is None or retraining)
    jobs.watch(RETRAIN_JOB, _draw_retraining)
    report = st.session_state.get("draw_report")
    if report:
        _show_report(report)


def _show_report(report):
    how = (f"stopped by you after {report['iterations']} L-BFGS-B iterations" if report["stopped"]
           else f"after {report['iterations']} more L-BFGS-B iterations")
    st.success(f"Model #{report['new']} (with my digits) is now the active model: model #{report['old']} "
               f"{how} on the training set plus your "
               f"{report['k']} digit{'s' if report['k'] != 1 else ''} × {report['repeat']}.")
    shown = (("mine", "accuracy on my digits", ".0%"), ("validation", "validation accuracy", ".1%"))
    for col, (part, label, fmt) in zip(st.columns(2), shown, strict=True):
        was, now = report["before"][part], report["after"][part]
        if not (state.measured(was) and state.measured(now)):  # no validation digits
            col.metric(f"{label}, model #{report['new']}", state.percent(now, fmt))
            continue
        col.metric(f"{label}, model #{report['new']}", format(now, fmt),
                   f"{now - was:+{fmt}} (model #{report['old']}: {was:{fmt}})",
                   delta_arrow="auto" if round(now - was, 4) else "off")
