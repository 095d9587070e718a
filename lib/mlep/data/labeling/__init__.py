"""Labeling: consistent labels, and fewer hand labels.

:mod:`mlep.data.labeling.agreement` measures labeler agreement (Cohen's and Fleiss'
kappa); :mod:`mlep.data.labeling.consistency` finds ambiguous items and confusable classes
and fixes them by merging classes or adding a borderline class;
:mod:`mlep.data.labeling.human_level` estimates human-level performance and simulates
labelers. Their public API is re-exported here.

Labeling less (C2W4), imported from their own modules:
:mod:`~mlep.data.labeling.propagation` (semi-supervised label spreading),
:mod:`~mlep.data.labeling.active` (active learning with modAL) and
:mod:`~mlep.data.labeling.weak` (weak supervision with Snorkel).

Examples
--------
>>> truth, labels = simulate_labelers(300, ["dent", "scratch", "ok"], [0.95, 0.9, 0.85], seed=0)
>>> print(human_level_performance(labels, ground_truth=truth))
HLP 0.889 (best labeler 0.933; accuracy against ground truth)
"""

from mlep.data.labeling.agreement import (
    agreement_table,
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
)
from mlep.data.labeling.consistency import (
    ambiguous_examples,
    borderline_class,
    confusable_classes,
    label_counts,
    majority_vote,
    merge_classes,
)
from mlep.data.labeling.human_level import (
    HumanLevel,
    human_level_performance,
    simulate_labelers,
)

__all__ = [
    "HumanLevel",
    "agreement_table",
    "ambiguous_examples",
    "borderline_class",
    "cohen_kappa",
    "confusable_classes",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "human_level_performance",
    "label_counts",
    "majority_vote",
    "merge_classes",
    "simulate_labelers",
]
