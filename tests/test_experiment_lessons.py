"""ui.experiment_lessons: each lesson says what its own numbers show, and nothing they contradict.

Results are stand-ins (SimpleNamespace) with only the fields a lesson reads, so every branch is
reached with numbers chosen by hand; the page tests run the real experiments.
"""

from types import SimpleNamespace

import numpy as np

from ui import experiment_lessons as lessons
from ui.experiment_tabs import EXPERIMENTS

LAMBDAS = [0, 0.3, 1, 10]


def sweep(train, validation, best):
    return SimpleNamespace(values=LAMBDAS, train_accuracy=np.array(train),
                           validation_accuracy=np.array(validation), best=best)


def test_a_gap_at_lambda_zero_is_called_memorising():
    text = lessons.lambda_sweep(sweep([0.99, 0.97, 0.95, 0.80], [0.90, 0.93, 0.92, 0.79], best=1))
    assert text.startswith("The best validation accuracy, 93.0 %, came at λ = 0.3.")
    assert "99.0 % on the digits he studied but only 90.0 % on new ones (memorising)" in text


def test_no_gap_at_lambda_zero_is_not_called_memorising():
    # The numbers a real 8x8 sweep gave: validation above train at λ = 0.
    text = lessons.lambda_sweep(sweep([0.938, 0.946, 0.94, 0.88], [0.941, 0.963, 0.95, 0.9], best=1))
    assert "memorising)" not in text and "but only" not in text
    assert "93.8 % on the digits he studied and 94.1 % on new ones, so he was hardly memorising" in text


def test_the_ends_of_the_lambda_range_have_their_own_lessons():
    assert "No penalty was best" in lessons.lambda_sweep(sweep([1, 1, 1, 1], [0.9, 0.8, 0.8, 0.7], 0))
    assert "largest λ tried was best" in lessons.lambda_sweep(sweep([1, 1, 1, 1], [0.7, 0.8, 0.8, 0.9], 3))


def test_seed_spread_reports_the_range_it_measured():
    text = lessons.seed_spread(SimpleNamespace(validation_accuracy=np.array([0.90, 0.92, 0.91])))
    assert "3 different random starts reached 90.0 % to 92.0 %" in text and "spread of 2.0 points" in text


def lane(name, cost):
    return SimpleNamespace(name=name, cost=np.array(cost))


def test_the_race_lesson_names_the_winner_it_saw():
    won = lessons.optimizer_race(SimpleNamespace(budget=40, lanes=[lane("CG", [2, 0.8]),
                                                                   lane("L-BFGS-B", [2, 0.6])]))
    assert "L-BFGS-B 0.600, CG 0.800" in won and "L-BFGS-B won" in won
    lost = lessons.optimizer_race(SimpleNamespace(budget=40, lanes=[lane("CG", [2, 0.5]),
                                                                    lane("L-BFGS-B", [2, 0.6])]))
    assert "Here CG ended lowest" in lost and "L-BFGS-B won" not in lost


def test_symmetry_says_whether_the_equal_start_stayed_symmetric():
    def sym(spread_equal):
        return SimpleNamespace(names=["all equal", "tiny random"], validation_accuracy=[0.14, 0.9],
                               unit_spread=[spread_equal, 0.5], cost=[np.ones(20), np.ones(20)])
    assert "still identical after training" in lessons.symmetry(sym(1e-7))
    assert "rounding errors acted as a very tiny random start" in lessons.symmetry(sym(0.1))


def test_every_experiment_in_the_table_has_its_own_name_tab_and_lesson():
    names = [e.name for e in EXPERIMENTS]
    assert names == ["lambda", "learning", "seeds", "race", "symmetry", "hidden", "activation", "depth",
                     "output", "scale"]
    assert len({e.tab for e in EXPERIMENTS}) == len({e.button for e in EXPERIMENTS}) == 10


# --- 7-10 ---------------------------------------------------------------------------------------

def activations(validation, dead):
    return SimpleNamespace(names=("sigmoid", "tanh", "relu"), validation_accuracy=np.array(validation),
                           dead=np.array([0, 0, dead]), hidden_units=25, cost=[np.ones(50)] * 3,
                           studied=2000)


def test_the_activation_race_names_its_winner_and_counts_dead_units():
    text = lessons.activation_race(activations([0.936, 0.925, 0.90], dead=5))
    assert text.startswith("After the same 50 iterations, validation accuracy was sigmoid 93.6 %, "
                           "tanh 92.5 %, ReLU 90.0 %. Sigmoid read new digits best, by 3.6 points")
    assert "5 of the 25 ReLU units died: each outputs 0 on all 2,000 training digits" in text
    assert "really learned with 20 units" in text


def test_a_close_race_and_no_dead_units_say_so():
    text = lessons.activation_race(activations([0.93, 0.926, 0.934], dead=0))
    assert "no activation clearly wins" in text and "read new digits best" not in text
    assert "None of the 25 ReLU units died" in text and "really learned with" not in text


def depths(validation, cost, weights=(10285, 10474, 10064), activation="sigmoid"):
    return SimpleNamespace(names=("1 hidden layer", "2 hidden layers", "3 hidden layers"),
                           shapes=((400, 25, 10), (400, 24, 24, 10), (400, 22, 22, 22, 10)),
                           weights=np.array(weights), reference=10285,
                           validation_accuracy=np.array(validation),
                           cost=[np.array([2.0, c]) for c in cost], activation=activation)


def test_the_depth_lesson_shows_the_weights_and_which_way_depth_went():
    worse = lessons.depth(depths([0.936, 0.928, 0.901], [0.428, 0.554, 0.75]))
    assert worse.startswith("The networks 400-25-10, 400-24-24-10 and 400-22-22-22-10 "
                            "(pixels-hidden-outputs) have 10,285, 10,474 and 10,064 weights "
                            "(at most 2 % from the base network's 10,285).")
    assert "did worse: 93.6 % with one layer, 90.1 % with 3 hidden layers" in worse
    assert "J ended at 0.750 against 0.428 with one layer" in worse and "0.25 for the sigmoid" in worse
    assert "0.25" not in lessons.depth(depths([0.936, 0.928, 0.901], [0.4, 0.5, 0.7], activation="relu"))
    assert "did better" in lessons.depth(depths([0.90, 0.92, 0.93], [0.5, 0.4, 0.3]))
    assert "hardly changed with depth" in lessons.depth(depths([0.93, 0.92, 0.935], [0.5, 0.4, 0.3]))
    far = lessons.depth(depths([0.93, 0.92, 0.935], [0.5, 0.4, 0.3], weights=(10285, 12000, 10000)))
    assert "at most 17 %" in far and "compare with care" in far


def outputs(wrong_sigmoid, wrong_softmax):
    return SimpleNamespace(names=("sigmoid", "softmax"), validation_accuracy=np.array([0.936, 0.943]),
                           output_sum=(np.array([0.16, 1.6]), np.array([1 - 4e-16, 1 + 4e-16])),
                           wrong_confidence=(np.array(wrong_sigmoid), np.array(wrong_softmax)))


def test_the_output_lesson_reads_the_sums_and_the_confidence_of_wrong_answers():
    text = lessons.output_layer(outputs([0.6, 0.62], [0.66, 0.7, 0.64]))
    assert "always sum to 1 (here every sum was within 4e-16 of 1, rounding errors)" in text
    assert "their sum went from 0.16 to 1.60" in text
    assert "averaged 0.61 (sigmoid, 2 digits) and 0.67 (softmax, 3 digits)" in text
    assert "Softmax was the more confident when wrong" in text
    assert "Sigmoid was the more confident" in lessons.output_layer(outputs([0.8], [0.5]))
    assert "no wrong answers to compare" in lessons.output_layer(outputs([], [0.5]))


def scales(validation, final_cost, activation="sigmoid"):
    return SimpleNamespace(names=("pixels 0 to 1", "pixels 0 to 255"), scales=np.array([1.0, 255.0]),
                           validation_accuracy=np.array(validation),
                           cost=[np.array([7.0, c]) for c in final_cost],
                           flat_start=np.array([0.0, 0.963]), flat_end=np.array([0.325, 0.998]),
                           activation=activation)


def test_the_input_scale_lesson_reports_what_the_raw_pixels_did():
    hurt = lessons.input_scale(scales([0.936, 0.728], [0.428, 1.479]))
    assert hurt.startswith("At the shared start weights, 96.3 % of the first hidden layer's activations "
                           "on raw pixels (0 to 255) were saturated (on a flat end of the sigmoid), "
                           "against 0.0 % on pixels from 0 to 1.")
    assert "J ended at 1.479 instead of 0.428" in hurt and "72.8 % instead of 93.6 %" in hurt
    assert "99.8 % were still flat" in hurt
    assert "hurt on one count" in lessons.input_scale(scales([0.936, 0.94], [0.428, 1.479]))
    assert "did as well here" in lessons.input_scale(scales([0.93, 0.94], [0.43, 0.40]))
    assert "were off (outputting 0)" in lessons.input_scale(scales([0.93, 0.94], [0.43, 0.40], "relu"))


def test_stopped_experiments_teach_from_the_trainings_that_finished():
    race = SimpleNamespace(names=("sigmoid",), validation_accuracy=np.array([0.9]), dead=np.array([0]),
                           hidden_units=25, cost=[np.ones(50)], studied=2000)
    alone = "After the same 50 iterations, validation accuracy was sigmoid 90.0 %."
    assert lessons.activation_race(race) == alone
    d = depths([0.93, 0.9], [0.5, 0.6], weights=(10285, 10474))
    d.names, d.shapes = d.names[:2], d.shapes[:2]
    assert "with 2 hidden layers" in lessons.depth(d)
    d.names, d.shapes, d.weights = d.names[:1], d.shapes[:1], d.weights[:1]
    assert lessons.depth(d).startswith("The networks 400-25-10 (pixels-hidden-outputs) have 10,285 weights")
    one = SimpleNamespace(names=("softmax",), validation_accuracy=np.array([0.9]),
                          output_sum=(np.ones(3),), wrong_confidence=(np.array([0.5]),))
    assert lessons.output_layer(one).startswith("With softmax the ten outputs always sum to 1 (here every "
                                                "sum was exactly 1)")
    scale = SimpleNamespace(names=("pixels 0 to 1",))
    assert "Only the training on pixels 0 to 1 finished" in lessons.input_scale(scale)
