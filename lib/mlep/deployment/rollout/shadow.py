"""Shadow mode: both models score every request; only the current answer is served.

Part of :mod:`mlep.deployment.rollout`, which re-exports the public names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep.deployment.rollout.stream import (
    LABEL,
    REQUEST_ID,
    features,
    known_labels,
    predict_batch,
)

if TYPE_CHECKING:  # pragma: no cover
    pass


@dataclass(frozen=True)
class ShadowReport:
    """What shadow mode learned: how often the models agree, and which is more accurate.

    Attributes
    ----------
    requests, labelled : int
        Requests scored, and how many of them have a known label.
    agreement : float
        Share of requests where both models gave the same answer.
    current_accuracy, candidate_accuracy : float or None
        Accuracy on the labelled requests (``None`` when none is labelled).
    regret : float or None
        ``candidate_accuracy - current_accuracy``: the accuracy given up by serving the
        current model. Positive: the candidate would have gained that much; negative: it
        would have lost that much.
    log : pandas.DataFrame
        Per request: ``request_id, label, served, shadow, agree`` (``served`` is the
        current model's answer, the only one users saw).
    """

    requests: int
    labelled: int
    agreement: float
    current_accuracy: float | None
    candidate_accuracy: float | None
    regret: float | None
    log: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        text = (
            f"shadow mode on {self.requests} requests ({self.labelled} labelled): "
            f"agreement {self.agreement:.3f}"
        )
        if self.regret is None:
            return text + "; no labels, so no accuracy"
        return (
            f"{text}, current accuracy {self.current_accuracy:.3f}, candidate accuracy "
            f"{self.candidate_accuracy:.3f}, regret {self.regret:+.3f}"
        )

    def summary(self) -> pd.DataFrame:
        """The numbers as a one-row table."""
        names = ["requests", "labelled", "agreement", "current_accuracy", "candidate_accuracy"]
        return pd.DataFrame([{name: getattr(self, name) for name in [*names, "regret"]}])


def shadow(requests: pd.DataFrame, current: Any, candidate: Any) -> ShadowReport:
    """Run ``candidate`` in shadow mode: it scores mirrored traffic, ``current`` is served.

    Examples
    --------
    >>> from mlep.deployment.rollout import NoisyModel, ThresholdModel, request_stream
    >>> report = shadow(request_stream(1000, label_rate=0.2), ThresholdModel(),
    ...                 ThresholdModel(threshold=0.3))
    >>> report.labelled, round(report.agreement, 3), round(report.regret, 3)
    (203, 0.896, -0.039)
    """
    batch = features(requests)
    served = predict_batch(current, batch, "the current model")
    shadowed = predict_batch(candidate, batch, "the candidate model")
    labels, known = known_labels(requests)
    log = pd.DataFrame(
        {
            REQUEST_ID: requests[REQUEST_ID].to_numpy(),
            LABEL: requests[LABEL].to_numpy() if LABEL in requests else pd.NA,
            "served": served,
            "shadow": shadowed,
            "agree": served == shadowed,
        }
    )
    accuracy = {}
    if known.any():
        accuracy = {
            "current": float(np.mean(served[known] == labels[known])),
            "candidate": float(np.mean(shadowed[known] == labels[known])),
        }
    return ShadowReport(
        requests=len(batch),
        labelled=int(known.sum()),
        agreement=float(np.mean(served == shadowed)),
        current_accuracy=accuracy.get("current"),
        candidate_accuracy=accuracy.get("candidate"),
        regret=accuracy["candidate"] - accuracy["current"] if accuracy else None,
        log=log,
    )
