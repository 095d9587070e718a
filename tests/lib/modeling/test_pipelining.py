"""GPipe's bubble: the formula agrees with the idle steps of the laid-out schedule."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from mlep.modeling.pipelining import Schedule, bubble_fraction, schedule


@pytest.mark.parametrize("stages", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("micro_batches", [1, 2, 5, 16, 32])
def test_the_formula_counts_the_idle_steps_of_the_schedule(stages, micro_batches):
    plan = schedule(stages, micro_batches)
    assert isinstance(plan, Schedule)
    assert plan.idle_share == pytest.approx(bubble_fraction(stages, micro_batches))
    assert Fraction(bubble_fraction(stages, micro_batches)).limit_denominator(1000) == Fraction(
        stages - 1, micro_batches + stages - 1
    )


@pytest.mark.parametrize("stages, micro_batches", [(3, 4), (4, 1), (5, 7)])
def test_the_schedule_respects_the_pipeline(stages, micro_batches):
    grid = schedule(stages, micro_batches).grid
    for row in grid:  # every stage runs every micro-batch once, in order
        assert row[row > 0].tolist() == list(range(1, micro_batches + 1))
    for m in range(1, micro_batches + 1):  # a micro-batch reaches stage k+1 one step after stage k
        steps = [int(np.flatnonzero(row == m)[0]) for row in grid]
        assert np.diff(steps).tolist() == [1] * (stages - 1)
    assert grid.shape == (stages, micro_batches + stages - 1)  # no step is wasted at the end


def test_the_course_numbers():
    assert bubble_fraction(4, 1) == 0.75
    assert bubble_fraction(4, 12) == pytest.approx(0.20)
    assert bubble_fraction(4, 16) == pytest.approx(3 / 19)
    assert bubble_fraction(4, 16) < bubble_fraction(4, 15)  # more micro-batches, smaller bubble


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: bubble_fraction(0, 4), ValueError, "stages must be >= 1"),
        (lambda: bubble_fraction(4, 0), ValueError, "micro_batches must be >= 1"),
        (lambda: bubble_fraction(4.0, 2), TypeError, "stages must be an integer"),
        (lambda: schedule(2, "3"), TypeError, "micro_batches must be an integer"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
