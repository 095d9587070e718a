"""A seeded stream of requests, simple models to serve it, and stable hash routing.

Part of :mod:`mlep.deployment.rollout`, which re-exports the public names.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    non_negative,
    numbers_array,
    positive,
    probability,
    real,
    seeded_rng,
    sequence,
    text,
)
from mlep.exceptions import MlepError

if TYPE_CHECKING:  # pragma: no cover
    pass


REQUEST_ID = "request_id"
LABEL = "label"
#: Mean latency of a model without a ``latency_ms`` attribute.
DEFAULT_LATENCY_MS = 10.0
#: Spread of simulated latencies: lognormal with this sigma (a long right tail).
LATENCY_SIGMA = 0.5


def request_stream(
    n: int, *, n_features: int = 2, noise: float = 0.5, label_rate: float = 1.0, seed: int = 0
) -> pd.DataFrame:
    """A seeded stream of requests: ids, standard normal features and a true 0/1 label.

    The truth is ``label = 1 if x0 + 0.5 * x1 + noise * e > 0`` (``e`` standard normal;
    ``x1`` only when ``n_features >= 2``), so :class:`ThresholdModel` on ``x0`` is a decent
    but imperfect model.

    Parameters
    ----------
    n
        Number of requests; ids are ``0 .. n - 1``.
    n_features
        Number of feature columns ``x0, x1, ...``.
    noise
        Label noise: standard deviation of ``e``.
    label_rate
        Share of requests whose label is known (the others hold ``<NA>``), as when ground
        truth arrives for a sample only.
    seed
        Seed of features, labels and of which labels are known.

    Examples
    --------
    >>> request_stream(3, seed=1)
       request_id     x0     x1  label
    0           0  0.346  0.822      1
    1           1  0.330 -1.303      0
    2           2  0.905  0.446      1
    """
    n = count(n, "n", minimum=1)
    n_features = count(n_features, "n_features", minimum=1)
    noise = non_negative(noise, "noise")
    label_rate = probability(label_rate, "label_rate")
    rng = seeded_rng(seed)
    x = rng.normal(size=(n, n_features)).round(3)
    score = x[:, 0] + (0.5 * x[:, 1] if n_features > 1 else 0.0)
    labels = pd.array((score + noise * rng.normal(size=n) > 0).astype(int), dtype="Int64")
    labels[rng.random(n) >= label_rate] = pd.NA
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(n_features)])
    frame.insert(0, REQUEST_ID, np.arange(n))
    frame[LABEL] = labels
    return frame


def features(requests: pd.DataFrame) -> np.ndarray:
    """The batch a model sees: every column except ``request_id`` and ``label``, as floats."""
    check_requests(requests)
    columns = [c for c in requests.columns if c not in (REQUEST_ID, LABEL)]
    if not columns:
        raise ValueError("the requests have no feature columns (only request_id and label)")
    try:
        return requests[columns].to_numpy(dtype=float)
    except (TypeError, ValueError):
        kinds = {c: str(requests[c].dtype) for c in columns if requests[c].dtype.kind not in "biuf"}
        raise TypeError(
            f"feature columns must be numeric, but got {kinds}; encode them first "
            "(e.g. pd.get_dummies) or drop them"
        ) from None


@dataclass(frozen=True)
class ThresholdModel:
    """Predicts 1 when feature ``feature`` (a column index) is above ``threshold``.

    Examples
    --------
    >>> ThresholdModel(threshold=0.5).predict(np.array([[0.2, 9.0], [0.7, -1.0]]))
    array([0, 1])
    """

    feature: int = 0
    threshold: float = 0.0
    latency_ms: float = 20.0

    def predict(self, batch: np.ndarray) -> np.ndarray:
        return (np.asarray(batch, dtype=float)[:, self.feature] > self.threshold).astype(int)


@dataclass(frozen=True)
class LinearModel:
    """Predicts 1 when ``weights · x > 0``; with the default weights, the truth of
    :func:`request_stream` without its noise (a better model than :class:`ThresholdModel`).

    Parameters
    ----------
    weights : tuple of float, default (1.0, 0.5)
        One weight per leading feature column.
    latency_ms : float, default 25.0
        Its simulated time per request.
    noise : float, default 0.5
        The traffic's label noise (``request_stream``'s ``noise``), for :meth:`confidence`.

    Examples
    --------
    >>> model = LinearModel()
    >>> model.predict(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    array([1, 0])
    >>> model.confidence(np.array([[1.0, -1.0], [0.0, 0.0]])).round(3)
    array([0.841, 0.5  ])
    """

    weights: tuple = (1.0, 0.5)
    latency_ms: float = 25.0
    noise: float = 0.5

    def __post_init__(self) -> None:
        positive(self.noise, "noise")  # confidence divides by it
        numbers_array(self.weights, "weights")

    def score(self, batch: np.ndarray) -> np.ndarray:
        """``weights · x`` for each row."""
        batch = np.asarray(batch, dtype=float)
        return batch[:, : len(self.weights)] @ np.asarray(self.weights, dtype=float)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """1 where the score is positive, else 0."""
        return (self.score(batch) > 0).astype(int)

    def confidence(self, batch: np.ndarray) -> np.ndarray:
        """The probability that each prediction is right, under the traffic's label noise."""
        from scipy.special import ndtr

        return ndtr(np.abs(self.score(batch)) / self.noise)


class FeatureColumnError(MlepError, KeyError, ValueError):
    """A column that is not a feature of the requests: a ``KeyError`` and a ``ValueError``."""

    def __str__(self) -> str:
        return str(self.args[0])  # KeyError would quote the message


def concept_shift(requests: pd.DataFrame, column: str, above: float) -> pd.DataFrame:
    """A new concept: where ``column > above`` the same inputs now get the opposite label.

    The features are untouched (no data drift): only the mapping from inputs to labels moved.

    Parameters
    ----------
    requests : pandas.DataFrame
        Requests as :func:`request_stream` makes them (a copy is changed).
    column : str
        The feature whose region changes concept.
    above : float
        The concept flips where ``requests[column] > above``.

    Examples
    --------
    >>> before = request_stream(4, seed=1)
    >>> concept_shift(before, "x0", 0.34)["label"].tolist(), before["label"].tolist()
    ([0, 0, 0, 1], [1, 0, 1, 1])
    """
    check_requests(requests)
    text(column, "column")
    if column not in requests.columns or column in (REQUEST_ID, LABEL):
        raise FeatureColumnError(
            f"column must be a feature column of the requests, but got {column!r}; "
            f"features: {[c for c in requests.columns if c not in (REQUEST_ID, LABEL)]}"
        )
    above = real(above, "above")
    changed = requests.copy()
    rows = changed[column] > above
    changed.loc[rows, LABEL] = 1 - changed.loc[rows, LABEL]
    return changed


@dataclass(frozen=True)
class NoisyModel:
    """Another model's 0/1 predictions, with a share ``flip_rate`` of them flipped.

    Which predictions flip depends only on the request's features and ``seed`` (a hash of
    each row), so a request gets the same answer however the traffic is batched or routed.
    ``latency_ms`` defaults to the wrapped model's.

    Examples
    --------
    >>> batch = np.arange(20.0).reshape(10, 2)
    >>> NoisyModel(ThresholdModel(threshold=100), flip_rate=0.3, seed=1).predict(batch)
    array([0, 1, 1, 0, 0, 1, 1, 0, 0, 0])
    """

    model: Any
    flip_rate: float
    seed: int = 0
    latency_ms: float | None = None

    def __post_init__(self) -> None:
        probability(self.flip_rate, "flip_rate")
        if self.latency_ms is None:
            latency = getattr(self.model, "latency_ms", DEFAULT_LATENCY_MS)
            object.__setattr__(self, "latency_ms", latency)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        batch = np.asarray(batch, dtype=float)
        answers = predict_batch(self.model, batch, "the wrapped model")
        flip = _row_hash(batch, self.seed) < self.flip_rate
        return np.where(flip, 1 - answers, answers)


def _row_hash(batch: np.ndarray, seed: int) -> np.ndarray:
    """A uniform number in [0, 1) per row, fixed by the row's values and ``seed``."""
    salt = str(seed).encode()
    rows = np.ascontiguousarray(batch, dtype=float)
    return np.array([_unit(salt + row.tobytes()) for row in rows])


def _unit(data: bytes) -> float:
    digest = hashlib.blake2b(data, digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def route(request_ids, percent: float, *, seed: int = 0) -> np.ndarray:
    """Which requests go to the new model at ``percent`` % of traffic (a boolean mask).

    Each id gets a stable point in ``[0, 100)`` from a hash of ``(seed, id)``; it goes to the
    new model when that point is below ``percent``. So the share is close to ``percent``,
    the same id is always routed the same way, and raising ``percent`` only adds requests.

    Examples
    --------
    >>> route(range(10), 30, seed=0)
    array([False, False, False,  True, False, False, False,  True,  True,
            True])
    >>> bool(np.all(route(range(1000), 5) <= route(range(1000), 25)))
    True
    """
    percent = real(percent, "percent")
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, but got {percent:g}")
    salt = f"{count(seed, 'seed')}:".encode()
    ids = sequence(request_ids, "request_ids", "a sequence of request ids")
    strays = [i for i in ids if isinstance(i, (list, tuple, dict, np.ndarray)) or pd.isna(i)]
    if strays:
        raise ValueError(
            f"request_ids must hold one id per request (a number or a string), but holds "
            f"{strays[0]!r}"
        )
    points = np.array([100 * _unit(salt + str(i).encode()) for i in ids], dtype=float)
    return points < percent


def predict_batch(model: Any, batch: np.ndarray, what: str) -> np.ndarray:
    """One 0/1-like prediction per row from ``model.predict(batch)`` or ``model(batch)``."""
    predict = getattr(model, "predict", None)
    if predict is None:
        if not callable(model):
            raise TypeError(
                f"{what} must have a predict(batch) method or be a function of the batch, "
                f"but got a {type(model).__name__}"
            )
        predict = model
    answers = np.asarray(predict(batch))
    if answers.shape != (len(batch),):
        raise ValueError(
            f"{what} returned predictions of shape {answers.shape} for {len(batch)} requests; "
            f"expected one prediction per request, shape ({len(batch)},)"
        )
    if answers.dtype.kind not in "biuf":
        raise TypeError(
            f"{what} must predict class labels 0 or 1, but returned {answers.dtype} values "
            f"such as {answers[0]!r}"
        )
    numbers = answers.astype(float)
    if not np.isfinite(numbers).all():
        raise ValueError(f"{what} must predict class labels 0 or 1, but returned NaN or infinity")
    odd = numbers[(numbers != 0) & (numbers != 1)]
    if odd.size:
        hint = (
            "; it looks like probabilities: threshold them, e.g. (p >= 0.5).astype(int)"
            if ((odd > 0) & (odd < 1)).all()
            else ""
        )
        raise ValueError(
            f"{what} must predict class labels 0 or 1, but returned {odd.size} other value(s) "
            f"such as {odd[0]:g}{hint}"
        )
    return answers


def simulated_latencies(model: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """Simulated latencies (ms): lognormal with mean ``model.latency_ms``."""
    mean = non_negative(getattr(model, "latency_ms", DEFAULT_LATENCY_MS), "latency_ms")
    return rng.lognormal(math.log(mean or 1e-9) - LATENCY_SIGMA**2 / 2, LATENCY_SIGMA, n)


def check_requests(requests: Any) -> None:
    if not isinstance(requests, pd.DataFrame):
        raise TypeError(
            f"requests must be a DataFrame (see request_stream), but got {type(requests).__name__}"
        )
    if REQUEST_ID not in requests.columns:
        raise ValueError(
            f"requests need a {REQUEST_ID!r} column; got columns {list(requests.columns)}"
        )
    if len(requests) == 0:
        raise ValueError("the request stream is empty: nothing to serve")


def known_labels(requests: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Labels (0 where unknown) and the mask of requests whose label is known."""
    if LABEL not in requests.columns:
        return np.zeros(len(requests), dtype=int), np.zeros(len(requests), dtype=bool)
    column = requests[LABEL]
    known = column.notna().to_numpy()
    return column.fillna(0).to_numpy().astype(int), known
