"""Which creatives (or locales, ratios, copies…) stand out, judged pair by pair.

Comparing each one with "the rest pooled" misleads when one is far off: with a single weak creative, every other
one is "better than the rest" only because the rest holds the weak one. Here every pair of groups that both reach
the minimum sample is tested (two-sided two-proportion z-test), the p-values Holm-adjusted over all those pairs,
and each group's standing counts the others it is significantly above or below:

* a **leader** is significantly above every other group it could be compared with (``lead="all"``; the creatives'
  "winner"), or above more than half of them and below none (``lead="majority"``; an attribute's "better");
* a **laggard** is significantly below more than half of the others and above none ("underperformer"/"worse");
* otherwise "no clear difference"; "not enough data yet" for a group under the minimum or with no one to compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from creative_ai.results.models import Counts
from creative_ai.results.models import shown as shown_count
from creative_ai.results.stats import Interval, Metric, Rule, holm, rate, two_proportion_p, wilson

Standing = Literal["leader", "laggard", "no clear difference", "not enough data yet"]


@dataclass(frozen=True)
class Ranked:
    group: str
    metric: Metric
    successes: float  # clicks for CTR; conversions (maybe fractional) for CVR
    trials: int
    rate: float | None
    interval: Interval | None
    others_rate: float | None  # the other groups pooled, for the reader's sense of scale
    compared: int  # other groups with enough data
    above: list[str]  # groups it is significantly above
    below: list[str]  # groups it is significantly below
    p_adjusted: float | None  # the largest adjusted p-value among the pairs that decided its standing
    standing: Standing
    reason: str


def _fraction(c: Counts, metric: Metric) -> tuple[float, int]:
    # Fractional conversions (Google's attribution) are taken as they are: the formulas need only the rate.
    return (c.clicks, c.impressions) if metric == "ctr" else (c.conversions, c.clicks)


def describe(
    rule: Rule,
    *,
    metric: Metric,
    lead: Literal["all", "majority"],
    better: str = "better",
    worse: str = "worse",
) -> str:
    """The rule in plain words, for the report."""
    unit = "impressions" if metric == "ctr" else "clicks"
    leader = "above every other one" if lead == "all" else "above more than half of the others and below none"
    adjust = "Holm-adjusted over all the pairs" if rule.correction == "holm" else "not adjusted"
    return (
        f"Every pair with at least {rule.minimum(metric):,} {unit} on each side is compared (two-sided "
        f"two-proportion z-test, p-values {adjust}, significant below {rule.alpha:g}); one is {better} when it "
        f"is significantly {leader}, {worse} when it is significantly below more than half of the others and above "
        f"none; below {rule.minimum(metric):,} {unit} it is not enough data yet. Ranges are {rule.confidence:.0%} "
        "Wilson intervals."
    )


def rank(
    groups: Mapping[str, Counts], *, metric: Metric, rule: Rule, lead: Literal["all", "majority"]
) -> dict[str, Ranked]:
    """Each group's standing among ``groups`` (see the module docstring)."""
    need = rule.minimum(metric)
    fractions = {g: _fraction(c, metric) for g, c in groups.items()}
    # More conversions than clicks: the platform counted conversions not from a click (view-through), so
    # conversions per click is no proportion to test; more clicks than impressions happens on tiny daily numbers.
    odd = {g for g, (k, n) in fractions.items() if k > n}
    able = [g for g, (_, n) in fractions.items() if n >= need and g not in odd]
    pairs = list(combinations(able, 2))
    raw = [two_proportion_p(*fractions[a], *fractions[b]) for a, b in pairs]
    adjusted = holm(raw) if rule.correction == "holm" else raw
    above: dict[str, list[tuple[str, float]]] = {g: [] for g in fractions}
    below: dict[str, list[tuple[str, float]]] = {g: [] for g in fractions}
    for (a, b), p in zip(pairs, adjusted, strict=True):
        if p >= rule.alpha:
            continue
        hi, lo = (a, b) if (rate(*fractions[a]) or 0.0) > (rate(*fractions[b]) or 0.0) else (b, a)
        above[hi].append((lo, p))
        below[lo].append((hi, p))
    name, unit = metric.upper(), "impressions" if metric == "ctr" else "clicks"
    family = f"Holm over {len(pairs)} pair(s)" if rule.correction == "holm" else "unadjusted"
    out = {}
    total_k = sum(k for k, _ in fractions.values())
    total_n = sum(n for _, n in fractions.values())
    for g, (k, n) in fractions.items():
        own = rate(k, n)
        interval = None if g in odd else wilson(k, n, confidence=rule.confidence)
        others = rate(total_k - k, total_n - n)
        shown = f"{name} {_pct(own)}" + (f" ({_pct(interval.low)}–{_pct(interval.high)})" if interval else "")
        compared = len(able) - 1 if g in able else 0
        ups, downs = above[g], below[g]
        standing: Standing
        decided: list[tuple[str, float]] = []
        if g in odd:
            standing = "not enough data yet"
            reason = (
                f"{shown} on {n:,} {unit}: more conversions ({shown_count(k)}) than clicks, so the report's "
                "conversions include ones not from a click and conversions per click is not compared"
                if metric == "cvr"
                else f"{shown}: more clicks ({shown_count(k)}) than impressions ({n:,}), so it is not compared"
            )
        elif g not in able:
            standing = "not enough data yet"
            reason = f"{shown} on {n:,} {unit}; a comparison needs at least {need:,} {unit}"
        elif compared == 0:
            standing = "not enough data yet"
            reason = (
                f"{shown} on {n:,} {unit}, but it is the only one: there is nothing to compare it with"
                if len(fractions) == 1
                else f"{shown} on {n:,} {unit}, but no other has enough {unit} to compare with"
            )
        else:
            if not downs and ups and (len(ups) == compared if lead == "all" else 2 * len(ups) > compared):
                standing, decided = "leader", ups
            elif not ups and 2 * len(downs) > compared:
                standing, decided = "laggard", downs
            else:
                standing = "no clear difference"
            reason = (
                f"{shown} on {n:,} {unit} (the others together: {_pct(others)}); significantly above {len(ups)} and "
                f"below {len(downs)} of the {compared} other(s) compared ({family}, α {rule.alpha:g})"
            )
        worst_p = max((p for _, p in decided), default=None)
        out[g] = Ranked(
            g,
            metric,
            k,
            n,
            own,
            interval,
            others,
            compared,
            [o for o, _ in ups],
            [o for o, _ in downs],
            worst_p,
            standing,
            reason,
        )
    return out


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"
