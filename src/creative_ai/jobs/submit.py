"""Recording a job: one row per request, found again by its idempotency key."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from creative_ai.brief import CampaignBrief
from creative_ai.db.repository import Repository
from creative_ai.db.tables import Job
from creative_ai.errors import InputError


def request_sha256(brief: CampaignBrief, provider: str | None) -> str:
    raw = json.dumps([brief.model_dump(mode="json"), provider], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Submitted:
    job: Job
    created: bool


def submit_job(
    brief: CampaignBrief,
    *,
    repo: Repository,
    provider: str | None,
    idempotency_key: str | None,
    correlation_id: str | None = None,
) -> Submitted:
    """Record a queued job (or find the one this idempotency key already made). InputError if the key was used
    for a different request. ``repo`` is migrated (the front door opened it)."""
    sha = request_sha256(brief, provider)
    job, created = repo.create_job(
        job_id=uuid.uuid4().hex,
        campaign_id=brief.campaign_id,
        brief=brief.model_dump(mode="json", exclude_none=True),
        request_sha256=sha,
        provider=provider,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )
    if not created and job.request_sha256 != sha:
        raise InputError("Idempotency-Key was already used for a different request; use a new key")
    return Submitted(job, created)
