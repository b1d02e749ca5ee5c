"""Rules about work that did not become creatives: briefs the inbox rejected, and runs that ended failed or
partial. Each condition holds while the fact does (the file still lies in ``rejected/``, the campaign's latest run
is still the failed one) and clears when it is fixed, not when a window passes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from creative_ai.agent.condition import Condition
from creative_ai.brief import read_brief_file
from creative_ai.db import tables as t
from creative_ai.errors import CreativeAIError
from creative_ai.facts.models import CampaignDetails

ERROR_SUFFIX = ".error.txt"


def inbox_rejections(inbox: Path, jobs: list[t.Job]) -> list[Condition]:
    """One condition per campaign (or "" for a file without a readable campaign id) with briefs lying in
    ``rejected/``, unless a job of that campaign was submitted after the file was rejected."""
    folder = inbox / "rejected"
    if not folder.is_dir():
        return []
    submitted: dict[str, datetime] = {}
    for job in jobs:
        created = _aware(job.created_at)
        submitted[job.campaign_id] = max(submitted.get(job.campaign_id, created), created)
    found: dict[str, list[dict[str, str]]] = {}
    for note in sorted(folder.glob(f"*{ERROR_SUFFIX}")):
        brief = note.with_name(note.name.removesuffix(ERROR_SUFFIX))
        if not brief.is_file():
            continue  # the operator took the brief away: nothing left to fix
        campaign = _campaign_of(brief)
        rejected_at = datetime.fromtimestamp(note.stat().st_mtime, UTC)
        if campaign and submitted.get(campaign, rejected_at) > rejected_at:
            continue  # fixed: the campaign was submitted again since
        reason = note.read_text(encoding="utf-8", errors="replace").strip()
        found.setdefault(campaign, []).append({"file": brief.name, "reason": reason[:500]})
    return [
        Condition(
            campaign,
            "inbox_rejected",
            "warning",
            f"{len(files)} brief(s) dropped in the inbox were rejected ({', '.join(f['file'] for f in files[:5])})",
            {"files": files[:20], "rejected": len(files)},
        )
        for campaign, files in found.items()
    ]


def failed_run(campaign: t.Campaign, details: CampaignDetails, jobs: list[t.Job]) -> list[Condition]:
    """A condition while the campaign's latest run (a job, or a run from the command line) ended failed or
    partial; the counts are the facts' (what ``get_campaign_details`` says), the job's error when it has one."""
    if campaign.status not in ("failed", "partial"):
        return []
    mine = [j for j in jobs if j.campaign_id == campaign.id and j.status not in ("queued", "running")]
    job = max(mine, key=lambda j: _aware(j.finished_at or j.created_at)) if mine else None
    made, total = details.variants_ok, details.variants_total
    said = f"the latest run ended {campaign.status}: {made} of {total} creatives made"
    error = job.error if job is not None and job.status == campaign.status else None
    if error:
        said += f" ({error.splitlines()[0][:200]})"
    return [
        Condition(
            campaign.id,
            "run_failed",
            "critical" if campaign.status == "failed" else "warning",
            said,
            {
                "status": campaign.status,
                "variants_ok": made,
                "variants_total": total,
                "job_id": job.id if job is not None else None,
                "error": error,
            },
        )
    ]


def _campaign_of(file: Path) -> str:
    try:
        data = read_brief_file(file)
    except CreativeAIError:
        return ""
    value = data.get("campaign_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
