"""Asynchronous campaign runs: the queue interface, the runner, the in-process executor and Celery workers.

Dependencies point one way: ``celery_app`` and ``inprocess`` → ``runner`` → ``fanout`` → ``outcome`` → the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creative_ai.checks.suite import CheckSuite
    from creative_ai.config import Settings
    from creative_ai.db.repository import Repository
    from creative_ai.jobs.queue import JobQueue

__all__ = ["make_queue"]


def make_queue(settings: Settings, repo: Repository, *, checks: CheckSuite | None = None) -> JobQueue:
    """Celery workers when a broker is configured, otherwise the in-process executor (sharing ``checks``)."""
    from creative_ai.jobs.inprocess import InProcessJobs  # the core loads with it, not with the package

    if settings.broker_url:
        from creative_ai.jobs.celery_app import CeleryJobs, make_celery

        return CeleryJobs(make_celery(settings))
    return InProcessJobs(settings=settings, repo=repo, checks=checks)
