"""Running a job: the database holds each job's state; a queue only says which job to run next."""

from __future__ import annotations

from typing import Any

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.db.tables import Job
from creative_ai.errors import ComplianceError, CreativeAIError, InputError
from creative_ai.jobs.fanout import fan_out
from creative_ai.jobs.outcome import confined_brief, fail_job, record_outcome
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import correlation, log
from creative_ai.pipeline.record import record_plan_failure
from creative_ai.runtime import Runtime


def execute_job(
    job_id: str,
    *,
    settings: Settings,
    repo: Repository,
    queue: JobQueue | None = None,
    checks: CheckSuite | None = None,
) -> None:
    """Run one job to its end, recording progress and outcome in the database.

    With a ``queue``, the job fans out: one part per product (one product too: its part has a claim kept by a
    heartbeat, so a job sent twice or a worker that died never runs it twice at once), each queued for whichever
    worker is free (:func:`execute_part`); the part that finishes last publishes the campaign.
    ``checks`` is the process's check suite (one painted-text reading per hero across its jobs).
    """
    job = repo.job(job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    with correlation(job.correlation_id, job_id=job_id, campaign_id=job.campaign_id):
        log.info("job_started", redelivered=job.status == "running")
        listed: Any = job.brief.get("products", [])
        products = [str(p["id"]) for p in listed]
        if queue is None or not settings.fan_out or not products:
            _execute(job, settings=settings, repo=repo, checks=checks)
            return
        fan_out(job, products, settings=settings, repo=repo, queue=queue, checks=checks)


def _execute(job: Job, *, settings: Settings, repo: Repository, checks: CheckSuite | None) -> None:
    job_id = job.id
    repo.update_job(job_id, status="running", started_at=utcnow(), error=None)
    brief = None
    try:
        brief = confined_brief(job.brief, assets_dir=settings.assets_dir)
        runtime = Runtime.open(settings, repo=repo, checks=checks)
        chain = runtime.chain(provider=job.provider)

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "render":
                repo.update_job(job_id, progress_done=done, progress_total=total)

        summary = runtime.run(brief, chain=chain, progress=progress)
    except InputError as exc:
        if brief is not None and not isinstance(exc, ComplianceError):  # a refusal the run recorded itself
            # Refused before anything was made (a missing packshot): the campaign's facts say so, and why.
            record_plan_failure(brief, str(exc), repo=repo, display_root=settings.store_url or str(settings.output_dir))
        fail_job(job, str(exc), repo=repo)
        return
    except CreativeAIError as exc:
        fail_job(job, str(exc), repo=repo)
        return
    except Exception as exc:  # noqa: BLE001 anything else must still end the job, not leave it running
        fail_job(job, f"internal error ({type(exc).__name__})", repo=repo)
        log.exception("job_crashed")
        return
    record_outcome(job_id, summary, repo=repo)
