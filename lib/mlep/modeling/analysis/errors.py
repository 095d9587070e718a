"""Error analysis and baselines (Course 1, week 2): where is the model wrong, and compared to what?

The loop the course teaches, one function per step:

    baseline_table(majority=majority_baseline(y_train, y_eval),        # what to beat
                   logistic=quick_baseline(X_train, y_train, X_eval, y_eval)["accuracy"],
                   human=hlp_from_labelers(labels, y_eval)["mean"])
    overfit_small_set(lambda: LogisticRegression(), X_train, y_train)   # can it learn at all?
    error_analysis(tags, y_eval, y_pred, hlp={"blurry": 0.9})           # where to work next
    per_class_report(y_eval, y_pred)                                    # skewed classes

:func:`error_analysis` builds the course's table of tags (properties of an example such as
"car noise" or "blurry") with how much of the data and of the errors each tag covers, the
gap to human-level performance (HLP) and the *potential gain* of closing it. Precision,
recall and F1 are computed by hand from :func:`confusion` and tested to equal
scikit-learn's numbers.

Only NumPy and pandas are imported at module level; scikit-learn and matplotlib are imported
inside the functions that need them. Everything here is re-exported by
:mod:`mlep.modeling.analysis`, whose other modules serve Course 3's model analysis.

Examples
--------
>>> y_true = ["cat", "cat", "dog", "dog", "dog", "fox"]
>>> y_pred = ["cat", "dog", "dog", "dog", "cat", "dog"]
>>> confusion(y_true, y_pred)  # doctest: +NORMALIZE_WHITESPACE
predicted  cat  dog  fox
true
cat          1    1    0
dog          1    2    0
fox          0    1    0
>>> majority_baseline(["dog", "dog", "cat"], y_true)
0.5
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "baseline_table",
    "confusion",
    "error_analysis",
    "hlp_from_labelers",
    "majority_baseline",
    "overfit_small_set",
    "per_class_report",
    "plot_error_analysis",
    "quick_baseline",
]

_QUICK_MODELS = ("logistic", "tree")


# --------------------------------------------------------------------------- validation


def _labels(values: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of labels without missing values."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} should be 1-D (one label per example), got shape {array.shape}")
    if len(array) == 0:
        raise ValueError(f"{name} is empty; it needs at least one label")
    missing = int(pd.isna(array).sum())
    if missing:
        raise ValueError(f"{name} has {missing} missing label(s) (NaN/None); drop or fill them")
    return array


def _same_length(**named: np.ndarray) -> None:
    lengths = {name: len(values) for name, values in named.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"{described} entries; they should have one entry per example")


def _kinds(array: np.ndarray) -> set[str]:
    """Which kinds of label an array holds: 'number', 'text' and/or 'other'."""
    if array.dtype.kind in "biuf":
        return {"number"}
    if array.dtype.kind in "US":
        return {"text"}
    return {
        "number" if isinstance(v, numbers.Number) else "text" if isinstance(v, str) else "other"
        for v in array.tolist()
    }


def _same_kind(**named: np.ndarray) -> None:
    """Refuse labels that mix numbers and text: 1 == '1' is False, so every match would fail."""
    kinds = {name: _kinds(values) for name, values in named.items()}
    if len(set().union(*kinds.values())) > 1:
        described = ", ".join(f"{name} holds {'/'.join(sorted(k))}" for name, k in kinds.items())
        raise ValueError(
            f"labels mix types ({described}), e.g. 1 and '1' never match; "
            "use one type for all labels"
        )


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true, pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    _same_length(y_true=true, y_pred=pred)
    _same_kind(y_true=true, y_pred=pred)
    return true, pred


def _sorted_classes(*arrays: np.ndarray) -> np.ndarray:
    try:
        return np.unique(np.concatenate(arrays))
    except TypeError:  # e.g. None next to strings
        kinds = sorted({type(v).__name__ for a in arrays for v in a.tolist()})
        raise ValueError(
            f"labels mix types ({', '.join(kinds)}) that cannot be sorted; use one type"
        ) from None


def _class_list(labels: Any, observed: np.ndarray) -> pd.Index:
    if labels is None:
        return pd.Index(observed)
    index = pd.Index(_labels(labels, "labels"))
    if not index.is_unique:
        raise ValueError(f"labels should list each class once, got {list(index)}")
    unknown = [v for v in observed.tolist() if v not in index]
    if unknown:
        raise ValueError(f"the data has class(es) {unknown} that are not in labels {list(index)}")
    return index


def _accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true == y_pred))


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number, got {type(value).__name__}: {value!r}")
    return float(value)


# --------------------------------------------------------------------------- metrics


def confusion(y_true: Any, y_pred: Any, labels: Any = None) -> pd.DataFrame:
    """Count examples by true class (rows) and predicted class (columns).

    Parameters
    ----------
    y_true, y_pred
        One label per example.
    labels
        Classes in the order to show; by default every class seen in either input, sorted.
        A class may be listed without occurring; an occurring class missing from
        ``labels`` is an error.

    Returns
    -------
    pandas.DataFrame
        Integer counts; index named ``true``, columns named ``predicted``. The diagonal
        holds the correct predictions (equals :func:`sklearn.metrics.confusion_matrix`).

    Examples
    --------
    >>> confusion([1, 1, 0, 0], [1, 0, 0, 0], labels=[1, 0])  # doctest: +NORMALIZE_WHITESPACE
    predicted  1  0
    true
    1          1  1
    0          0  2
    >>> confusion([1, 2], [1, 1], labels=[1])
    Traceback (most recent call last):
    ...
    ValueError: the data has class(es) [2] that are not in labels [1]
    """
    true, pred = _pair(y_true, y_pred)
    classes = _class_list(labels, _sorted_classes(true, pred))
    k = len(classes)
    codes = classes.get_indexer(true) * k + classes.get_indexer(pred)
    counts = np.bincount(codes, minlength=k * k).reshape(k, k)
    return pd.DataFrame(
        counts,
        index=pd.Index(classes, name="true"),
        columns=pd.Index(classes, name="predicted"),
    )


def per_class_report(y_true: Any, y_pred: Any, *, labels: Any = None) -> pd.DataFrame:
    """Precision, recall, F1 and support of every class, plus macro and weighted averages.

    With skewed classes accuracy hides a rare class the model never gets right; this table
    shows it. For class *c*: precision = correct *c* predictions / all *c* predictions,
    recall = correct *c* predictions / true *c* examples, F1 = their harmonic mean
    (``2·tp / (2·tp + fp + fn)``), support = true *c* examples.

    A class the model never predicts has precision 0 (not NaN); a class that is predicted
    but never true has recall 0 and support 0 — as scikit-learn with ``zero_division=0``.
    ``macro avg`` averages the classes equally (rare classes count as much as common
    ones); ``weighted avg`` weights them by support.

    Parameters
    ----------
    y_true, y_pred
        One label per example.
    labels
        Classes to report, as in :func:`confusion`.

    Returns
    -------
    pandas.DataFrame
        Columns ``precision``, ``recall``, ``f1``, ``support``; one row per class, then
        ``macro avg`` and ``weighted avg`` (whose support is the total).

    Examples
    --------
    >>> y_true = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]   # 80% accurate, never finds class 1
    >>> per_class_report(y_true, y_pred).round(3)
                  precision  recall     f1  support
    0                  0.80     1.0  0.889        8
    1                  0.00     0.0  0.000        2
    macro avg          0.40     0.5  0.444       10
    weighted avg       0.64     0.8  0.711       10
    """
    matrix = confusion(y_true, y_pred, labels)
    table = matrix.to_numpy()
    tp = np.diag(table).astype(float)
    support = table.sum(axis=1)
    predicted = table.sum(axis=0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    f1_denominator = support + predicted  # 2·tp + fp + fn
    f1 = np.divide(2 * tp, f1_denominator, out=np.zeros_like(tp), where=f1_denominator > 0)
    rows = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(list(matrix.index), dtype=object),
    )
    total = int(support.sum())
    weights = support / total
    averages = pd.DataFrame(
        {
            "precision": [precision.mean(), weights @ precision],
            "recall": [recall.mean(), weights @ recall],
            "f1": [f1.mean(), weights @ f1],
            "support": [total, total],
        },
        index=pd.Index(["macro avg", "weighted avg"], dtype=object),
    )
    return pd.concat([rows, averages]).astype({"support": int})


# --------------------------------------------------------------------------- error analysis


def _boolean_tags(tags: Any) -> pd.DataFrame:
    if isinstance(tags, Mapping):
        tags = pd.DataFrame(dict(tags))
    if not isinstance(tags, pd.DataFrame):
        raise TypeError(
            "tags should be a DataFrame with one row per example and one True/False column "
            f"per tag, got a {type(tags).__name__}"
        )
    if tags.shape[1] == 0:
        raise ValueError("tags has no columns; add one True/False column per tag")
    if len(tags) == 0:
        raise ValueError("tags has no rows; it needs one row per example")
    columns = {}
    for name in tags.columns:
        column = tags[name]
        if column.isna().any():
            raise ValueError(f"tag column {name!r} has missing values; use True or False")
        if column.dtype != bool and not (
            pd.api.types.is_numeric_dtype(column) and column.isin([0, 1]).all()
        ):
            seen = column.drop_duplicates().head(3).tolist()
            raise ValueError(
                f"tag column {name!r} should be boolean (True/False per example), got dtype "
                f"{column.dtype} with values like {seen}; convert it, e.g. tags[{name!r}] == ..."
            )
        columns[str(name)] = column.to_numpy().astype(bool)
    return pd.DataFrame(columns)


def _hlp_values(hlp: Mapping[str, float], tags: pd.DataFrame) -> dict[str, float]:
    if not isinstance(hlp, Mapping):
        raise TypeError(f"hlp should map tag → accuracy, e.g. {{'blurry': 0.9}}, got {hlp!r}")
    unknown = [key for key in hlp if key not in tags.columns]
    if unknown:
        raise ValueError(f"hlp has tag(s) {unknown} that are not columns of tags {list(tags)}")
    values = {}
    for key, value in hlp.items():
        number = _number(value, f"hlp[{key!r}]")
        if not 0.0 <= number <= 1.0:
            raise ValueError(
                f"hlp[{key!r}] should be an accuracy between 0 and 1, got {value!r}"
                + (f"; write {value}% as {number / 100:g}" if 1 < number <= 100 else "")
            )
        values[key] = number
    return values


def error_analysis(
    tags: pd.DataFrame,
    y_true: Any,
    y_pred: Any,
    *,
    hlp: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Tabulate errors by tag, and — given human-level performance — where to work next.

    Parameters
    ----------
    tags
        One row per example (same order as ``y_true``), one boolean column per tag;
        an example may carry several tags or none. 0/1 columns are accepted.
    y_true, y_pred
        True and predicted labels, one per example.
    hlp
        Optional human-level accuracy per tag (a subset of the tags), between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row per tag with columns

        * ``tag``; ``examples`` and ``fraction_of_data``: how many examples carry it;
        * ``errors``; ``fraction_of_errors``: the share of *all* errors that carry the tag
          (tags overlap, so this column need not sum to 1; 0 if there are no errors);
        * ``accuracy`` on the tagged examples;

        and, when ``hlp`` is given, ``hlp``, ``gap_to_hlp`` (= hlp − accuracy; negative
        when the model beats humans) and ``potential_gain`` (= gap × fraction_of_data:
        how much overall accuracy closing the gap could add). Rows are then sorted by
        potential gain, largest first; tags without an HLP get NaN there and come last.
        Without ``hlp`` rows keep the order of the tag columns.

    Raises
    ------
    ValueError
        If the lengths differ, a tag column is not boolean, a tag marks no examples
        (its accuracy would be undefined), or ``hlp`` names an unknown tag or is not in [0, 1].

    Examples
    --------
    >>> tags = pd.DataFrame({"car_noise": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    ...                      "low_bandwidth": [0, 0, 1, 1, 0, 0, 0, 0, 0, 0]})
    >>> y_true = list("aaaabbbbbb")
    >>> y_pred = list("abbaabbbbb")
    >>> table = error_analysis(tags, y_true, y_pred, hlp={"car_noise": 0.9, "low_bandwidth": 0.6})
    >>> table[["tag", "fraction_of_data", "fraction_of_errors", "accuracy"]]
                 tag  fraction_of_data  fraction_of_errors  accuracy
    0      car_noise               0.3            0.666667  0.333333
    1  low_bandwidth               0.2            0.333333  0.500000
    >>> table[["tag", "hlp", "gap_to_hlp", "potential_gain"]].round(3)
                 tag  hlp  gap_to_hlp  potential_gain
    0      car_noise  0.9       0.567            0.17
    1  low_bandwidth  0.6       0.100            0.02
    >>> error_analysis(tags, y_true, y_pred[:9])
    Traceback (most recent call last):
    ...
    ValueError: tags has 10, y_true has 10, y_pred has 9 entries; they should have one entry per example
    """
    tag_frame = _boolean_tags(tags)
    true, pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    _same_length(tags=tag_frame, y_true=true, y_pred=pred)
    _same_kind(y_true=true, y_pred=pred)
    empty = [name for name in tag_frame if not tag_frame[name].any()]
    if empty:
        raise ValueError(
            f"tag(s) {empty} mark no examples, so their accuracy is undefined; "
            "drop them or check how they were computed"
        )
    wrong = true != pred
    total_errors = int(wrong.sum())
    rows = []
    for name in tag_frame:
        mask = tag_frame[name].to_numpy()
        examples, errors = int(mask.sum()), int(wrong[mask].sum())
        rows.append(
            {
                "tag": name,
                "examples": examples,
                "fraction_of_data": examples / len(true),
                "errors": errors,
                "fraction_of_errors": errors / total_errors if total_errors else 0.0,
                "accuracy": (examples - errors) / examples,
            }
        )
    table = pd.DataFrame(rows)
    if hlp is None:
        return table
    human = _hlp_values(hlp, tag_frame)
    table["hlp"] = table["tag"].map(human).astype(float)
    table["gap_to_hlp"] = table["hlp"] - table["accuracy"]
    table["potential_gain"] = table["gap_to_hlp"] * table["fraction_of_data"]
    table = table.sort_values("potential_gain", ascending=False, kind="stable", na_position="last")
    return table.reset_index(drop=True)


def plot_error_analysis(table: pd.DataFrame) -> Figure:
    """Bar chart of each tag's share of the errors next to its share of the data.

    A tag whose error bar is much longer than its data bar is where the model is
    disproportionately wrong.

    Parameters
    ----------
    table
        The result of :func:`error_analysis` (needs ``tag``, ``fraction_of_data`` and
        ``fraction_of_errors``); tags are drawn top to bottom in table order.

    Returns
    -------
    matplotlib.figure.Figure
        Detached from pyplot (works with the Agg backend; shown once in a notebook).
    """
    needed = ["tag", "fraction_of_data", "fraction_of_errors"]
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table should be error_analysis(...)'s DataFrame, got {type(table)}")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(
            f"table is missing column(s) {missing}; pass the result of error_analysis()"
        )
    if table.empty:
        raise ValueError("table has no rows; error_analysis() needs at least one tag")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 1.0 + 0.6 * len(table)), layout="constrained")
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    positions = np.arange(len(table))[::-1]
    height = 0.4
    axes.barh(
        positions + height / 2,
        table["fraction_of_data"],
        height,
        label="share of data",
        color="#1f77b4",
    )
    axes.barh(
        positions - height / 2,
        table["fraction_of_errors"],
        height,
        label="share of errors",
        color="#d62728",
    )
    axes.set_yticks(positions, [str(tag) for tag in table["tag"]])
    axes.set_xlim(0, 1)
    axes.set_xlabel("fraction")
    axes.set_title("Error analysis by tag")
    axes.legend(loc="lower right")
    return figure


# --------------------------------------------------------------------------- baselines


def majority_baseline(y_train: Any, y_eval: Any) -> float:
    """Accuracy on ``y_eval`` of always predicting the most common class of ``y_train``.

    A tie goes to the smallest label (like scikit-learn's ``DummyClassifier``). On skewed
    data this baseline is high — a model must beat it to be useful.

    Examples
    --------
    >>> majority_baseline([0, 0, 0, 1], [0, 1, 0, 0])
    0.75
    """
    train, evaluation = _labels(y_train, "y_train"), _labels(y_eval, "y_eval")
    _same_kind(y_train=train, y_eval=evaluation)
    classes, counts = np.unique(train, return_counts=True)
    return _accuracy(evaluation, np.full(len(evaluation), classes[counts.argmax()]))


def _features(X: Any, name: str) -> np.ndarray:
    array = np.asarray(X, dtype=float)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} should be a non-empty 2-D array (n_examples, n_features), "
            f"got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} has NaN or infinite values; impute or drop them first")
    return array


def quick_baseline(
    X_train: Any,
    y_train: Any,
    X_eval: Any,
    y_eval: Any,
    *,
    model: str = "logistic",
    seed: int = 0,
) -> dict[str, Any]:
    """Fit a simple, seeded scikit-learn model and report its scores: a first baseline.

    Parameters
    ----------
    X_train, y_train, X_eval, y_eval
        Numeric features ``(n_examples, n_features)`` and labels.
    model
        ``"logistic"``: standardised logistic regression; ``"tree"``: a decision tree.
    seed
        The model's ``random_state``: the same data and seed give the same scores.

    Returns
    -------
    dict
        ``model`` (its name), ``train_accuracy``, ``accuracy`` (on the eval set) and
        ``macro_f1`` (on the eval set, see :func:`per_class_report`).

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> quick_baseline(X, [0, 0, 1, 1], [[0.5], [2.5]], [0, 1], model="tree")
    {'model': 'decision_tree', 'train_accuracy': 1.0, 'accuracy': 1.0, 'macro_f1': 1.0}
    """
    if model not in _QUICK_MODELS:
        raise ValueError(f"model should be 'logistic' or 'tree', got {model!r}")
    train_X, eval_X = _features(X_train, "X_train"), _features(X_eval, "X_eval")
    train_y, eval_y = _labels(y_train, "y_train"), _labels(y_eval, "y_eval")
    _same_length(X_train=train_X, y_train=train_y)
    _same_length(X_eval=eval_X, y_eval=eval_y)
    _same_kind(y_train=train_y, y_eval=eval_y)
    if train_X.shape[1] != eval_X.shape[1]:
        raise ValueError(
            f"X_train has {train_X.shape[1]} features but X_eval has {eval_X.shape[1]}; "
            "they should have the same columns"
        )
    if len(np.unique(train_y)) < 2:
        raise ValueError(f"y_train has a single class {train_y[0]!r}; a classifier needs two")
    if model == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        name = "logistic_regression"
        fitted = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed)
        )
    else:
        from sklearn.tree import DecisionTreeClassifier

        name = "decision_tree"
        fitted = DecisionTreeClassifier(random_state=seed)
    fitted.fit(train_X, train_y)
    predicted = fitted.predict(eval_X)
    return {
        "model": name,
        "train_accuracy": _accuracy(train_y, fitted.predict(train_X)),
        "accuracy": _accuracy(eval_y, predicted),
        "macro_f1": float(per_class_report(eval_y, predicted).loc["macro avg", "f1"]),
    }


def hlp_from_labelers(labels: pd.DataFrame, ground_truth: Any) -> dict[str, Any]:
    """Human-level performance (HLP): each labeler's accuracy against the ground truth.

    Parameters
    ----------
    labels
        One row per item, one column per labeler. A missing value (NaN/None) means that
        labeler did not label that item; their accuracy uses the items they labeled.
    ground_truth
        The true label of each item.

    Returns
    -------
    dict
        ``mean`` (average labeler accuracy — a typical human), ``best`` (the most accurate
        labeler's accuracy), ``best_labeler`` (their column name) and ``per_labeler``
        (column name → accuracy).

    Examples
    --------
    >>> labels = pd.DataFrame({"ana": ["cat", "dog", "dog", "cat"],
    ...                        "ben": ["cat", "cat", "dog", None]})
    >>> hlp = hlp_from_labelers(labels, ["cat", "dog", "dog", "dog"])
    >>> hlp["per_labeler"]
    {'ana': 0.75, 'ben': 0.6666666666666666}
    >>> round(hlp["mean"], 4), hlp["best"], hlp["best_labeler"]
    (0.7083, 0.75, 'ana')
    """
    if not isinstance(labels, pd.DataFrame):
        raise TypeError(
            "labels should be a DataFrame with one row per item and one column per labeler, "
            f"got a {type(labels).__name__}"
        )
    if labels.shape[1] == 0 or len(labels) == 0:
        raise ValueError(f"labels is empty (shape {labels.shape}); it needs items and labelers")
    truth = _labels(ground_truth, "ground_truth")
    _same_length(labels=labels, ground_truth=truth)
    per_labeler = {}
    for name in labels.columns:
        given = labels[name].notna().to_numpy()
        if not given.any():
            raise ValueError(f"labeler {name!r} labeled no items; drop that column")
        answers = labels[name].to_numpy()[given]
        _same_kind(**{f"labeler {name!r}": answers, "ground_truth": truth})
        per_labeler[name] = _accuracy(answers, truth[given])
    best_labeler = max(per_labeler, key=per_labeler.get)
    return {
        "mean": float(np.mean(list(per_labeler.values()))),
        "best": per_labeler[best_labeler],
        "best_labeler": best_labeler,
        "per_labeler": per_labeler,
    }


def baseline_table(**named_scores: float) -> pd.DataFrame:
    """Put baselines side by side, best first, with each one's gap to the best.

    Parameters
    ----------
    **named_scores
        One number per baseline, all of the same metric (e.g. accuracy).

    Returns
    -------
    pandas.DataFrame
        Columns ``baseline``, ``score``, ``gap_to_best``; sorted by score, largest first
        (ties keep the order given).

    Examples
    --------
    >>> baseline_table(majority=0.1, logistic=0.9, human=0.95)
       baseline  score  gap_to_best
    0     human   0.95         0.00
    1  logistic   0.90         0.05
    2  majority   0.10         0.85
    """
    if not named_scores:
        raise ValueError("baseline_table needs at least one score, e.g. majority=0.52")
    scores = {}
    for name, value in named_scores.items():
        if isinstance(value, Mapping):
            raise ValueError(
                f"{name} should be one number, got a dict; pick one metric, "
                f"e.g. {name}=result['accuracy']"
            )
        scores[name] = _number(value, name)
    table = pd.DataFrame({"baseline": list(scores), "score": list(scores.values())})
    table = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    table["gap_to_best"] = (table["score"].iloc[0] - table["score"]).round(12)
    return table


# --------------------------------------------------------------------------- sanity check


def _rows(data: Any, positions: np.ndarray) -> Any:
    return data.iloc[positions] if hasattr(data, "iloc") else np.asarray(data)[positions]


def overfit_small_set(
    model_factory: Callable[[], Any], X: Any, y: Any, *, n: int = 20, seed: int = 0
) -> dict[str, Any]:
    """Check a model can fit (overfit) a tiny training set before training it on everything.

    If a model cannot get ``n`` training examples it has *seen* right, training on more
    data will not help: look for a bug (labels shuffled against features), too little
    capacity or too much regularisation first.

    Parameters
    ----------
    model_factory
        A function returning a new, unfitted model with ``fit`` and ``predict`` — e.g.
        ``lambda: LogisticRegression(C=100)`` or a class such as ``DecisionTreeClassifier``.
    X, y
        The training data; ``n`` rows are drawn at random without replacement.
    n
        How many examples (default 20).
    seed
        Chooses the rows.

    Returns
    -------
    dict
        ``train_accuracy`` on the ``n`` examples, ``n``, ``ok`` (True iff the accuracy is
        exactly 1.0) and ``message`` explaining the result.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = [[0], [1], [2], [3], [4], [5]]
    >>> y = [0, 1, 0, 1, 0, 1]
    >>> result = overfit_small_set(DecisionTreeClassifier, X, y, n=4)
    >>> result["ok"], result["train_accuracy"]
    (True, 1.0)
    """
    if not callable(model_factory):
        raise TypeError(
            "model_factory should be a function that returns a new, unfitted model, e.g. "
            f"`lambda: LogisticRegression()`; got a {type(model_factory).__name__} instance"
        )
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n should be an integer >= 2, got {n!r}")
    labels = _labels(y, "y")
    if np.ndim(X) < 2 or len(X) == 0:
        raise ValueError(f"X should be 2-D (n_examples, n_features), got shape {np.shape(X)}")
    _same_length(X=X, y=labels)
    if n > len(labels):
        raise ValueError(f"n={n} but X has only {len(labels)} examples")
    positions = np.sort(np.random.default_rng(seed).choice(len(labels), size=n, replace=False))
    small_y = labels[positions]
    if len(np.unique(small_y)) < 2:
        raise ValueError(
            f"the {n} examples drawn with seed={seed} all have class {small_y[0]!r}; "
            "use a larger n or another seed so at least two classes are present"
        )
    model = model_factory()
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise TypeError(
            f"model_factory() returned a {type(model).__name__}, which has no fit/predict; "
            "it should return a model"
        )
    model.fit(_rows(X, positions), small_y)
    accuracy = _accuracy(small_y, np.asarray(model.predict(_rows(X, positions))))
    ok = accuracy == 1.0
    if ok:
        message = (
            f"the model fits all {n} training examples: it can learn this data. "
            "Now train it on the full training set."
        )
    else:
        wrong = round((1 - accuracy) * n)
        message = (
            f"the model gets {wrong} of its own {n} training examples wrong "
            f"(train accuracy {accuracy:.3f}): it cannot even overfit a tiny set. Before "
            "training on more data, check that labels match features, and try more "
            "capacity, less regularisation or more training iterations."
        )
    return {"train_accuracy": accuracy, "n": int(n), "ok": ok, "message": message}
