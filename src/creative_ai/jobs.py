"""Asynchronous campaign runs. The database holds each job's state; a queue only says which job to run next.

Without a broker the embedded :class:`InProcessJobs` runs jobs on a small thread pool in the serving process.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creative_ai.brief import CampaignBrief, parse_brief
from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.db.tables import Job
from creative_ai.errors import CreativeAIError, InputError
from creative_ai.logs import correlation, log
from creative_ai.pipeline import run_campaign
from creative_ai.providers.selection import current_selection, resolve_chain
from creative_ai.storage import make_store
from creative_ai.summary import RunSummary


def confined_brief(data: Any, *, assets_dir: Path) -> CampaignBrief:
    """A brief that arrived over the network: asset paths must stay inside the assets folder."""
    brief = parse_brief(data, base_dir=assets_dir, source="(request body)")
    paths = [(f"products[{i}].image", p.image) for i, p in enumerate(brief.products) if p.image]
    if brief.brand and brief.brand.logo:
        paths.append(("brand.logo", brief.brand.logo))
    paths += [(f"legal_rules[{i}]", p) for i, p in enumerate(brief.legal_rules)]
    for field, value in paths:
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise InputError(f"{field}: {value!r} must be a path inside the assets folder (no absolute path, no '..')")
    return brief


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
    for a different request."""
    repo.migrate()
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


def execute_job(job_id: str, *, settings: Settings, repo: Repository, queue: JobQueue | None = None) -> None:
    """Run one job to its end, recording progress and outcome in the database.

    With a ``queue`` and more than one product, the job fans out: one part per product, each queued for
    whichever worker is free (:func:`execute_part`); the part that finishes last publishes the campaign.
    """
    job = repo.job(job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    with correlation(job.correlation_id, job_id=job_id, campaign_id=job.campaign_id):
        log.info("job_started", redelivered=job.status == "running")
        listed: Any = job.brief.get("products", [])
        products = [str(p["id"]) for p in listed]
        if queue is None or not settings.fan_out or len(products) < 2:
            _execute(job, settings=settings, repo=repo)
            return
        from creative_ai.fanout import fan_out

        fan_out(job, products, settings=settings, repo=repo, queue=queue)


def _execute(job: Job, *, settings: Settings, repo: Repository) -> None:
    job_id = job.id
    repo.update_job(job_id, status="running", started_at=utcnow(), error=None)
    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        chain = resolve_chain(current_selection(settings, repo, flag=job.provider), settings=settings)
        store, display_root = make_store(settings)

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "render":
                repo.update_job(job_id, progress_done=done, progress_total=total)

        summary = run_campaign(
            brief,
            provider=chain,
            store=store,
            repo=repo,
            settings=settings,
            display_root=display_root,
            progress=progress,
        )
    except CreativeAIError as exc:
        fail_job(job, str(exc), repo=repo)
        return
    except Exception as exc:  # noqa: BLE001 anything else must still end the job, not leave it running
        fail_job(job, f"internal error ({type(exc).__name__})", repo=repo)
        log.exception("job_crashed")
        return
    record_outcome(job_id, summary, repo=repo)


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


class JobQueue(ABC):
    """Where jobs and job parts go to be run."""

    @abstractmethod
    def enqueue(self, job_id: str) -> None:
        """Arrange for the job to be run."""

    @abstractmethod
    def enqueue_part(self, job_id: str, product_id: str) -> None:
        """Arrange for one product of a fanned-out job to be run."""

    def ping(self) -> tuple[bool, str]:
        """Whether jobs can be queued right now, and how."""
        return True, "in-process"

    def close(self) -> None:
        return None


class InProcessJobs(JobQueue):
    """Runs jobs on a thread pool inside the serving process (the embedded default)."""

    def __init__(self, *, settings: Settings, repo: Repository, workers: int = 2) -> None:
        self.settings, self.repo = settings, repo
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")

    def enqueue(self, job_id: str) -> None:
        self._pool.submit(execute_job, job_id, settings=self.settings, repo=self.repo, queue=self)

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        from creative_ai.fanout import execute_part

        self._pool.submit(execute_part, job_id, product_id, settings=self.settings, repo=self.repo)

    def ping(self) -> tuple[bool, str]:
        return True, "in-process jobs (no broker configured)"

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def make_queue(settings: Settings, repo: Repository) -> JobQueue:
    """Celery workers when a broker is configured, otherwise the in-process executor."""
    if settings.broker_url:
        from creative_ai.worker import CeleryJobs, make_celery

        return CeleryJobs(make_celery(settings))
    return InProcessJobs(settings=settings, repo=repo)
