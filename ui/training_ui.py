"""The Train page's plumbing: start weights, training you can watch and stop, its verdict and
the downloads. (The knobs and their URL mirror are in ui.train_knobs.)

How a training run works
1. The Train button starts a job (ui.jobs): a worker thread calls state.cached_train(settings,
   _init, _on_step) and the page's script run ends at once.
2. After every iteration the worker's _on_step keeps the step for the live curve and reports
   to the job, which says whether to stop: the page's Stop was pressed, or the browser session
   has ended (tab closed, page reloaded). Stopping keeps the weights reached so far.
3. While the job runs, a fragment redraws the progress bar, the live cost curve and the Stop
   button every half second; a click elsewhere or a visit to another page cancels nothing.
4. When training ends, the worker itself puts the run into the history (made active unless J
   blew up or went uphill), so it is there on every page; the Train page shows the verdict.
Nothing is drawn from inside the cached function, so a cache hit has nothing to replay.
"""

import streamlit as st

import nn_core
from nn_core import network_npz_bytes, read_seed_weights, seed_weights_bytes

from . import charts, figs_train, jobs, state
from .text import literal

# --- start weights -----------------------------------------------------------------------------

@st.cache_data(max_entries=4, show_spinner="Reading your weights…")
def _parse_weights(w1_bytes, w2_bytes, n_inputs):
    """Parsed once per file content: a 50 MB W1.in is not read again on every rerun."""
    return read_seed_weights(w1_bytes, w2_bytes, n_inputs=n_inputs)


def start_weights_ui(n_inputs):
    """Where training starts: random weights, uploaded W1.in/W2.in, or data/W1.in & W2.in.

    Returns (network or None, init): init is Settings.init ("random" or "weights:<sha1>").
    Bad files show st.error (expected vs found) and return (None, None): nothing to train from.
    """
    choices = {"random": "small random weights (from the seed)", "upload": "my W1.in and W2.in"}
    if (state.DATA_DIR / "W1.in").exists() and (state.DATA_DIR / "W2.in").exists():
        choices["data"] = "data/W1.in and data/W2.in"
    choice = st.radio("start from", list(choices), format_func=choices.get, key="train_start")
    if choice == "random":
        return None, "random"
    if choice == "upload":
        up1, up2 = st.columns(2)
        w1 = up1.file_uploader("W1.in", key="train_w1")
        w2 = up2.file_uploader("W2.in", key="train_w2")
        if w1 is None or w2 is None:
            st.info("Upload both W1.in and W2.in (comma-separated, bias column first).")
            return None, None
        w1, w2 = w1.getvalue(), w2.getvalue()
    else:
        w1, w2 = (state.DATA_DIR / "W1.in").read_bytes(), (state.DATA_DIR / "W2.in").read_bytes()
    try:
        net = _parse_weights(w1, w2, n_inputs)
        nn_core.check_hidden_size(net.hidden_size, "W1.in (one row per hidden unit)")
    except nn_core.DataFormatError as error:
        st.error(f"These start weights do not fit: {literal(error)}")
        return None, None
    init = state.weights_init(net)
    sizes = "-".join(map(str, net.layer_sizes))
    st.caption(f"Start weights: {sizes} (sha1 {init[8:18]}…).")
    return net, init


# --- training you can watch and stop -----------------------------------------------------------

JOB = "train_job"  # the session's training job (ui.jobs), while it runs and until it is shown


def start_training(settings, init=None):
    """Train in the background (ui.jobs): the page's script run ends at once, so no click and no
    Stop in Streamlit's header can cut it short; the finished run joins the history by itself."""

    def work(job):
        steps = []  # nn_core Steps, for the live cost curve

        def on_step(step, network):
            steps.append(step)
            return job.report(step.iteration, settings.maxiter, steps=steps)

        try:
            result = state.cached_train(settings, _init=init, _on_step=on_step)
        except state.TrainingInterrupted as stopped:
            result = stopped.result
        # A finished result whose callback never ran although it has several iterations came from
        # the cache. (A run that blew up at its first iteration has one iteration and no callback.)
        return finish(result, settings, from_cache=not steps and result.n_iterations > 1)

    st.session_state.pop("train_message", None)  # the last run's verdict, until this one ends
    jobs.start(JOB, "train", work)


def training():
    """True while this session's training job runs."""
    job = jobs.current(JOB)
    return job is not None and job.running


def watch_training():
    """The running job's progress bar, live cost curve and Stop button, redrawn by a fragment."""
    jobs.watch(JOB, _draw_progress)


def _draw_progress(job):
    steps = list(job.info.get("steps", ()))  # the worker keeps appending: one snapshot
    maxiter = job.total
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    stop_col.button("Stop", key="train_stop", on_click=job.request_stop, disabled=job.stop_requested,
                    help="Stop now and keep the weights reached so far.")
    if not steps:
        bar_col.progress(0.0, text="starting…")
        return
    last = steps[-1]
    bar_col.progress(min(1.0, last.iteration / maxiter),
                     text=f"iteration {last.iteration} of {maxiter} · J = {last.cost:.4f} "
                          f"· {last.seconds:.1f} s")
    columns = {k: [getattr(s, k) for s in steps] for k in ("iteration", "cost", "grad_norm")}
    charts.show(st, figs_train.live_cost_figure(columns, maxiter), key="train_live")


def collect_training():
    """The ended training job's message, kept for the page to show -> (level, text) or None."""
    result, refusal = jobs.collect(JOB)
    if result is None and refusal is None:
        return None
    message = ("error", f"Training could not start: {literal(refusal)}") if refusal else result[1:]
    st.session_state["train_message"] = message
    return message


# --- the outcome -------------------------------------------------------------------------------

def finish(result, settings, from_cache=False):
    """Turn a training result into a run in the history -> (run, level, message).

    level is "success", "warning" or "error" (st.success/st.warning/st.error). A run whose
    cost blew up or went uphill is kept in the history but not made active.
    """
    level, text = verdict(result, settings)
    if from_cache:
        text = "Same settings as an earlier run, so the result came from the cache, instantly. " + text
    run = state.make_run(settings, result, note=result.message)
    state.add_run(run, activate=level != "error")
    if level == "error":
        text += " Your previous model stays active."
    return run, level, f"Run #{run.id}: {text}"


def verdict(result, settings):
    """What happened in plain words, and what to try."""
    n = result.n_iterations
    if result.diverged:
        return "error", f"Training went wrong at iteration {n}: {result.message}."  # with advice
    if result.went_uphill:
        return "error", (f"The cost went up, from {result.start_cost:.3f} at the start to "
                         f"{result.final_cost:.3f}: each step overshot the valley and landed higher "
                         "up the other side. Try a learning rate 10 times smaller, or L-BFGS-B, which "
                         "picks its own steps.")
    if result.stopped:
        return "warning", f"{result.message.capitalize()}: the weights reached so far are kept."
    if result.converged:
        return "success", f"Converged after {n} iterations: {result.message}."
    return "warning", (f"Stopped at maxiter = {settings.maxiter} before J stopped falling "
                       f"(J = {result.final_cost:.4f}); more iterations may help.")


def show_message(message):
    if message is not None:
        level, text = message
        getattr(st, level)(text)


def downloads_ui(net, image_shape):
    """The active model as the tutorial's TrainedW1.in / TrainedW2.in and as an .npz. The .in
    files hold one sigmoid hidden layer and sigmoid outputs, nothing else: any other network gets
    the .npz (which stores its layers, activation and output) and the reason."""
    tutorial = None
    if not net.is_tutorial_shape:
        st.info(f"TrainedW1.in and TrainedW2.in hold the tutorial's network only: one hidden layer "
                f"of sigmoid units and sigmoid outputs, two matrices and nothing to say which "
                f"functions they use. This model has {len(net.weights) - 1} hidden "
                f"layer{'s' if len(net.weights) > 2 else ''} ({'-'.join(map(str, net.layer_sizes))}), "
                f"{net.activation} units and {net.output} outputs, so download the .npz file: it "
                "holds every weight matrix and the names of the functions.",
                icon=":material/info:")
    else:
        try:
            tutorial = seed_weights_bytes(net, image_shape)
        except nn_core.DataFormatError as error:
            st.info(f"TrainedW1.in and TrainedW2.in are not available for this model: {error}. "
                    "The .npz file holds its W1 and W2 as they are.")
    d1, d2, d3 = st.columns(3)
    if tutorial is not None:
        d1.download_button("TrainedW1.in", tutorial[0], file_name="TrainedW1.in", on_click="ignore",
                           key="train_dl_w1")
        d2.download_button("TrainedW2.in", tutorial[1], file_name="TrainedW2.in", on_click="ignore",
                           key="train_dl_w2")
    d3.download_button("weights (.npz)", network_npz_bytes(net), file_name="network.npz",
                       on_click="ignore", key="train_dl_npz")
    if tutorial is not None:
        st.caption("TrainedW1.in and TrainedW2.in are in the tutorial's layout: predict.py reads them "
                   "as is.")
