"""Pipeline parallelism as GPipe does it: stages, micro-batches and the bubble (C3W3).

GPipe (Huang et al., NeurIPS 2019) cuts a network into ``K`` consecutive **stages**, one per
accelerator, and each mini-batch into ``M`` **micro-batches** that flow through the stages one
after another. Stage ``k`` works on micro-batch ``m`` at time step ``k + m`` of the forward pass;
the backward pass runs the same schedule in reverse, and the gradients of all micro-batches are
applied once, so the update is the synchronous one. While the pipeline fills and drains, stages
wait: the **bubble**. Of the ``K (M + K - 1)`` stage-steps of a pass, ``K M`` do work, so the
idle share is ``(K - 1) / (M + K - 1)``.

:func:`bubble_fraction` computes it; :func:`schedule` lays out the forward pass step by step
(the picture in the paper's Figure 2) so the bubble can be counted.

Examples
--------
>>> bubble_fraction(stages=4, micro_batches=1)
0.75
>>> round(bubble_fraction(stages=4, micro_batches=16), 3)
0.158
>>> print(schedule(stages=3, micro_batches=4))
step     1  2  3  4  5  6
stage 1  F1 F2 F3 F4 .  .
stage 2  .  F1 F2 F3 F4 .
stage 3  .  .  F1 F2 F3 F4
"""

from __future__ import annotations

import numpy as np

from mlep._checks import count

__all__ = ["Schedule", "bubble_fraction", "schedule"]


def bubble_fraction(stages: int, micro_batches: int) -> float:
    """Share of device time lost to GPipe's pipeline bubble, ``(K - 1) / (M + K - 1)``.

    Parameters
    ----------
    stages : int
        ``K``, the number of pipeline stages (accelerators), at least 1.
    micro_batches : int
        ``M``, the number of micro-batches each mini-batch is split into, at least 1.

    Returns
    -------
    float
        The idle share, between 0 (one stage) and ``(K - 1) / K`` (one micro-batch).

    Examples
    --------
    >>> bubble_fraction(4, 12)
    0.2
    >>> bubble_fraction(1, 8)
    0.0
    """
    k = count(stages, "stages", minimum=1)
    m = count(micro_batches, "micro_batches", minimum=1)
    return (k - 1) / (m + k - 1)


class Schedule:
    """The forward pass of a GPipe pipeline: which micro-batch each stage runs at each step.

    Parameters
    ----------
    grid : numpy.ndarray of shape (stages, steps)
        ``grid[k, t]`` is the micro-batch (from 1) stage ``k + 1`` runs at step ``t + 1``, or 0
        when the stage is idle.
    """

    def __init__(self, grid: np.ndarray):
        self.grid = grid

    @property
    def idle_share(self) -> float:
        """Share of stage-steps with no work: the bubble, counted."""
        return float(np.mean(self.grid == 0))

    def __str__(self) -> str:
        width = max(2, len(f"F{self.grid.max()}"))
        steps = " ".join(f"{t:<{width}}" for t in range(1, self.grid.shape[1] + 1))
        label = len(f"stage {self.grid.shape[0]}")
        rows = [f"{'step':<{label}}  {steps}".rstrip()]
        for k, row in enumerate(self.grid, start=1):
            cells = " ".join(f"{f'F{m}' if m else '.':<{width}}" for m in row)
            rows.append(f"{f'stage {k}':<{label}}  {cells}".rstrip())
        return "\n".join(rows)


def schedule(stages: int, micro_batches: int) -> Schedule:
    """Lay out GPipe's forward pass: stage ``k`` runs micro-batch ``m`` at step ``k + m - 1``.

    Parameters
    ----------
    stages : int
        ``K``, the number of pipeline stages, at least 1.
    micro_batches : int
        ``M``, the number of micro-batches, at least 1.

    Returns
    -------
    Schedule
        ``K`` rows and ``M + K - 1`` steps; ``idle_share`` equals :func:`bubble_fraction`.

    Examples
    --------
    >>> plan = schedule(4, 2)
    >>> plan.grid.shape, plan.idle_share
    ((4, 5), 0.6)
    """
    k = count(stages, "stages", minimum=1)
    m = count(micro_batches, "micro_batches", minimum=1)
    grid = np.zeros((k, m + k - 1), dtype=int)
    for stage in range(k):
        grid[stage, stage : stage + m] = np.arange(1, m + 1)
    return Schedule(grid)
