"""Experiments: six classic questions about the network, each a button, a chart and a lesson."""


import streamlit as st

from nn_core import experiments as ex
from ui import charts, nav, state
from ui import figs_experiments as fx

st.set_page_config(page_title="Experiments", page_icon="🧪", layout="wide")
nav.sidebar()
st.title("Experiments: what makes the wizard read better?")
st.write(
    "Each experiment trains the wizard several times, changing one thing only: λ, how many digits "
    "he studies, his random start, the optimizer, or his hidden units. The validation digits, kept "
    "from him, show which choice reads new handwriting best. Each experiment takes a few seconds "
    "(two trainings at a time, one per core); the same settings again come from the cache at once."
)
with st.expander("The maths"):
    st.latex(r"J(W_1, W_2) = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=0}^{9}\left[y_k^{(i)}\log a_{3,k}^{(i)}"
             r" + (1-y_k^{(i)})\log(1-a_{3,k}^{(i)})\right] + \frac{\lambda}{2m}"
             r"\left(\sum W_1^2 + \sum W_2^2\right)")
    st.write("The cost curves below show J without its λ term, so different λ compare fairly. "
             "Error = 1 − accuracy, measured on the m digits studied (train) and on the validation "
             "digits. Gradient descent steps by hand-picked learning rate α:")
    st.latex(r"W \leftarrow W - \alpha \, \frac{\partial J}{\partial W}")
    st.write("If every weight starts equal, each hidden unit's a2 = sigmoid(z2) and its error "
             "delta2 = (W2ᵀ delta3) ⊙ a2 (1 − a2) are the same, so are their gradients: they stay "
             "twins.")

active = state.active_run()
with st.container(border=True):
    st.write(f"**Base settings**, from the active model (run {active.label}). Change any of them "
             "for the experiments here; the method is the active model's.")
    settings = fx.settings_ui(active.settings, state.dataset_names())
split = state.get_split(settings.dataset)
if len(split.validation) == 0:
    st.warning(f"**{settings.dataset}** holds only {len(split.train)} digits: too few to keep some "
               "aside for validation, and every experiment here is judged on validation digits. "
               "Pick a built-in data set above, or load more digits in the Data explorer.")
    st.stop()
base = ex.Base.of(settings)
done = fx.outcomes()


def experiment(name, label, compute, unit="iterations"):
    """The experiment's button and progress; its outcome (this session's latest) or None."""
    fx.collect_experiment(name)
    st.button(label, key=f"exp_{name}_run", type="primary", disabled=fx.running(name),
              on_click=fx.run_experiment, args=(name, settings, split, settings.dataset, compute, unit))
    fx.watch_experiment(name)
    if fx.error(name):
        st.error(f"This experiment could not run with these settings: {fx.error(name)}")
    if name not in done:
        st.caption("Running…" if fx.running(name) else "Not run yet in this session.")
        return None
    st.caption(fx.status_caption(name))
    if fx.is_empty(done[name].result):
        st.warning("Stopped before any training had finished: nothing to show yet.")
        return None
    return done[name]


def lesson(text):
    st.success(f"**What it teaches.** {text}")


tabs = st.tabs(["1 · λ sweep", "2 · Learning curve", "3 · Seed spread", "4 · Optimizer race",
                "5 · Symmetry breaking", "6 · Hidden units"])

with tabs[0]:
    st.write("Train once for each λ from 0 to 30 (same seed). Too little λ lets the wizard memorise "
             "his digits, too much keeps him from learning them: the validation curve shows the "
             "balance. Click a point (or pick below) to make that model the active one.")
    o = experiment("lambda", "Run the λ sweep", lambda p: ex.lambda_sweep(split, base, progress=p))
    if o is not None:
        sweep = o.result
        charts.show(st, fx.lambda_chart(sweep), on_select=fx.on_lambda_click, selection_mode="points",
                        key="exp_lambda_chart")
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        pick = c1.selectbox("model", range(len(sweep.values)), index=sweep.best, key="exp_lambda_pick",
                            format_func=lambda i: f"λ = {sweep.values[i]:g} · validation "
                                                  f"{100 * sweep.validation_accuracy[i]:.1f} %")
        c2.button("Make it the active model", key="exp_lambda_activate", on_click=fx.activate_lambda,
                  args=(pick,))
        if "exp_lambda_msg" in st.session_state:
            st.info(st.session_state.pop("exp_lambda_msg"))
        lesson(fx.lesson_lambda(sweep))

with tabs[1]:
    st.write("Train on the first m training digits (each digit in its share), for m from 100 to all "
             "of them, and measure the error on those m digits and on the validation digits.")
    o = experiment("learning", "Run the learning curve",
                   lambda p: ex.learning_curve(split, base, progress=p))
    if o is not None:
        charts.show(st, fx.learning_chart(o.result), key="exp_learning_chart")
        lesson(fx.lesson_learning(o.result))

with tabs[2]:
    st.write(f"The same settings, ten random starts (seeds {base.seed}-{base.seed + 9}). Ng's exercise "
             "says the accuracy "
             "\"may vary by about 1 % due to the random initialization\": here it is.")
    o = experiment("seeds", "Run ten seeds", lambda p: ex.seed_spread(split, base, progress=p))
    if o is not None:
        charts.show(st, fx.seed_chart(o.result), key="exp_seed_chart")
        lesson(fx.lesson_seeds(o.result))

with tabs[3]:
    st.write(f"L-BFGS-B, CG, TNC and gradient descent at two learning rates ({ex.GD_RATES[0]:g} and "
             f"{ex.GD_RATES[1]:g}) from the same start weights, each allowed 2 × maxiter = "
             f"{2 * settings.maxiter} evaluations of J and its gradient (one pass over the data each).")
    o = experiment("race", "Run the race", lambda p: ex.optimizer_race(split, base, progress=p),
                   unit="evaluations")
    if o is not None:
        x = st.segmented_control("cost against", list(fx.RACE_X), default="iteration", key="exp_race_x")
        charts.show(st, fx.race_chart(o.result, x or "iteration"), key="exp_race_chart")
        st.dataframe(fx.race_rows(o.result), hide_index=True, key="exp_race_table")
        st.caption("Two trainings run at a time (one per core), so seconds are as measured side by side.")
        lesson(fx.lesson_race(o.result))

with tabs[4]:
    st.write("Start once with every weight equal to 0.1 and once with tiny random weights "
             "(±0.0001), then train both the same way and look at the hidden units' W1 images.")
    o = experiment("symmetry", "Run both starts", lambda p: ex.symmetry(split, base, progress=p))
    if o is not None:
        sym = o.result
        charts.show(st, fx.weights_figure(list(zip(sym.names, sym.W1)), o.image_shape,
                                          title="Each hidden unit's input weights (each start on its own "
                                                "colour scale)", shared_scale=False),
                        key="exp_symmetry_weights")
        charts.show(st, fx.symmetry_cost_chart(sym), key="exp_symmetry_cost")
        lesson(fx.lesson_symmetry(sym))

with tabs[5]:
    st.write("What the hidden units look for (each unit's W1 row as an image, red = positive weight), "
             "for λ = 0, 1 and 10, then for 5, 25 and 100 hidden units; all from the same seed.")
    o = experiment("hidden", "Run the trainings", lambda p: ex.hidden_units(split, base, progress=p))
    if o is not None:
        hu, used = o.result, o.settings
        if len(hu.lambdas):
            panels = [(f"λ = {v:g}", w) for v, w in zip(hu.lambdas, hu.lambda_W1)]
            title = f"{used.hidden_size} hidden units"
            charts.show(st, fx.weights_figure(panels, o.image_shape, title=title), key="exp_hidden_lambda")
        if len(hu.sizes):
            panels = [(f"{h} hidden units", w) for h, w in zip(hu.sizes, hu.size_W1)]
            charts.show(st, fx.weights_figure(panels, o.image_shape, title=f"λ = {used.lambd:g}"),
                            key="exp_hidden_sizes")
        lesson(fx.lesson_hidden(hu, o.image_shape))

st.info("**Experiment to try:** set the base λ to 0 and maxiter to 200, then run the learning curve "
        "and the λ sweep again. Does the gap between train and validation error grow, and does the "
        "best λ move?")
