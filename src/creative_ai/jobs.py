"""Asynchronous campaign runs. The database holds each job's state; a queue only says which job to run next.

Without a broker the embedded :class:`InProcessJobs` runs jobs on a small thread pool in the serving process.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from creative_ai.brief import CampaignBrief, parse_brief
from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.db.tables import Job
from creative_ai.errors import CreativeAIError, InputError
from creative_ai.logs import correlation, log
from creative_ai.pipeline import publish_campaign, run_campaign
from creative_ai.providers.selection import current_selection, resolve_chain
from creative_ai.storage import make_store
from creative_ai.summary import RunSummary, summary_from_dict


def confined_brief(data: Any, *, assets_dir: Path) -> CampaignBrief:
    """A brief that arrived over the network: asset paths must stay inside the assets folder."""
    brief = parse_brief(data, base_dir=assets_dir, source="(request body)")
    paths = [(f"products[{i}].image", p.image) for i, p in enumerate(brief.products) if p.image]
    if brief.brand and brief.brand.logo:
        paths.append(("brand.logo", brief.brand.logo))
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
        try:
            _prepare(job, settings=settings, repo=repo)
        except CreativeAIError as exc:
            repo.update_job(job_id, status="failed", error=str(exc), finished_at=utcnow())
            log.warning("job_failed", error=type(exc).__name__)
            return
        parts = repo.ensure_parts(job_id, products)
        pending = [p.product_id for p in parts if p.status not in ("done", "failed")]
        log.info("job_fanned_out", parts=len(parts), pending=len(pending))
        for product_id in pending:
            queue.enqueue_part(job_id, product_id)
        if not pending:
            _finish_if_complete(job_id, settings=settings, repo=repo)


def _prepare(job: Job, *, settings: Settings, repo: Repository) -> None:
    """Check the brief and provider selection once, before any part runs; record the job running."""
    brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
    resolve_chain(current_selection(settings, repo, flag=job.provider), settings=settings)
    total = len(brief.products) * len(brief.target_locales) * len(brief.aspect_ratios)
    values: dict[str, Any] = {"status": "running", "error": None, "progress_total": total}
    if job.started_at is None:
        values["started_at"] = utcnow()
    repo.update_job(job.id, **values)


def execute_part(job_id: str, product_id: str, *, settings: Settings, repo: Repository) -> None:
    """Make one product of a fanned-out job; publish the campaign when it was the last part."""
    job = repo.job(job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    with correlation(job.correlation_id, job_id=job_id, campaign_id=job.campaign_id, product_id=product_id):
        if repo.start_part(job_id, product_id, worker=worker_name()):
            log.info("part_started")
            try:
                brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
                chain = resolve_chain(current_selection(settings, repo, flag=job.provider), settings=settings)
                store, display_root = make_store(settings)

                def progress(stage: str, done: int, total: int) -> None:
                    if stage == "render":
                        repo.update_part(job_id, product_id, progress_done=done, progress_total=total)

                summary = run_campaign(
                    brief,
                    provider=chain,
                    store=store,
                    repo=repo,
                    settings=settings,
                    display_root=display_root,
                    products=[product_id],
                    publish=False,
                    progress=progress,
                )
            except CreativeAIError as exc:
                repo.update_part(job_id, product_id, status="failed", error=str(exc), finished_at=utcnow())
                log.warning("part_failed", error=type(exc).__name__)
            else:
                repo.update_part(
                    job_id,
                    product_id,
                    status="done",
                    summary=summary.to_dict(),
                    progress_done=summary.variants_total,
                    progress_total=summary.variants_total,
                    finished_at=utcnow(),
                )
                log.info("part_finished", status=summary.status, provider_calls=summary.provider_calls)
        _finish_if_complete(job_id, settings=settings, repo=repo)


def _finish_if_complete(job_id: str, *, settings: Settings, repo: Repository) -> None:
    """When every part has ended, publish the campaign and record the job's outcome (idempotent)."""
    job = repo.job(job_id)
    parts = repo.parts(job_id)
    if job is None or job.status not in ("queued", "running") or any(p.status not in ("done", "failed") for p in parts):
        return
    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        chain = resolve_chain(current_selection(settings, repo, flag=job.provider), settings=settings)
        store, display_root = make_store(settings)
        started = job.started_at or job.created_at
        summary = publish_campaign(
            brief,
            [summary_from_dict(p.summary) for p in parts if p.status == "done" and p.summary],
            failed_parts={p.product_id: p.error or "failed" for p in parts if p.status == "failed"},
            provider=chain[0],
            store=store,
            repo=repo,
            settings=settings,
            display_root=display_root,
            duration_s=(utcnow() - _aware(started)).total_seconds(),
        )
    except CreativeAIError as exc:
        repo.update_job(job_id, status="failed", error=str(exc), finished_at=utcnow())
        log.warning("job_failed", error=type(exc).__name__)
        return
    _record_outcome(job_id, summary, repo=repo)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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
        repo.update_job(job_id, status="failed", error=str(exc), finished_at=utcnow())
        log.warning("job_failed", error=type(exc).__name__)
        return
    _record_outcome(job_id, summary, repo=repo)


def _record_outcome(job_id: str, summary: RunSummary, *, repo: Repository) -> None:
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
        self._pool.submit(execute_part, job_id, product_id, settings=self.settings, repo=self.repo)

    def ping(self) -> tuple[bool, str]:
        return True, "in-process jobs (no broker configured)"

    def close(self) -> None:
        self._pool.shutdown(wait=True)
