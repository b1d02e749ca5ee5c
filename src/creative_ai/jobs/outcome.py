"""How a job ends: its brief checked as it arrived over the network, and its outcome recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creative_ai.assets import confined
from creative_ai.brief import CampaignBrief, parse_brief
from creative_ai.db.repository import Repository, utcnow
from creative_ai.db.tables import Job
from creative_ai.logs import log
from creative_ai.records import RunSummary


def confined_brief(data: Any, *, assets_dir: Path) -> CampaignBrief:
    """A brief that arrived over the network: asset and legal-rule paths must stay inside the assets folder, symbolic
    links followed."""
    brief = parse_brief(data, base_dir=assets_dir, source="(request body)")
    paths = [(f"products[{i}].image", p.image) for i, p in enumerate(brief.products) if p.image]
    if brief.brand:
        for name in ("logo", "logo_light", "logo_dark"):
            if value := getattr(brief.brand, name):
                paths.append((f"brand.{name}", value))
    paths += [(f"legal_rules[{i}]", p) for i, p in enumerate(brief.legal_rules)]
    for field, value in paths:
        confined(assets_dir, value, field=field)
    return brief


def fail_job(job: Job, error: str, *, repo: Repository) -> None:
    """End a job as failed; its campaign, if the run had recorded it as running, is failed too."""
    repo.update_job(job.id, status="failed", error=error, finished_at=utcnow())
    campaign = repo.campaign(job.campaign_id)
    if campaign is not None and campaign.status == "running":
        repo.set_campaign_status(job.campaign_id, "failed")
    log.warning("job_failed", error=error[:200])


def record_outcome(job_id: str, summary: RunSummary, *, repo: Repository) -> None:
    repo.update_job(
        job_id,
        status=summary.status,
        summary=summary.to_dict(),
        progress_done=summary.variants_total,
        progress_total=summary.variants_total,
        finished_at=utcnow(),
    )
    log.info(
        "job_finished",
        status=summary.status,
        variants_ok=summary.variants_ok,
        variants_failed=summary.variants_failed,
        provider_calls=summary.provider_calls,
    )
