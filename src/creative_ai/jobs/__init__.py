"""Asynchronous campaign runs: the queue interface, the runner, the in-process executor and Celery workers.

Dependencies point one way: ``celery_app`` and ``inprocess`` → ``runner`` → ``fanout`` → ``outcome`` → the core.
"""

from __future__ import annotations

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.jobs.queue import JobQueue

__all__ = ["InProcessJobs", "JobQueue", "make_queue"]


def make_queue(settings: Settings, repo: Repository) -> JobQueue:
    """Celery workers when a broker is configured, otherwise the in-process executor."""
    if settings.broker_url:
        from creative_ai.jobs.celery_app import CeleryJobs, make_celery

        return CeleryJobs(make_celery(settings))
    return InProcessJobs(settings=settings, repo=repo)
