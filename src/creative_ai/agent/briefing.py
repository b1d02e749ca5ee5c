"""What a draft tells beside the tools' facts, worked out once from the data: the review gallery's link, the
incident's one count, and for a stakeholder e-mail the plan, the ETA (with its assumption) and the contact.

Every number a drafter may write comes from here or from a tool's answer, so the fact check can verify it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from creative_ai.config import Settings
from creative_ai.facts import Facts
from creative_ai.facts.causes import ADVICE, OPERATOR_NOTES, PLAIN
from creative_ai.facts.select import current_variants, find_campaign

# The rule's fact that counts an incident: an alert tells that number and no other count of failures.
INCIDENT_COUNTS = {"failure_burst": "failures", "provider_access": "count"}


def gallery_link(settings: Settings, campaign_id: str) -> str:
    """The campaign's review gallery: the served page when the service's public URL is known, else the gallery
    file the run wrote under the output folder."""
    if settings.public_url:
        return f"{settings.public_url.rstrip('/')}/gallery/{campaign_id}"
    return str((settings.output_dir / campaign_id / "index.html").resolve())


def incident_count(rule: str, facts: dict[str, Any]) -> int | None:
    """The one count of an alert's incident (None when its rule has none, or several conditions folded in)."""
    key = INCIDENT_COUNTS.get(rule)
    value = facts.get(key) if key else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def alert_facts(settings: Settings | None, campaign_id: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The rule's facts plus the gallery link and the likely cause in plain words."""
    extra: dict[str, Any] = {}
    if settings is not None and campaign_id:
        extra["gallery"] = gallery_link(settings, campaign_id)
    cause = facts.get("cause")
    if isinstance(cause, str) and cause in PLAIN:
        extra["cause_words"] = PLAIN[cause]
        extra["cause_advice"] = ADVICE[cause]
        extra["operator_notes"] = OPERATOR_NOTES[cause]
    return {**facts, **extra}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_per_creative(facts: Facts, campaign_id: str) -> tuple[float | None, str]:
    """Observed seconds per creative and where they were seen: finished jobs' run time over the creatives they
    made, else the span of the creatives of the last run; (None, "") without either."""
    done = [
        j
        for j in facts.repo.jobs()
        if j.campaign_id == campaign_id and j.started_at and j.finished_at and j.progress_done > 0
    ]
    if done:
        spent = sum(
            (_aware(j.finished_at) - _aware(j.started_at)).total_seconds()
            for j in done
            if j.finished_at and j.started_at
        )
        return max(spent / sum(j.progress_done for j in done), 0.1), "jobs"
    ok = [v for v in current_variants(facts.repo, find_campaign(facts.repo, campaign_id)) if v.status == "ok"]
    if not ok:
        return None, ""
    first = min(_aware(v.created_at) for v in ok)
    last = max(_aware(v.updated_at) for v in ok)
    return max((last - first).total_seconds() / len(ok), 0.1), "run"


def email_facts(facts: Facts, campaign_id: str) -> dict[str, Any]:
    """The plan, what is left, the ETA and its assumption, the cause in plain words, the gallery and the contact."""
    settings = facts.settings
    campaign = find_campaign(facts.repo, campaign_id)
    details = facts.campaign_details(campaign_id)
    brief: dict[str, Any] = dict(campaign.brief)
    locales = brief.get("locales") or [brief.get("locale") or "en"]
    planned = max(
        len(brief.get("products") or details.products)
        * len(brief.get("aspect_ratios") or details.aspect_ratios)
        * len(locales),
        details.variants_total,
    )
    ready = details.variants_ok
    remaining = max(planned - ready, 0)
    pace, seen_in = seconds_per_creative(facts, campaign_id)
    pace = round(pace, 1) if pace is not None else None
    eta = math.ceil(remaining * pace / 60) if pace is not None and remaining else None
    cause = facts.root_cause(campaign_id).cause
    return {
        "planned": planned,
        "ready": ready,
        "remaining": remaining,
        "seconds_per_creative": pace,
        "timed_by": seen_in,
        "eta_minutes": eta,
        "cause": cause,
        "cause_words": PLAIN[cause],
        "gallery": gallery_link(settings, campaign_id),
        "contact_name": settings.agent_contact_name or "",
        "contact_email": settings.agent_contact_email or "",
    }
