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
    assert names == ["lambda", "learning", "seeds", "race", "symmetry", "hidden"]
    assert len({e.tab for e in EXPERIMENTS}) == len({e.button for e in EXPERIMENTS}) == 6
