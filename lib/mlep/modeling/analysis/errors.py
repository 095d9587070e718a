"""Error analysis (Course 1, week 2): where is the model wrong, and where to work next?

The loop the course teaches, one function per step:

    baseline_table(majority=majority_baseline(y_train, y_eval),        # what to beat
                   logistic=quick_baseline(X_train, y_train, X_eval, y_eval)["accuracy"],
                   human=human_level_performance(labels, y_eval).mean)
    overfit_small_set(lambda: LogisticRegression(), X_train, y_train)   # can it learn at all?
    error_analysis(tags, y_eval, y_pred, hlp={"blurry": 0.9})           # where to work next
    per_class_report(y_eval, y_pred)                                    # skewed classes

:func:`error_analysis` builds the course's table of tags (properties of an example such as
"car noise" or "blurry") with how much of the data and of the errors each tag covers, the
gap to human-level performance (HLP) and the *potential gain* of closing it. Precision,
recall and F1 are computed by hand from :func:`confusion` and tested to equal
scikit-learn's numbers.

The baselines of that loop live in :mod:`mlep.modeling.analysis.baselines`. Only NumPy and
pandas are imported at module level; matplotlib is imported inside the function that needs it.
Everything here is re-exported by :mod:`mlep.modeling.analysis`.

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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep.modeling.analysis.label_checks import (
    as_labels,
    class_index,
    finite_number,
    label_pair,
    same_kind,
    same_length,
    sorted_classes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "confusion",
    "error_analysis",
    "per_class_report",
    "plot_error_analysis",
]


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
    true, pred = label_pair(y_true, y_pred)
    classes = class_index(labels, sorted_classes(true, pred))
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
        try:
            tags = pd.DataFrame(dict(tags))
        except (TypeError, ValueError) as error:
            raise ValueError(
                "tags must be a DataFrame, or a dict of tag -> one True/False per example, "
                f"but got a dict that is not a table ({error})"
            ) from None
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
        number = finite_number(value, f"hlp[{key!r}]")
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
    >>> error_analysis(tags, y_true, y_pred[:9])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: tags has 10, y_true has 10, y_pred has 9 entries; they should have one entry per
    example
    """
    tag_frame = _boolean_tags(tags)
    true, pred = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
    same_length(tags=tag_frame, y_true=true, y_pred=pred)
    same_kind(y_true=true, y_pred=pred)
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
