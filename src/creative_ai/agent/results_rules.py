"""Rules on what the ad platforms reported: a creative that does significantly worse than most of its campaign's others
(``underperformer``), and one that does significantly better (``clear_winner``). Both judge only what the results
report judged significant (its Holm-corrected test with minimum samples): noise raises nothing."""

from __future__ import annotations

from typing import Any

from creative_ai.agent.condition import Condition
from creative_ai.facts import Facts

RESULTS_RULES = ("underperformer", "clear_winner")


def results_conditions(facts: Facts, campaign_id: str) -> list[Condition]:
    """The campaign's underperformers and clear winners among its current creatives, each with its numbers and a
    suggested next step; nothing when it has no results."""
    report = facts.performance(campaign_id)
    current = [c for c in report.creatives if c.get("current")]
    if not current:
        return []
    losers = [c for c in current if c["badge"] == "underperformer"]
    winners = [c for c in current if c["badge"] == "winner"]
    better = {
        attr: [g["value"] for g in groups if g["ctr_verdict"]["verdict"] == "better"]
        for attr, groups in report.attributes.items()
    }
    rule = report.rule["creatives"]
    out = []
    if losers:
        best = winners[0]["ad_name"] if winners else None
        out.append(
            Condition(
                campaign_id,
                "underperformer",
                "warning",
                f"{len(losers)} creative(s) have a CTR significantly below most of the campaign's other creatives",
                {
                    "creatives": [_line(c) for c in losers[:20]],
                    "creatives_total": len(losers),
                    "rule": rule,
                    "next_step": "Pause these ads or move their budget to the better ones"
                    + (f" (such as {best})" if best else "")
                    + "; try another copy or hero for them in the next brief.",
                },
            )
        )
    if winners:
        copy = better.get("copy", [])
        out.append(
            Condition(
                campaign_id,
                "clear_winner",
                "info",
                f"{len(winners)} creative(s) have a CTR significantly above every other creative of the campaign",
                {
                    "creatives": [_line(c) for c in winners[:20]],
                    "creatives_total": len(winners),
                    "better_values": {a: v for a, v in better.items() if v},
                    "rule": rule,
                    "next_step": (f"Reuse the winning copy ({copy[0]!r}) in the next brief" if copy else "")
                    + ("; " if copy else "")
                    + "give the winners more of the budget, and keep them running while their CTR holds.",
                },
            )
        )
    return out


def _line(c: dict[str, Any]) -> dict[str, Any]:
    """What an alert says of one creative."""
    return {
        key: c[key]
        for key in (
            "ad_name",
            "product_id",
            "locale",
            "aspect_ratio",
            "copy",
            "hero",
            "impressions",
            "clicks",
            "ctr_pct",
            "ctr_interval_pct",
            "rest_ctr_pct",
            "p_adjusted",
            "badge_reason",
        )
    }
