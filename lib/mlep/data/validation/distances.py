"""The two distances TFDV uses for drift and skew, written out by hand and tested against TFDV's.

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from tensorflow_metadata.proto.v0 import statistics_pb2

from mlep._checks import non_negative, real
from mlep.data.validation.common import (
    Bucket,
    find_feature_stats,
    overall_dataset,
)

if TYPE_CHECKING:  # pragma: no cover
    pass


def category_frequencies(
    stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str
) -> dict[str, float]:
    """Value -> count of a string feature, from its rank histogram (what TFDV's L-infinity uses).

    The rank histogram keeps up to ``StatsOptions.num_rank_histogram_buckets`` (1000)
    values; ``top_values`` (20) would be too short for distances.
    """
    chosen = find_feature_stats(overall_dataset(stats).datasets[0], feature)
    if not chosen.HasField("string_stats"):
        raise ValueError(
            f"feature {feature!r} is numeric, so it has no value counts; "
            "use numeric_histogram(stats, feature)"
        )
    return {b.label: b.sample_count for b in chosen.string_stats.rank_histogram.buckets}


def numeric_histogram(
    stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str
) -> list[Bucket]:
    """``(low, high, count)`` buckets of a numeric feature's standard histogram.

    This is the histogram TFDV's Jensen-Shannon divergence uses (10 equal-width buckets by
    default; counts are fractional because TFDV builds it from a quantiles sketch). NaN
    values, if any, come last as a ``(nan, nan, count)`` bucket.
    """
    chosen = find_feature_stats(overall_dataset(stats).datasets[0], feature)
    standard = statistics_pb2.Histogram.STANDARD
    histograms = [h for h in chosen.num_stats.histograms if h.type == standard]
    if not histograms:
        raise ValueError(
            f"feature {feature!r} has no numeric histogram (it is a string feature?); "
            "use category_frequencies(stats, feature)"
        )
    buckets = [(b.low_value, b.high_value, b.sample_count) for b in histograms[0].buckets]
    if histograms[0].num_nan:
        buckets.append((math.nan, math.nan, float(histograms[0].num_nan)))
    return buckets


def _normalized(counts: Mapping[str, float], argument: str) -> dict[str, float]:
    _counts(counts, argument)
    total = _running_sum(counts[value] for value in sorted(counts))
    if total <= 0:
        raise ValueError(f"{argument} is empty (total count 0): no distribution to compare")
    return {value: counts[value] / total for value in sorted(counts)}


def linf_distance(counts_a: Mapping[str, float], counts_b: Mapping[str, float]) -> float:
    """L-infinity distance: the largest gap between the two normalized frequency tables.

    Each table is divided by its own total; values missing from one side count as 0. This
    is TFDV's drift/skew measure for string features (``infinity_norm``), computed the
    same way (same order of operations) as its C++ ``LInftyDistance``.

    Examples
    --------
    >>> linf_distance({"a": 3, "b": 1}, {"a": 1, "b": 1, "c": 2})
    0.5
    >>> linf_distance({"MC": 60, "MD": 40}, {"MC": 50, "MD": 40, "ZZ": 10})
    0.1
    >>> linf_distance({"x": 1}, {"x": 5})
    0.0
    """
    freq_a = _normalized(counts_a, "counts_a")
    freq_b = _normalized(counts_b, "counts_b")
    values = sorted(set(freq_a) | set(freq_b))
    return max(abs(freq_a.get(v, 0.0) - freq_b.get(v, 0.0)) for v in values)


def jensen_shannon_divergence(
    a: Sequence[Bucket] | Mapping[str, float], b: Sequence[Bucket] | Mapping[str, float]
) -> float:
    """Jensen-Shannon divergence (log base 2, so between 0 and 1), computed as TFDV does.

    ``JSD(P, Q) = (KL(P || M) + KL(Q || M)) / 2`` with ``M = (P + Q) / 2``.

    Parameters
    ----------
    a, b
        Either two histograms as ``(low, high, count)`` buckets (see
        :func:`numeric_histogram`), or two value -> count mappings (string features).

    Notes
    -----
    For histograms this mirrors ``JensenShannonDivergence`` in TFDV's
    ``anomalies/metrics.cc`` (read for TFDV 1.16):

    1. Point buckets (``low == high``), buckets with an infinite bound and NaN buckets are
       set aside; the remaining buckets of both histograms are re-bucketed onto the union of
       their boundaries, spreading each bucket's count uniformly over its width.
    2. Point masses are appended as one bucket per distinct point; infinite masses as
       *non-overlapping* buckets (a's infinite mass against 0, then 0 against b's);
       NaN counts as the pair ``[0, nan_a]`` / ``[nan_b, 0]``, i.e. also non-overlapping.
    3. Both are normalized to sum 1; the result is capped at 1.0.

    One TFDV 1.16 quirk is reproduced on purpose, so the values agree: when the two
    histograms have different boundaries, re-bucketing builds new histograms that do not
    carry the NaN counts, so NaNs are ignored; with identical boundaries they count. (NaN is
    rare in practice: pandas' NaN reaches TFDV as a *missing* value, not as a NaN.)

    Because TFDV's standard histogram comes from a quantiles sketch and assumes values are
    uniform inside a bucket, this approximates the divergence of the true distributions.

    Buckets may come in any order (they are sorted first). TFDV's C++ assumes the sorted
    order its own statistics have: fed a hand-made proto with shuffled buckets it reports
    other numbers (0.047 where this gives 0.395 for ``[(2, 3, 0), (0, 1, 4), (3, 4, 3)]``
    against ``[(3, 4.1, 3.8)]``), so compare with TFDV on sorted buckets only. An empty
    histogram (total count 0) is an error here; TFDV silently reports no measurement.

    Examples
    --------
    Identical histograms, disjoint ones, and one bucket split in half:

    >>> jensen_shannon_divergence([(0, 10, 5)], [(0, 10, 50)])
    0.0
    >>> jensen_shannon_divergence([(0, 1, 1)], [(1, 2, 1)])
    1.0
    >>> jensen_shannon_divergence([(0, 2, 4)], [(0, 1, 4)])
    0.31127812445913283
    >>> jensen_shannon_divergence({"a": 1, "b": 1}, {"a": 1})
    0.31127812445913283
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _categorical_jsd(a, b)
    p_counts, q_counts = _aligned_counts(_buckets(a, "a"), _buckets(b, "b"))
    p = _probabilities(p_counts, "a")
    q = _probabilities(q_counts, "b")
    m = [(x + y) / 2 for x, y in zip(p, q)]
    return min((_kl_divergence(p, m) + _kl_divergence(q, m)) / 2, 1.0)


def _counts(counts: Mapping[str, float], argument: str) -> None:
    """A value -> count mapping with finite, non-negative counts."""
    if not isinstance(counts, Mapping):
        raise TypeError(f"{argument} must map values to counts, but got {type(counts).__name__}")
    for value, number in counts.items():
        if real(number, f"{argument}[{value!r}] (a count)") < 0:
            raise ValueError(
                f"{argument}[{value!r}] (a count) must be >= 0, but got {number}: "
                "negative counts are not a distribution"
            )


def _categorical_jsd(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """TFDV's JSD of two value->count maps (its ``JensenShannonDivergence`` for strings)."""
    _counts(a, "a")
    _counts(b, "b")
    if not a or not b or min(a.values()) <= 0 or min(b.values()) <= 0:
        raise ValueError("both value counts must be non-empty with positive counts")
    a_sum = _running_sum(a[v] for v in sorted(a))
    b_sum = _running_sum(b[v] for v in sorted(b))
    total = 0.0
    for value in sorted(set(a) | set(b)):
        pa, pb = a.get(value, 0.0) / a_sum, b.get(value, 0.0) / b_sum
        m = (pa + pb) / 2
        if value in a:
            total += pa * math.log2(pa / m)
        if value in b:
            total += pb * math.log2(pb / m)
    return min(total / 2, 1.0)


def _buckets(histogram: Sequence[Bucket], argument: str) -> list[Bucket]:
    if isinstance(histogram, Mapping) or not isinstance(histogram, Sequence):
        raise TypeError(
            f"histogram {argument} must be a list of (low, high, count) buckets "
            "(see numeric_histogram) — or pass two value->count mappings"
        )
    if isinstance(histogram, (str, bytes)):
        raise TypeError(f"histogram {argument} must be a list of buckets, but got a string")
    try:
        buckets = [(float(lo), float(hi), float(count)) for lo, hi, count in histogram]
    except (TypeError, ValueError):
        raise TypeError(
            f"histogram {argument} must hold (low, high, count) triples, but got {histogram!r}"
        ) from None
    for index, (low, high, number) in enumerate(buckets):
        non_negative(number, f"histogram {argument}, bucket {index}: the count")
        if math.isnan(low) != math.isnan(high):
            raise ValueError(
                f"histogram {argument}, bucket {index} must have both bounds NaN (the NaN "
                f"bucket) or neither, but got ({low}, {high})"
            )
        if low > high:
            raise ValueError(
                f"histogram {argument}, bucket {index} must have low <= high, but got "
                f"({low}, {high})"
            )
    return buckets


def _split_buckets(buckets: list[Bucket]):
    """Regular buckets (sorted), point masses, infinite mass and NaN count."""
    regular, points, infinite, nan = [], {}, 0.0, 0.0
    for low, high, count in buckets:
        if math.isnan(low) and math.isnan(high):
            nan += count
        elif not (math.isfinite(low) and math.isfinite(high)):
            infinite += count
        elif low == high:
            points[low] = points.get(low, 0.0) + count
        else:
            regular.append((low, high, count))
    return sorted(regular), points, infinite, nan


def _rebucket(regular: list[Bucket], boundaries: list[float]) -> list[float]:
    """Counts on ``boundaries``, spreading each bucket uniformly over the intervals it covers."""
    counts, index = [], 0
    for low, high, count in regular:
        while low > boundaries[index]:
            counts.append(0.0)
            index += 1
        covered = []
        while high > boundaries[index]:
            covered.append(boundaries[index])
            index += 1
        covered.append(boundaries[index])
        for left, right in itertools.pairwise(covered):
            counts.append(((right - left) / (high - low)) * count)
    counts += [0.0] * (len(boundaries) - 1 - index)
    return counts


def _edges(regular: list[Bucket]) -> set[float]:
    return {edge for low, high, _ in regular for edge in (low, high)}


def _aligned_counts(a: list[Bucket], b: list[Bucket]) -> tuple[list[float], list[float]]:
    """Counts of a and b on common buckets (TFDV's ``AlignHistograms``)."""
    a_regular, a_points, a_inf, a_nan = _split_buckets(a)
    b_regular, b_points, b_inf, b_nan = _split_buckets(b)
    if _edges(a_regular) == _edges(b_regular):
        p, q = [c for *_, c in a_regular], [c for *_, c in b_regular]
    else:
        boundaries = sorted(_edges(a_regular) | _edges(b_regular))
        p, q = _rebucket(a_regular, boundaries), _rebucket(b_regular, boundaries)
        a_nan = b_nan = 0.0  # TFDV 1.16's rebucketed histograms lose num_nan
    for point in sorted(set(a_points) | set(b_points)):
        p.append(a_points.get(point, 0.0))
        q.append(b_points.get(point, 0.0))
    if a_inf:
        p, q = p + [a_inf], q + [0.0]
    if b_inf:
        p, q = p + [0.0], q + [b_inf]
    if a_nan or b_nan:
        p, q = p + [0.0, a_nan], q + [b_nan, 0.0]
    return p, q


def _running_sum(values: Iterable[float]) -> float:
    """Left-to-right float sum, like TFDV's C++ loops (Python 3.12's sum() compensates)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _probabilities(counts: list[float], argument: str) -> list[float]:
    total = _running_sum(counts)
    if total == 0:
        raise ValueError(f"histogram {argument} is empty (total count 0): nothing to compare")
    return [count / total for count in counts]


def _kl_divergence(p: list[float], q: list[float]) -> float:
    return _running_sum(x * math.log2(x / y) for x, y in zip(p, q) if x > 0 and y > 0)
