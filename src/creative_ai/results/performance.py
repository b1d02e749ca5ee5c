"""What works: a campaign's stored results per creative and per attribute, with honest statistics.

Per creative (each version that ran, by ``ad_name``): impressions, clicks, CTR, conversions, CVR (conversions per
click), spend, CPC, CPA, with Wilson intervals, a badge from comparing its CTR with every other creative's, pair
by pair (``winner``, ``underperformer``, ``no clear difference`` or ``not enough data yet``) and fatigue when daily
rows exist. Per attribute (locale, ratio, product, copy, hero): each value against the others, pair by pair, on CTR
and on CVR (see ``ranking``). The rule and its thresholds travel with the numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from creative_ai.errors import InputError
from creative_ai.results.models import Counts, amount
from creative_ai.results.ranking import Ranked, describe, rank
from creative_ai.results.stats import Day, Rule, fatigue, per, rate, wilson

if TYPE_CHECKING:
    from creative_ai.config import Settings
    from creative_ai.db import tables as t
    from creative_ai.db.repository import Repository

ATTRIBUTES: dict[str, Callable[[t.CreativeVersion], str]] = {
    "locale": lambda v: v.locale,
    "ratio": lambda v: v.aspect_ratio,
    "product": lambda v: v.product_id,
    "copy": lambda v: v.message,
    "hero": lambda v: v.hero,
}
CAVEAT = (
    "The tests take every impression as independent. Impressions come in days and audiences, so at high volume "
    "they can call a difference more readily than they should; and each ratio runs on its own placements "
    "(9:16 on Stories and Reels, 1:1 in Feed), so a ratio's verdict compares placements as much as pictures."
)
BADGES = {"leader": "winner", "laggard": "underperformer"}
VERDICTS = {"leader": "better", "laggard": "worse"}


def rule_from(settings: Settings) -> Rule:
    """The statistical rule the settings choose."""
    return Rule(
        min_impressions=settings.results_min_impressions,
        min_clicks=settings.results_min_clicks,
        alpha=settings.results_alpha,
    )


def performance(
    repo: Repository, campaign_id: str, *, rule: Rule | None = None, group_by: Sequence[str] | None = None
) -> dict[str, Any]:
    """The campaign's results report (a JSON-ready mapping); ``group_by`` limits the attributes compared."""
    rule = rule or Rule()
    wanted = list(group_by) if group_by else list(ATTRIBUTES)
    if unknown := [a for a in wanted if a not in ATTRIBUTES]:
        raise InputError(f"cannot group by {', '.join(unknown)}; group by {', '.join(ATTRIBUTES)}")
    if repo.campaign(campaign_id) is None:
        raise InputError(f"no campaign {campaign_id!r} in the database")
    versions = {v.ad_name: v for v in repo.versions(campaign_id)}
    rows = repo.metrics(campaign_id)
    named = {r.currency for r in rows}
    currencies = sorted(c for c in named if c)
    money = len(named) <= 1  # spend added across currencies (or to amounts in none named) would mean nothing
    per_ad: dict[str, Counts] = defaultdict(Counts)
    for r in rows:
        per_ad[r.ad_name] += Counts(r.impressions, r.clicks, r.conversions, r.spend)
    days = _days(rows)
    badges = rank(per_ad, metric="ctr", rule=rule, lead="all")
    current = {v.ad_name for v in repo.variants(campaign_id) if v.ad_name and v.status == "ok"}
    creatives = [
        _creative(versions[name], counts, badges[name], days.get(name, []), rule=rule, money=money, current=current)
        for name, counts in sorted(per_ad.items())
    ]
    attributes = {
        attr: _attribute(per_ad, versions, ATTRIBUTES[attr], rule=rule, money=money) for attr in wanted if per_ad
    }
    total = sum(per_ad.values(), Counts())
    return {
        "campaign_id": campaign_id,
        "rule": {
            "creatives": describe(rule, metric="ctr", lead="all", better="a winner", worse="an underperformer"),
            "ctr": describe(rule, metric="ctr", lead="majority"),
            "cvr": describe(rule, metric="cvr", lead="majority"),
            "caveat": CAVEAT,
            "min_impressions": rule.min_impressions,
            "min_clicks": rule.min_clicks,
            "alpha": rule.alpha,
            "confidence": rule.confidence,
            "correction": rule.correction,
        },
        "currency": currencies[0] if money and currencies else ("mixed" if currencies else None),
        "period": {
            "start": min(r.period_start for r in rows).isoformat() if rows else None,
            "end": max(r.period_end for r in rows).isoformat() if rows else None,
        },
        "totals": _numbers(total, rule=rule, money=money),
        "creatives": creatives,
        "badges": {  # of the current creatives with results
            badge: sum(1 for c in creatives if c["current"] and c["badge"] == badge)
            for badge in ("winner", "underperformer", "no clear difference", "not enough data yet")
        },
        "attributes": attributes,
        "without_results": sorted(current - set(per_ad)),
    }


def _days(rows: Sequence[t.AdMetric]) -> dict[str, list[Day]]:
    """Each ad's daily rows, one per day: the platforms it ran on added together (reach then unknown: one person
    may be reached on both); a day with more clicks than views (a click counted the day after) left out."""
    found: dict[str, dict[date, list[t.AdMetric]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.period_start == r.period_end:
            found[r.ad_name][r.period_start].append(r)
    out: dict[str, list[Day]] = {}
    for name, by_day in found.items():
        out[name] = [
            Day(
                day=day,
                impressions=sum(r.impressions for r in same),
                clicks=sum(r.clicks for r in same),
                reach=same[0].reach if len(same) == 1 else None,
            )
            for day, same in sorted(by_day.items())
            if sum(r.clicks for r in same) <= sum(r.impressions for r in same)
        ]
    return out


def _numbers(c: Counts, *, rule: Rule, money: bool) -> dict[str, Any]:
    # More clicks than impressions (a click counted on a later day than its view, on tiny numbers): no interval.
    ctr = wilson(c.clicks, c.impressions, confidence=rule.confidence) if c.clicks <= c.impressions else None
    cvr = None
    if c.clicks and c.conversions <= c.clicks:  # more: conversions not from a click, no proportion of clicks
        cvr = wilson(c.conversions, c.clicks, confidence=rule.confidence)
    return {
        "impressions": c.impressions,
        "clicks": c.clicks,
        "conversions": amount(c.conversions),
        "spend": round(c.spend, 2) if money else None,
        "ctr": rate(c.clicks, c.impressions),
        "ctr_interval": [ctr.low, ctr.high] if ctr else None,
        "ctr_pct": _pct(rate(c.clicks, c.impressions)),
        "ctr_interval_pct": [_pct(ctr.low), _pct(ctr.high)] if ctr else None,
        "cvr": rate(c.conversions, c.clicks),
        "cvr_interval": [cvr.low, cvr.high] if cvr else None,
        "cvr_pct": _pct(rate(c.conversions, c.clicks)),
        "cpc": per(c.spend, c.clicks) if money else None,
        "cpa": per(c.spend, c.conversions) if money else None,
    }


def _pct(value: float | None) -> float | None:
    """A rate as a percentage to two places, as texts about it write it."""
    return None if value is None else round(value * 100, 2)


def _verdict(r: Ranked) -> dict[str, Any]:
    return {
        "verdict": VERDICTS.get(r.standing, r.standing),
        "reason": r.reason,
        "p_adjusted": r.p_adjusted,
        "above": r.above,
        "below": r.below,
        "others_pct": _pct(r.others_rate),
    }


def _creative(
    v: t.CreativeVersion,
    counts: Counts,
    badge: Ranked,
    days: list[Day],
    *,
    rule: Rule,
    money: bool,
    current: set[str],
) -> dict[str, Any]:
    tired = fatigue(sorted(days, key=lambda d: d.day), rule=rule)
    return {
        "ad_name": v.ad_name,
        "product_id": v.product_id,
        "locale": v.locale,
        "aspect_ratio": v.aspect_ratio,
        "version": v.version,
        "current": v.ad_name in current,
        "copy": v.message,
        "hero": v.hero,
        **_numbers(counts, rule=rule, money=money),
        "days": len(days),
        "badge": BADGES.get(badge.standing, badge.standing),
        "badge_reason": badge.reason,
        "p_adjusted": badge.p_adjusted,
        "rest_ctr_pct": _pct(badge.others_rate),
        "daily": [
            {"day": d.day.isoformat(), "impressions": d.impressions, "clicks": d.clicks}
            for d in sorted(days, key=lambda d: d.day)
        ],
        "fatigue": asdict(tired) if tired else None,
    }


def _attribute(
    per_ad: dict[str, Counts],
    versions: dict[str, t.CreativeVersion],
    key: Callable[[t.CreativeVersion], str],
    *,
    rule: Rule,
    money: bool,
) -> list[dict[str, Any]]:
    groups: dict[str, Counts] = defaultdict(Counts)
    for name, counts in per_ad.items():
        groups[key(versions[name])] += counts
    ctr = rank(groups, metric="ctr", rule=rule, lead="majority")
    cvr = rank(groups, metric="cvr", rule=rule, lead="majority")
    return [
        {"value": value, **_numbers(counts, rule=rule, money=money), "ctr_verdict": _verdict(ctr[value])}
        | {"cvr_verdict": _verdict(cvr[value])}
        for value, counts in sorted(groups.items())
    ]
