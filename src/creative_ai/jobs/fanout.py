"""A job with several products, run as one part per product by whichever worker claims it.

Claims are kept alive by a heartbeat; a part whose worker died is claimed again once its heartbeat is older than
the lease (half the broker's visibility timeout), at most ``MAX_PART_ATTEMPTS`` times. The part that finds every
part ended claims the job's publication and writes the manifest, gallery and summary once.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Literal

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.db.tables import Job
from creative_ai.db.unset import UNSET
from creative_ai.errors import ComplianceError, CreativeAIError, InputError
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.outcome import confined_brief, fail_job, record_outcome
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import correlation, log
from creative_ai.pipeline import publish_campaign
from creative_ai.pipeline.claims import beating
from creative_ai.pipeline.plan import plan_campaign
from creative_ai.pipeline.record import record_plan_failure, record_refusal
from creative_ai.providers.selection import current_selection, resolve_chain
from creative_ai.records import summary_from_dict
from creative_ai.render.text import FontBook
from creative_ai.runtime import Runtime
from creative_ai.scrub import scrub

MAX_PART_ATTEMPTS = 3
PartResult = Literal["ran", "busy", "finished", "exhausted", "gone"]


def lease_for(settings: Settings) -> float:
    return max(1.0, settings.job_visibility_timeout / 2)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def fan_out(
    job: Job,
    products: list[str],
    *,
    settings: Settings,
    repo: Repository,
    queue: JobQueue,
    checks: CheckSuite | None = None,
) -> None:
    """Check the job once, record its parts, and queue every part not yet ended.

    The check is the plan stage over the whole brief (assets, legal, fonts; no translation): a brief one run would
    refuse fails the job here, before any part makes anything, as it would without fan-out.
    """
    brief = None
    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        resolve_chain(current_selection(settings, repo, flag=job.provider), settings=settings)
        plan_campaign(
            brief,
            assets_dir=settings.assets_dir,
            max_pixels=settings.max_image_pixels,
            book=FontBook.default(),
            hero_strategy=settings.hero_strategy,
        )
    except ComplianceError as refused:  # as a run would: the campaign is recorded as refused, with what refused it
        if brief is not None:
            record_refusal(brief, refused, repo=repo, display_root=settings.store_url or str(settings.output_dir))
        fail_job(job, str(refused), repo=repo)
        return
    except InputError as exc:  # the brief cannot be planned as written: its campaign says so, and why
        if brief is not None:
            record_plan_failure(brief, str(exc), repo=repo, display_root=settings.store_url or str(settings.output_dir))
        fail_job(job, str(exc), repo=repo)
        return
    except CreativeAIError as exc:
        fail_job(job, str(exc), repo=repo)
        return
    total = len(brief.products) * len(brief.target_locales) * len(brief.aspect_ratios)
    started_at = utcnow() if job.started_at is None else UNSET
    repo.update_job(job.id, status="running", error=None, progress_total=total, started_at=started_at)
    parts = repo.ensure_parts(job.id, products)
    pending = [p.product_id for p in parts if p.status not in ("done", "failed")]
    log.info("job_fanned_out", parts=len(parts), pending=len(pending))
    for product_id in pending:
        dispatch(queue, repo, job.id, product_id)  # a part the broker cannot take now is sent by a reconciler
    if not pending:
        finish_if_complete(job.id, settings=settings, repo=repo, checks=checks)


def execute_part(
    job_id: str, product_id: str, *, settings: Settings, repo: Repository, checks: CheckSuite | None = None
) -> PartResult:
    """Make one product of a fanned-out job; publish the campaign when it was the last part.

    ``busy`` means another worker holds a live claim on the part: the caller may look again after the lease.
    """
    job = repo.job(job_id)
    if job is None or job.status not in ("queued", "running"):
        return "gone"
    with correlation(job.correlation_id, job_id=job_id, campaign_id=job.campaign_id, product_id=product_id):
        state, attempt = repo.claim_part(
            job_id, product_id, worker=worker_name(), lease_s=lease_for(settings), max_attempts=MAX_PART_ATTEMPTS
        )
        result: PartResult = "finished"
        if state == "busy":
            return "busy"
        if state == "exhausted":
            log.warning("part_abandoned", attempts=attempt)
            result = "exhausted"
        if state == "claimed":
            _run_part(job, product_id, attempt, settings=settings, repo=repo, checks=checks)
            result = "ran"
        finish_if_complete(job_id, settings=settings, repo=repo, checks=checks)
        return result


def _run_part(
    job: Job, product_id: str, attempt: int, *, settings: Settings, repo: Repository, checks: CheckSuite | None
) -> None:
    log.info("part_started", attempt=attempt)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "render":
            repo.beat_part(job.id, product_id, attempt, progress_done=done, progress_total=total)
        else:
            repo.beat_part(job.id, product_id, attempt)

    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        runtime = Runtime.open(settings, repo=repo, checks=checks)
        chain = runtime.chain(provider=job.provider)
        with beating(lambda: repo.beat_part(job.id, product_id, attempt), every=lease_for(settings) / 3):
            summary = runtime.run(brief, chain=chain, products=[product_id], publish=False, progress=progress)
    except CreativeAIError as exc:
        repo.finish_part(job.id, product_id, attempt, status="failed", error=scrub(str(exc), settings))
        log.warning("part_failed", error=type(exc).__name__)
        return
    except Exception as exc:  # noqa: BLE001 the part must end, or its job stays running for ever
        repo.finish_part(job.id, product_id, attempt, status="failed", error=f"internal error ({type(exc).__name__})")
        log.exception("part_crashed")
        return
    recorded = repo.finish_part(
        job.id,
        product_id,
        attempt,
        status="done",
        summary=summary.to_dict(),
        progress_done=summary.variants_total,
        progress_total=summary.variants_total,
    )
    log.info("part_finished", status=summary.status, provider_calls=summary.provider_calls, recorded=recorded)


def finish_if_complete(job_id: str, *, settings: Settings, repo: Repository, checks: CheckSuite | None = None) -> None:
    """When every part has ended, publish the campaign and record the job's outcome (one caller does it)."""
    job = repo.job(job_id)
    parts = repo.parts(job_id)
    if job is None or job.status not in ("queued", "running") or any(p.status not in ("done", "failed") for p in parts):
        return
    if not repo.claim_publish(job_id, lease_s=lease_for(settings)):
        return
    done = [summary_from_dict(p.summary) for p in parts if p.status == "done" and p.summary]
    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        runtime = Runtime.open(settings, repo=repo, checks=checks)
        if done:
            provider, model = done[0].provider, done[0].model
        else:
            first = runtime.chain(provider=job.provider)[0]
            provider, model = first.name, first.model
        started = job.started_at or job.created_at
        summary = publish_campaign(
            brief,
            done,
            failed_parts={p.product_id: p.error or "failed" for p in parts if p.status == "failed"},
            provider=provider,
            model=model,
            store=runtime.store,
            repo=repo,
            display_root=runtime.display_root,
            duration_s=(utcnow() - _aware(started)).total_seconds(),
        )
    except CreativeAIError as exc:
        fail_job(job, scrub(str(exc), settings), repo=repo)
        return
    except Exception as exc:  # noqa: BLE001 publication must end the job either way
        fail_job(job, f"internal error while publishing ({type(exc).__name__})", repo=repo)
        log.exception("publish_crashed")
        return
    record_outcome(job_id, summary, repo=repo)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
