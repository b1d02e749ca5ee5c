"""The agent's rules: each looks at the facts and names the conditions that deserve an alert right now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from creative_ai.agent.condition import Condition
from creative_ai.agent.intake_rules import failed_run, inbox_rejections
from creative_ai.agent.results_rules import RESULTS_RULES, results_conditions
from creative_ai.agent.signoff_rules import RULE as SIGNOFF_RULE
from creative_ai.agent.signoff_rules import pending_signoffs
from creative_ai.db import tables as t
from creative_ai.errors import InputError
from creative_ai.facts import DuplicatePair, Facts, ProductVariants, classify
from creative_ai.facts.causes import final_failures
from creative_ai.logs import log

RULES = (
    "few_variants",
    "failure_burst",
    "provider_access",
    "stalled_job",
    "missing_inputs",
    "compliance",
    "near_duplicates",
    "run_failed",
    "inbox_rejected",
    "quality_checks",
    *RESULTS_RULES,
    SIGNOFF_RULE,
)
ACCESS_CAUSES = ("auth_or_licence", "quota")
PROVIDER_RULES = ("failure_burst", "provider_access")


def watched(facts: Facts, now: datetime, *, days: int = 7) -> list[t.Campaign]:
    """Campaigns updated recently or with results imported recently, and every campaign with an open alert (it
    stays watched until resolved)."""
    alerted = {a.campaign_id for a in facts.repo.alerts(status="active")}
    cutoff = now - timedelta(days=days)
    reported = facts.repo.campaigns_with_results(since=cutoff)  # results imported lately: worth a look too
    return [c for c in facts.repo.campaigns() if _aware(c.updated_at) >= cutoff or c.id in alerted | reported]


@dataclass
class Evaluation:
    """What the rules saw: the conditions, which (campaign, rule) pairs were looked at, the campaigns watched."""

    conditions: list[Condition]
    checked: set[tuple[str, str]]
    campaigns: list[str]


def evaluate(facts: Facts, now: datetime) -> Evaluation:
    """Every condition of every rule over the watched campaigns and the open jobs."""
    settings = facts.settings
    conditions: list[Condition] = []
    checked: set[tuple[str, str]] = {("*", "stalled_job"), ("*", "inbox_rejected")}
    since = now - timedelta(seconds=settings.agent_burst_window)
    jobs = facts.repo.jobs()
    campaigns = watched(facts, now)
    active = {(a.campaign_id, a.rule): a for a in facts.repo.alerts(status="active")}
    for campaign in campaigns:
        cid = campaign.id
        running = any(j.campaign_id == cid and j.status in ("queued", "running") for j in jobs)
        healthy = _aware(campaign.updated_at) if campaign.status == "succeeded" else None
        failing = _errors(facts, cid, since)
        if failing and healthy is not None and any((cid, c.rule) in active for c in failing):
            # An open provider incident is fixed by a run that succeeded after it: its errors before that run are
            # history. (A new incident in a run that still succeeded, on a fallback provider, is alerted.)
            failing = _errors(facts, cid, max(since, healthy))
        # A provider incident is over when the campaign is fixed, not when its errors age out of the window.
        held = [] if failing else _unrecovered(facts, cid, healthy, active)
        conditions += failing
        checked |= {(cid, rule) for rule in PROVIDER_RULES if rule not in held}
        if running or campaign.status == "running":
            continue  # the other rules judge finished work only (their alerts stay as they are meanwhile)
        # While a provider incident stands, the failed run and the products it left short are part of it: their own
        # alerts are neither raised nor judged clear (a false all-clear) until it is over.
        folded = ("few_variants", "run_failed") if failing or held else ()
        checked |= {
            (cid, rule)
            for rule in (
                "few_variants",
                "near_duplicates",
                "missing_inputs",
                "compliance",
                "run_failed",
                "quality_checks",
                *RESULTS_RULES,
                SIGNOFF_RULE,
            )
            if rule not in folded
        }
        try:
            products = [p.product_id for p in facts.repo.products(cid)]
            lines = [facts.product_variants(cid, p) for p in products]
        except InputError:
            continue
        # One incident, one alert: a run failed by a burst of provider errors is in that alert, and products short
        # of creatives because the provider failed or the run did are in the one about that.
        run = [] if failing or held else failed_run(campaign, facts.campaign_details(cid), jobs)
        conditions += run
        for pv in lines:
            if pv.distinct < settings.agent_min_distinct and not failing and not held and not run:
                conditions.append(
                    Condition(
                        cid,
                        "few_variants",
                        "warning",
                        f"{pv.product_id} has {pv.distinct} distinct creatives (fewer than "
                        f"{settings.agent_min_distinct})",
                        {
                            "product_id": pv.product_id,
                            "distinct": pv.distinct,
                            "ok": pv.ok,
                            "failed": pv.failed,
                            "threshold": settings.agent_min_distinct,
                            "missing_ratios": pv.missing_ratios,
                            "missing_locales": pv.missing_locales,
                        },
                    )
                )
        conditions += _near_duplicates(cid, lines)
        try:
            conditions += results_conditions(facts, cid)
        except InputError as exc:
            log.warning("results_rules_skipped", campaign_id=cid, error=str(exc))
            checked -= {(cid, rule) for rule in RESULTS_RULES}  # not judged: its alerts stay as they are
        conditions += pending_signoffs(facts, cid, now)
        conditions += _missing_inputs(facts, cid)
        report = facts.compliance_report(cid)
        # A failed check that blocks the creative (legal wording, legibility, logo, framing) is the legal desk's
        # business; one that only warns (a brand colour off) is the team's, and not critical.
        blocking = [f for f in report.failing if f.check in settings.blocking_checks]
        quality = [f for f in report.failing if f.check not in settings.blocking_checks]
        for rule, severity, found in (("compliance", "critical", blocking), ("quality_checks", "warning", quality)):
            if found:
                conditions.append(
                    Condition(
                        cid,
                        rule,
                        severity,
                        f"{len(found)} creative check(s) failed ({', '.join(sorted({f.check for f in found}))})",
                        {
                            "failing": [f.model_dump() for f in found[:20]],
                            "failing_total": len(found),
                            "by_check": report.by_check,
                        },
                    )
                )
    conditions += _stalled(jobs, now, sla=settings.agent_job_sla)
    conditions += inbox_rejections(settings.agent_inbox, jobs)
    return Evaluation(_one_per_rule(conditions), checked, [c.id for c in campaigns])


def _errors(facts: Facts, cid: str, since: datetime) -> list[Condition]:
    """Failures in the window, each counted once: a provider call's final failure (not its retried attempts),
    and the hero or render errors of products whose provider calls did not fail (those are the same failure)."""
    settings = facts.settings
    calls, errors = final_failures(facts.repo.recent_generations(since, cid), facts.repo.recent_errors(since, cid))
    causes = Counter(classify(g.outcome, g.error or "") for g in calls)
    failures = len(calls) + len(errors)
    window = int(settings.agent_burst_window // 60)
    if failures > settings.agent_burst_errors:
        cause = causes.most_common(1)[0][0] if causes else "unknown"
        return [
            Condition(
                cid,
                "failure_burst",
                "critical",
                f"{failures} failures in {window} minutes (likely cause: {cause})",
                {
                    "failures": failures,
                    "provider_failures": len(calls),
                    "variant_errors": len(errors),
                    "window_minutes": window,
                    "threshold": settings.agent_burst_errors,
                    "cause": cause,
                },
            )
        ]
    access = {c: n for c, n in causes.items() if c in ACCESS_CAUSES}
    if access:
        cause = max(access, key=lambda c: access[c])
        return [
            Condition(
                cid,
                "provider_access",
                "critical",
                f"provider refused access ({cause}) {sum(access.values())} time(s) in {window} minutes",
                {"cause": cause, "count": sum(access.values()), "window_minutes": window},
            )
        ]
    return []


def _unrecovered(facts: Facts, cid: str, healthy: datetime | None, active: dict[tuple[str, str], t.Alert]) -> list[str]:
    """The provider rules whose active alert on the campaign still stands though its failures left the window:
    nothing has shown the campaign fixed (no run of it succeeded since the incident began, no provider call of it
    has worked since the alert was last seen)."""
    held = []
    for rule in PROVIDER_RULES:
        alert = active.get((cid, rule))
        if alert is None:
            continue
        if healthy is not None and healthy > _aware(alert.first_seen):
            continue  # a run succeeded since the incident began, and no failure came after it
        if any(g.outcome == "ok" for g in facts.repo.recent_generations(_aware(alert.last_seen), cid)):
            continue
        held.append(rule)
    return held


def _near_duplicates(cid: str, lines: list[ProductVariants]) -> list[Condition]:
    """Creatives that look nearly the same. Two products that look the same at a ratio is the diversity problem
    (a warning naming the products); two ratios or heroes of one product that look alike is only worth knowing.
    The locales of one hero at one ratio are never a pair (the facts keep them apart)."""
    seen: set[frozenset[str]] = set()
    pairs: list[DuplicatePair] = []
    for d in (d for pv in lines for d in pv.near_duplicates):
        if (key := frozenset((d.a, d.b))) not in seen:
            seen.add(key)
            pairs.append(d)
    if not pairs:
        return []
    across = [d for d in pairs if d.across_products]
    products = sorted({tuple(sorted((d.a.split("/")[0], d.b.split("/")[0]))) for d in across})
    facts = {
        "pairs": [d.model_dump() for d in (across + [d for d in pairs if not d.across_products])[:20]],
        "pairs_total": len(pairs),
        "across_products": len(across),
        "product_pairs": [list(p) for p in products],
    }
    if across:
        names = "; ".join(f"{a} and {b}" for a, b in products)
        summary = f"{len(products)} pair(s) of products look the same ({names}): {len(across)} pair(s) of creatives"
        return [Condition(cid, "near_duplicates", "warning", summary, facts)]
    return [Condition(cid, "near_duplicates", "info", f"{len(pairs)} pair(s) of creatives look nearly the same", facts)]


def _missing_inputs(facts: Facts, cid: str) -> list[Condition]:
    generated = [g for g in facts.repo.generations(cid) if g.outcome == "ok" and g.cost_usd > 0]
    without = {p.product_id for p in facts.repo.products(cid) if p.input_asset is None}
    paid = [g for g in generated if g.product_id in without]
    if not paid:
        return []
    cost = round(sum(g.cost_usd for g in paid), 4)
    products = sorted({g.product_id for g in paid})
    return [
        Condition(
            cid,
            "missing_inputs",
            "info",
            f"{len(products)} product(s) had no packshot; {len(paid)} hero(es) generated for ${cost}",
            {"products": products, "heroes_generated": len(paid), "cost_usd": cost},
        )
    ]


def _stalled(jobs: list[t.Job], now: datetime, *, sla: float) -> list[Condition]:
    out = []
    for job in jobs:
        if job.status not in ("queued", "running"):
            continue
        since = _aware(job.started_at or job.created_at)
        minutes = (now - since).total_seconds() / 60
        if minutes * 60 > sla:
            out.append(
                Condition(
                    job.campaign_id,
                    "stalled_job",
                    "critical",
                    f"job {job.id} has been {job.status} for {int(minutes)} minutes (SLA {int(sla // 60)})",
                    {
                        "job_id": job.id,
                        "status": job.status,
                        "minutes": int(minutes),
                        "sla_minutes": int(sla // 60),
                        "progress_done": job.progress_done,
                        "progress_total": job.progress_total,
                    },
                )
            )
    return out


def _one_per_rule(conditions: list[Condition]) -> list[Condition]:
    """One condition per (campaign, rule): several products or jobs fold into one alert."""
    merged: dict[tuple[str, str], Condition] = {}
    for c in conditions:
        key = (c.campaign_id, c.rule)
        if key not in merged:
            merged[key] = c
            continue
        first = merged[key]
        items = [*first.facts.get("items", [first.facts]), c.facts]
        merged[key] = Condition(
            first.campaign_id, first.rule, first.severity, f"{first.summary}; {c.summary}", {"items": items}
        )
    return list(merged.values())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
