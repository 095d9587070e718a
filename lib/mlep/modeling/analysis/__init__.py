"""Model analysis: where is the model wrong, for whom, and is it good enough to ship?

Course 1, week 2 — error analysis in :mod:`mlep.modeling.analysis.errors` and baselines in
:mod:`mlep.modeling.analysis.baselines` (their input checks in
:mod:`~mlep.modeling.analysis.label_checks`); their public API is re-exported here, so
``from mlep.modeling.analysis import error_analysis`` works.

Course 3, week 4 — model analysis, each in its own module (they import TensorFlow, TFMA and
TFX inside their functions, so importing this package stays light):

* :mod:`~mlep.modeling.analysis.sliced` — TensorFlow Model Analysis: metrics per slice, and
  model validation with value and change thresholds against a baseline (TFMA directly, or the
  TFX ``Evaluator`` that blesses a model);
* :mod:`~mlep.modeling.analysis.fairness` — false positive/negative and selection rates per
  group, their gaps (checked against Fairness Indicators), and remediation by per-group
  thresholds or reweighting;
* :mod:`~mlep.modeling.analysis.debugging` — model debugging: sensitivity analysis (what-if),
  FGSM adversarial examples and residual analysis.

Examples
--------
>>> majority_baseline([0, 0, 1], [0, 1, 0, 0])
0.75
"""

from mlep.modeling.analysis.baselines import (
    baseline_table,
    majority_baseline,
    overfit_small_set,
    quick_baseline,
)
from mlep.modeling.analysis.errors import (
    confusion,
    error_analysis,
    per_class_report,
    plot_error_analysis,
)

__all__ = [
    "baseline_table",
    "confusion",
    "error_analysis",
    "majority_baseline",
    "overfit_small_set",
    "per_class_report",
    "plot_error_analysis",
    "quick_baseline",
]
