"""Handing a job or a part to the queue without losing it when the broker is down."""

from __future__ import annotations

from creative_ai.db.repository import Repository
from creative_ai.errors import QueueUnavailable
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import log


def dispatch(queue: JobQueue, repo: Repository, job_id: str, product_id: str | None = None) -> bool:
    """Send a job (or one part) to the queue; when the broker cannot take it, record that it was not sent (the
    reconciler sends it once the broker is back) and return False."""
    try:
        if product_id is None:
            queue.enqueue(job_id)
        else:
            queue.enqueue_part(job_id, product_id)
    except QueueUnavailable as exc:
        repo.set_dispatched(job_id, product_id, at=None)
        log.warning("dispatch_deferred", job_id=job_id, product_id=product_id, reason=str(exc))
        return False
    return True
