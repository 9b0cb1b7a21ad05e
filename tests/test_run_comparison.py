"""Comparing runs: the one knob they differ in, the seed-to-seed noise, and the verdict."""

from types import SimpleNamespace

from ui import run_comparison as rc
from ui.settings import Settings


def run(i, val, **knobs):
    return SimpleNamespace(id=i, settings=Settings(**knobs), accuracy={"validation": val})


def test_one_differing_knob_is_found_and_two_are_not():
    assert rc.knob_that_differs([run(1, .9, lambd=0.1), run(2, .9, lambd=3.0)]) == "lambd"
    assert rc.knob_that_differs([run(1, .9, lambd=0.1), run(2, .9, lambd=3.0, seed=4)]) is None
    assert rc.knob_that_differs([run(1, .9), run(2, .8)]) is None  # the same settings twice
    # The learning rate only counts for gradient descent.
    assert rc.knob_that_differs([run(1, .9, learning_rate=0.5), run(2, .9, hidden_size=9)]) == "hidden_size"


def test_noise_comes_from_runs_that_differ_only_in_their_seed():
    runs = [run(1, .90, seed=0), run(2, .93, seed=1), run(3, .95, lambd=3.0)]
    spread, source = rc.seed_noise(runs)
    assert round(spread, 6) == 3.0 and "only in their seed" in source
    assert rc.seed_noise([run(1, .9)]) is None
    spread, source = rc.seed_noise([run(1, .9)], spread=[0.91, 0.915, 0.93])
    assert round(spread, 6) == 2.0 and "10 seeds" not in source and "3 seeds" in source


def test_the_verdict_says_whether_the_gap_beats_the_noise():
    runs = [run(1, 0.90, lambd=0.1), run(2, 0.94, lambd=1.0)]
    assert "λ = 1 reads new digits best: 94.0 %" in rc.verdict(runs, "lambd")
    assert "bigger than the seed-to-seed noise of 1.0" in rc.verdict(runs, "lambd", (1.0, "x"))
    assert "within the seed-to-seed noise of 5.0" in rc.verdict(runs, "lambd", (5.0, "x"))
    assert rc.verdict(runs[:1], "lambd") is None and rc.verdict(runs, None) is None
