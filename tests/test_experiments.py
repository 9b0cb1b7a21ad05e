"""nn_core.lessons.experiments: the plans, the parallel runner, stopping, and what each experiment shows.

The trainings use scikit-learn's 8x8 digits (64 inputs), small enough for a few milliseconds
per training, and few iterations.
"""

import threading
from types import SimpleNamespace

import numpy as np
import pytest

from nn_core import DataFormatError, Network, train
from nn_core import experiments as ex
from nn_core.digits.datasets import load_dataset, split_dataset

BASE = ex.Base(hidden_size=8, lambd=1.0, maxiter=15, seed=0)


@pytest.fixture(scope="module")
def split():
    return split_dataset(load_dataset("sklearn-8x8"), seed=0)


def test_base_reads_the_training_knobs_of_any_settings():
    settings = SimpleNamespace(dataset="x", hidden_size=7, lambd=0.5, maxiter=9, method="CG", seed=3,
                               learning_rate=2.0, activation="tanh", output="softmax", init="random")
    assert ex.Base.of(settings) == ex.Base(7, 0.5, 9, "CG", 3, 2.0, "tanh", "softmax")
    assert ex.Base.of(settings).kwargs()["activation"] == "tanh"
    assert ex.Base.of(settings).kwargs(lambd=3.0)["lambd"] == 3.0


def test_lambda_grid_is_zero_then_the_classic_one_three_steps():
    assert ex.lambda_grid().tolist() == [0, 0.03, 0.1, 0.3, 1, 3, 10, 30]
    grid = ex.lambda_grid(n=5, top=10, bottom=0.01)
    assert grid.tolist() == [0, 0.01, 0.1, 1, 10]
    with pytest.raises(DataFormatError):
        ex.lambda_grid(n=1)


def test_learning_sizes_grow_from_100_to_every_example():
    sizes = ex.learning_sizes(3500)
    assert sizes[0] == 100 and sizes[-1] == 3500 and len(sizes) == 7
    assert np.all(np.diff(sizes) > 0)
    ratios = sizes[1:] / sizes[:-1]
    assert ratios.min() > 1.5 and ratios.max() < 2.1  # evenly spread on a log scale
    assert ex.learning_sizes(60)[0] == 30 and ex.learning_sizes(60)[-1] == 60  # tiny data sets


def test_learning_subsets_keep_every_digits_share_and_grow_nested(split):
    y = split.train.y
    share = np.bincount(y, minlength=10) / len(y)
    subsets = ex.learning_subsets(y, [50, 200, 600, len(y)], seed=1)
    for small, big in zip(subsets, subsets[1:]):
        assert set(small) <= set(big)
    for rows in subsets:
        assert len(set(rows)) == len(rows)
        counts = np.bincount(y[rows], minlength=10)
        assert np.abs(counts - share * len(rows)).max() <= 2


def test_parallel_and_serial_runs_give_identical_numbers(split):
    lambdas = [0.0, 1.0, 10.0]
    serial = ex.lambda_sweep(split, BASE, lambdas, workers=1)
    parallel = ex.lambda_sweep(split, BASE, lambdas, workers=2)
    for name in ("train_accuracy", "validation_accuracy", "train_cost", "validation_cost", "final_cost"):
        np.testing.assert_array_equal(getattr(serial, name), getattr(parallel, name))
    assert all(a.network == b.network for a, b in zip(serial.results, parallel.results))
    # and each point is exactly the training nn_core.train gives for that lambda
    alone = train(split.train.X, split.train.y, hidden_size=8, lambd=10.0, maxiter=15, seed=0)
    assert alone.network == parallel.results[2].network


def test_lambda_sweep_measures_each_model_and_finds_the_best(split):
    sweep = ex.lambda_sweep(split, BASE, [0.0, 3.0, 300.0])
    assert sweep.complete and sweep.values.tolist() == [0, 3, 300]
    net = sweep.results[1].network
    assert sweep.validation_accuracy[1] == net.accuracy(split.validation.X, split.validation.y)
    assert sweep.train_accuracy[1] == net.accuracy(split.train.X, split.train.y)
    assert sweep.best == int(np.argmax(sweep.validation_accuracy))
    # A huge penalty flattens the weights: worse on the training digits than no penalty at all.
    assert sweep.train_accuracy[2] < sweep.train_accuracy[0]
    assert sweep.train_cost[2] > sweep.train_cost[0]
    # final_cost includes the lambda term, train_cost does not
    assert sweep.final_cost[2] > sweep.train_cost[2]


def test_progress_counts_iterations_and_can_stop_keeping_what_finished(split):
    seeds = range(6)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return done >= BASE.maxiter  # stop once one training's worth of iterations is done

    partial = ex.seed_spread(split, BASE, seeds, progress=progress, workers=1)
    assert not partial.complete and partial.planned == 6
    assert 1 <= len(partial.values) < 6
    assert all(total == 6 * BASE.maxiter for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # What is kept are whole trainings: the same numbers as an uninterrupted run of those seeds.
    full = ex.seed_spread(split, BASE, seeds, workers=1)
    assert full.complete and calls and full.values.tolist() == list(seeds)
    kept = [list(seeds).index(s) for s in partial.values]
    np.testing.assert_array_equal(partial.validation_accuracy, full.validation_accuracy[kept])


def test_a_full_run_reports_done_equals_total(split):
    calls = []
    ex.seed_spread(split, BASE, [0, 1], progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (2 * BASE.maxiter, 2 * BASE.maxiter)


def test_a_bad_setting_raises_and_leaves_no_training_running(split):
    before = threading.active_count()
    with pytest.raises(DataFormatError):
        ex.seed_spread(split, ex.Base(hidden_size=0), [0, 1, 2])
    assert threading.active_count() == before


def test_learning_curve_errors_and_diagnosis(split):
    curve = ex.learning_curve(split, ex.Base(hidden_size=8, lambd=0.0, maxiter=40), sizes=[40, 160, 640])
    assert curve.values.tolist() == [40, 160, 640]
    # Few examples are memorised: training error at m = 40 is at most the validation error.
    assert curve.train_accuracy[0] >= curve.validation_accuracy[0]
    assert curve.validation_accuracy[-1] > curve.validation_accuracy[0]
    assert ex.diagnose(curve) in ("variance", "bias", "good", "unclear")


def _curve(train_err, val_err):
    return SimpleNamespace(values=np.arange(len(train_err)), train_accuracy=1 - np.array(train_err),
                           validation_accuracy=1 - np.array(val_err))


def test_diagnose_reads_the_learning_curve():
    # A big gap with validation error still falling: variance (more data helps).
    assert ex.diagnose(_curve([0.0, 0.01, 0.02], [0.25, 0.15, 0.08])) == "variance"
    # Both high and close: bias.
    assert ex.diagnose(_curve([0.20, 0.25, 0.26], [0.40, 0.30, 0.27])) == "bias"
    # Both low and close.
    assert ex.diagnose(_curve([0.01, 0.02, 0.03], [0.20, 0.06, 0.04])) == "good"
    # A gap that stopped shrinking and a single point say nothing definite.
    assert ex.diagnose(_curve([0.0, 0.0, 0.0], [0.10, 0.08, 0.09])) == "unclear"
    assert ex.diagnose(_curve([0.0], [0.2])) == "unclear"


def test_equal_start_keeps_hidden_units_identical_and_tiny_random_breaks_the_tie(split):
    n = split.train.X.shape[1]
    assert ex.unit_spread(ex.equal_start(n, 6).W1) == 0
    sym = ex.symmetry(split, ex.Base(hidden_size=6, lambd=1.0, maxiter=20), epsilon=0.1)
    assert sym.names == ("all equal", "tiny random")
    equal, tiny = sym.W1
    # Equal units get equal gradients: they stay twins, up to rounding errors (training runs
    # its big products in float32, whose rounding the optimizer slowly amplifies).
    assert ex.unit_spread(equal) < 1e-4
    assert ex.unit_spread(tiny) > 1.0
    assert sym.validation_accuracy[1] > sym.validation_accuracy[0] + 0.3
    start = ex.tiny_start(n, 6, epsilon=1e-4, seed=0)
    assert np.abs(start.W1).max() <= 1e-4 and np.abs(start.W2).max() <= 1e-4
    assert ex.unit_spread(start.W1) > 0


def test_optimizer_race_shares_the_start_and_the_budget(split):
    base = ex.Base(hidden_size=8, lambd=1.0, maxiter=10)
    race = ex.optimizer_race(split, base)
    names = [lane.name for lane in race.lanes]
    assert names == ["L-BFGS-B", "CG", "TNC", "GD, rate 0.5", "GD, rate 4"]
    assert race.complete and race.budget == 20
    start = Network.random(split.train.X.shape[1], 8, seed=0)
    for lane, method in zip(race.lanes, ["L-BFGS-B", "CG", "TNC", "GD", "GD"]):
        alone = train(split.train.X, split.train.y, hidden_size=8, lambd=1.0, maxiter=1,
                      init=start, method=method, learning_rate=0.5 if lane.name.endswith("0.5") else 4)
        assert lane.cost[0] == pytest.approx(alone.history[0].cost)  # the same first step
        # The budget is checked after each iteration, so at most one iteration's evaluations over.
        assert lane.n_evals[-1] - lane.evals_per_iteration[-1] < race.budget
        assert np.all(lane.evals_per_iteration >= 1)
        assert np.all(np.diff(lane.seconds) >= 0)
    gd = race.lanes[3]
    assert np.all(gd.evals_per_iteration[1:] == 1)  # one evaluation per GD step
    assert race.lanes[0].cost[-1] < min(race.lanes[3].cost[-1], race.lanes[4].cost[-1])


def test_hidden_units_trains_a_shared_pair_once(split):
    base = ex.Base(hidden_size=25, lambd=1.0, maxiter=5)
    totals = []
    hu = ex.hidden_units(split, base, progress=lambda d, t: totals.append(t))
    assert set(totals) == {5 * 5}  # (λ=1, 25 units) is in both rows: 5 trainings, not 6
    assert hu.lambdas.tolist() == [0, 1, 10] and hu.sizes.tolist() == [5, 25, 100]
    assert [w.shape for w in hu.size_W1] == [(5, 65), (25, 65), (100, 65)]
    np.testing.assert_array_equal(hu.lambda_W1[1], hu.size_W1[1])


def test_weight_stats_measure_size_and_speckle():
    smooth = np.zeros((1, 17))
    smooth[0, 1:] = 1.0
    speckled = np.zeros((1, 17))
    speckled[0, 1:] = np.indices((4, 4)).sum(axis=0).ravel() % 2 * 2 - 1  # a +-1 checkerboard
    assert ex.weight_stats(smooth, (4, 4)) == (1.0, 0.0)
    assert ex.weight_stats(speckled, (4, 4)) == (1.0, 2.0)


def test_seed_spread_defaults_to_ten_seeds_from_the_base_seed(split):
    spread = ex.seed_spread(split, ex.Base(hidden_size=4, maxiter=2, seed=7))
    assert spread.values.tolist() == list(range(7, 17)) and spread.complete
    assert len(set(spread.final_cost)) > 1  # different starts, different ends


def test_a_split_without_validation_digits_is_refused_with_a_reason(split):
    from nn_core.digits.my_digits import as_dataset

    # One digit of each class: a stratified split has nothing to set aside.
    first = [int(np.flatnonzero(split.train.y == d)[0]) for d in range(10)]
    few = split_dataset(as_dataset(split.train.X[first], split.train.y[first], (8, 8)), seed=0)
    assert len(few.validation) == 0
    with pytest.raises(DataFormatError, match="validation digits, found none.*10 training digits"):
        ex.seed_spread(few, ex.Base(hidden_size=3, maxiter=2), [0, 1])
