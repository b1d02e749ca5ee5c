"""Honest statistics for ad results: rates with their uncertainty, and differences that are only called when real.

* ``wilson`` — the Wilson score interval of a rate (a click-through or conversion rate).
* ``two_proportion_p`` — the two-sided p-value of the pooled two-proportion z-test.
* ``holm`` — Holm–Bonferroni adjusted p-values for a family of comparisons.
* ``Rule`` — the thresholds a difference must pass before the report calls it (``ranking`` applies them).
* ``fatigue`` — whether a creative is wearing out: CTR falling while the same people see it more often.
* ``rate`` and ``per`` — a ratio that is ``None`` instead of a division by zero (CTR, CPC, CPA).

Only the standard library is used: the normal distribution comes from ``math.erfc``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from creative_ai.errors import InputError

Metric = Literal["ctr", "cvr"]
Verdict = Literal["better", "worse", "no clear difference", "not enough data yet"]
CORRECTIONS = ("holm", "none")

# Rational approximation of the standard normal quantile (P. J. Acklam), refined below by one Halley step.
_A = (
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.3577518672690,
    -30.66479806614716,
    2.506628277459239,
)
_B = (-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572)
_C = (
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
)
_D = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)


@dataclass(frozen=True)
class Interval:
    """A range of plausible values of a rate, both ends between 0 and 1."""

    low: float
    high: float


def _normal_sf(x: float) -> float:
    """P(Z > x) for a standard normal Z."""
    return 0.5 * math.erfc(x / math.sqrt(2.0))


def _normal_ppf(p: float) -> float:
    """The x with P(Z <= x) = p for a standard normal Z, 0 < p < 1, to about machine precision."""
    low = 0.02425
    if p < low:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) / (
            (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0
        )
    elif p <= 1.0 - low:
        q = p - 0.5
        r = q * q
        x = (
            (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5])
            * q
            / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0)
        )
    else:
        return -_normal_ppf(1.0 - p)
    # One Halley step on F(x) - p brings the approximation (relative error ~1e-9) to full precision.
    error = 0.5 * math.erfc(-x / math.sqrt(2.0)) - p
    u = error * math.sqrt(2.0 * math.pi) * math.exp(x * x / 2.0)
    return x - u / (1.0 + x * u / 2.0)


def _z(confidence: float) -> float:
    """The two-sided critical value of a confidence level: 1.959964... for 0.95."""
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence {confidence!r} is not between 0 and 1; use e.g. 0.95 for a 95% interval")
    return -_normal_ppf((1.0 - confidence) / 2.0)


def _check_counts(successes: float, trials: int, *, what: str = "successes") -> None:
    if trials < 0 or successes < 0:
        raise InputError(f"counts cannot be negative (got {successes} {what} of {trials}); check the report file")
    if successes > trials:
        raise InputError(f"{successes} {what} is more than the {trials} they come from; check the report file")


def wilson(successes: float, trials: int, *, confidence: float = 0.95) -> Interval | None:
    """The Wilson score interval of ``successes / trials`` at ``confidence``; ``None`` when there are no trials.
    ``successes`` may be fractional (Google's attributed conversions): the formula takes the rate as it is."""
    _check_counts(successes, trials)
    z = _z(confidence)
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1.0 + z2 / trials
    centre = (p + z2 / (2.0 * trials)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(low, high)


def two_proportion_p(k1: float, n1: int, k2: float, n2: int) -> float:
    """Two-sided p-value of the pooled z-test that ``k1/n1`` and ``k2/n2`` share one rate.

    When the pooled rate is 0 or 1 (no successes at all, or nothing but) the two rates are equal and the p-value
    is 1.0.
    """
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    if n1 == 0 or n2 == 0:
        raise InputError(f"a rate needs at least one trial to compare (got {n1} and {n2})")
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return min(1.0, 2.0 * _normal_sf(abs(z)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the order given: monotone in the raw p-values and capped at 1."""
    for p in p_values:
        if not 0.0 <= p <= 1.0:
            raise InputError(f"p-value {p!r} is not between 0 and 1")
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def rate(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when ``den`` is 0 (a CTR with no impressions is unknown, not 0)."""
    return None if den == 0 else num / den


def per(spend: float, count: float) -> float | None:
    """Spend per unit (CPC per click, CPA per conversion); ``None`` when the count is 0."""
    return None if count == 0 else spend / count


@dataclass(frozen=True)
class Rule:
    """When the report may call a difference: enough data on both sides, and a small enough adjusted p-value."""

    min_impressions: int = 1000  # per side, for a CTR comparison (and per part, for fatigue)
    min_clicks: int = 20  # per side, for a CVR comparison
    alpha: float = 0.05
    confidence: float = 0.95  # of the ranges shown next to each rate
    correction: str = "holm"  # "holm", or "none" to leave p-values unadjusted

    def __post_init__(self) -> None:
        if self.min_impressions < 1 or self.min_clicks < 1:
            raise InputError("min_impressions and min_clicks must be at least 1")
        if not 0.0 < self.alpha < 1.0:
            raise InputError(f"alpha {self.alpha!r} is not between 0 and 1; 0.05 is usual")
        _z(self.confidence)
        if self.correction not in CORRECTIONS:
            raise InputError(f"correction {self.correction!r} is unknown; use one of {', '.join(CORRECTIONS)}")

    def minimum(self, metric: Metric) -> int:
        """The trials each side needs: impressions for CTR, clicks for CVR."""
        return self.min_impressions if metric == "ctr" else self.min_clicks


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _p_text(p: float) -> str:
    return "p<0.0001" if p < 0.0001 else f"p={p:.3g}"


@dataclass(frozen=True)
class Day:
    """One day of one creative: what was shown, clicked, and to how many people (``None`` when not reported)."""

    day: date
    impressions: int
    clicks: int
    reach: int | None = None


@dataclass(frozen=True)
class Fatigue:
    """Whether a creative shows fatigue, with the numbers the decision used."""

    fatigued: bool
    first_ctr: float | None
    last_ctr: float | None
    first_frequency: float | None
    last_frequency: float | None
    p_value: float | None
    reason: str


def _frequency(days: Sequence[Day]) -> float | None:
    """Mean of the daily frequencies (impressions / reach) over the days that report reach."""
    daily = [d.impressions / d.reach for d in days if d.reach]
    return sum(daily) / len(daily) if daily else None


def fatigue(days: Sequence[Day], *, rule: Rule = Rule(), min_days: int = 6) -> Fatigue | None:
    """Whether a creative is tiring its audience: CTR falling while frequency rises.

    The rule: the days are put in date order and split into thirds (``n // 3`` days each end). The creative is
    fatigued when all of these hold:

    * the first and the last third each have at least ``rule.min_impressions`` impressions;
    * the CTR of the last third (its clicks over its impressions) is lower than that of the first third, and the
      two-sided two-proportion z-test of the two gives a p-value below ``rule.alpha``;
    * the frequency of the last third is higher than that of the first, a part's frequency being the mean of
      its daily frequencies (impressions / reach of that day, over the days that report reach).

    Returns ``None`` with fewer than ``min_days`` days. Without reach on any day frequency is unknown, so the
    answer is "not fatigued" with a reason that says frequency is not in the data.
    """
    if min_days < 3:
        raise InputError(f"min_days {min_days} is too small; fatigue needs at least 3 days to compare thirds")
    ordered = sorted(days, key=lambda d: d.day)
    for d, following in pairwise(ordered):
        if d.day == following.day:
            raise InputError(f"two rows for {d.day.isoformat()}; add them up into one row per day first")
    for d in ordered:
        _check_counts(d.clicks, d.impressions, what=f"clicks on {d.day.isoformat()}")
        if d.reach is not None and d.reach < 0:
            raise InputError(f"reach on {d.day.isoformat()} is negative ({d.reach}); check the report file")
    if len(ordered) < min_days:
        return None
    third = len(ordered) // 3
    first, last = ordered[:third], ordered[-third:]
    k1, n1 = sum(d.clicks for d in first), sum(d.impressions for d in first)
    k2, n2 = sum(d.clicks for d in last), sum(d.impressions for d in last)
    first_ctr, last_ctr = rate(k1, n1), rate(k2, n2)
    f1, f2 = _frequency(first), _frequency(last)
    span = f"the first {third} days"
    later = f"the last {third}"

    def answer(fatigued: bool, p: float | None, reason: str) -> Fatigue:
        return Fatigue(fatigued, first_ctr, last_ctr, f1, f2, p, reason)

    if all(d.reach is None for d in ordered):
        return answer(
            False,
            None,
            f"Frequency is not in the data (no reach on any day), so fatigue cannot be judged; CTR went from "
            f"{_percent(first_ctr)} in {span} to {_percent(last_ctr)} in {later}.",
        )
    if n1 < rule.min_impressions or n2 < rule.min_impressions:
        return answer(
            False,
            None,
            f"Not enough impressions to judge fatigue yet: {span} have {n1:,} and {later} {n2:,}; "
            f"each needs at least {rule.min_impressions:,}.",
        )
    p = two_proportion_p(k1, n1, k2, n2)
    ctr_move = f"CTR went from {_percent(first_ctr)} in {span} to {_percent(last_ctr)} in {later} ({_p_text(p)})"
    if f1 is None or f2 is None:
        return answer(False, p, f"{ctr_move}, but reach is missing for {span if f1 is None else later}.")
    freq_move = f"frequency went from {f1:.2f} to {f2:.2f}"
    if (last_ctr or 0.0) >= (first_ctr or 0.0) or p >= rule.alpha:
        return answer(False, p, f"{ctr_move}, not a clear fall, so no sign of fatigue ({freq_move}).")
    if f2 <= f1:
        return answer(False, p, f"{ctr_move} while {freq_move}: not fatigue from repeat viewing.")
    return answer(True, p, f"{ctr_move} while {freq_move}: the audience is tiring of this creative.")
