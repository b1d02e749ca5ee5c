"""Asynchronous jobs: submit (202, Idempotency-Key honoured) and poll."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from creative_ai.api.auth import requires
from creative_ai.api.body import read_json
from creative_ai.api.deps import Protected, QueueDep, RepoDep, RuntimeDep, SettingsDep
from creative_ai.api.errors import public_data, server_roots
from creative_ai.api.schemas import BAD_BRIEF, FORBIDDEN, NOT_FOUND, UNAUTHORIZED, JobAccepted, JobStatus, brief_body
from creative_ai.api.seed import no_seed_keys, seed_keys
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.outcome import confined_brief
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.submit import submit_job
from creative_ai.people import SUBMIT
from creative_ai.pipeline.budget import brief_within_budget
from creative_ai.runtime import Runtime

router = APIRouter(tags=["jobs"], dependencies=Protected, responses=UNAUTHORIZED)


@router.post(
    "/campaigns/jobs",
    status_code=202,
    response_model=JobAccepted,
    dependencies=[requires(SUBMIT)],
    responses={**BAD_BRIEF, **FORBIDDEN},
    openapi_extra=brief_body(example=True),
)
async def submit(
    request: Request,
    settings: SettingsDep,
    repo: RepoDep,
    queue: QueueDep,
    runtime: RuntimeDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Queue a campaign run; the same Idempotency-Key with the same body returns the same job. A brief whose
    estimate is over the spend cap (CREATIVE_AI_MAX_COST) is refused here, before it is queued."""
    data = await read_json(request, limit=settings.max_body_bytes)
    cid = getattr(request.state, "correlation_id", None)
    # The checks, the database and the broker block: off the event loop.
    body = await run_in_threadpool(
        _queue_job, data, idempotency_key, cid, settings=settings, repo=repo, queue=queue, runtime=runtime
    )
    return JSONResponse(body, status_code=202)


def _queue_job(
    data: Any,
    idempotency_key: str | None,
    correlation_id: str | None,
    *,
    settings: Settings,
    repo: Repository,
    queue: JobQueue,
    runtime: Runtime,
) -> dict[str, Any]:
    brief = confined_brief(data, assets_dir=settings.assets_dir)
    if settings.max_cost is not None:
        brief_within_budget(brief, chain=runtime.chain(), repo=repo, store=runtime.store, settings=settings)
    submitted = submit_job(
        brief, repo=repo, provider=None, idempotency_key=idempotency_key, correlation_id=correlation_id
    )
    job = submitted.job
    waiting = False
    if submitted.created or (job.status == "queued" and job.dispatched_at is None):  # a retry sends it again
        waiting = not dispatch(queue, repo, job.id)  # the broker down: the job waits for a reconciler
    return {"job_id": job.id, "status": job.status, "waiting_for_broker": waiting}


@router.get("/campaigns/jobs/{job_id}", response_model=JobStatus, responses=NOT_FOUND)
def status(job_id: str, repo: RepoDep, settings: SettingsDep) -> dict[str, Any]:
    job = repo.job(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id!r}")
    summary: dict[str, Any] = dict(job.summary or {})
    variants = summary.get("variants", [])
    errors = [
        {k: v.get(k) for k in ("product_id", "locale", "aspect_ratio", "reason")}
        for v in variants
        if isinstance(v, dict) and v.get("status") == "failed"
    ]
    parts = repo.parts(job.id)
    done = job.progress_done
    if parts and job.status in ("queued", "running"):
        done = sum(p.progress_done for p in parts)
    answer = {
        "job_id": job.id,
        "campaign_id": job.campaign_id,
        "status": job.status,
        "progress": {"done": done, "total": job.progress_total},
        "errors": errors,
        "error": job.error,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "parts": [
            {
                "product_id": part.product_id,
                "status": part.status,
                "worker": part.worker,
                "attempts": part.attempts,
                "progress": {"done": part.progress_done, "total": part.progress_total},
                "error": part.error,
            }
            for part in parts
        ],
        "summary": summary or None,
        "waiting_for_broker": job.status == "queued" and job.dispatched_at is None,
        **(seed_keys(summary) if summary else no_seed_keys()),
    }
    return public_data(answer, server_roots(settings))  # type: ignore[no-any-return]
