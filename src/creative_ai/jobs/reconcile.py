"""The self-healing queue: the database holds every job and part, so work the broker lost (a restart without its
data) or never got (down at submit) is sent again from there. Every worker and the API run a reconciler; each job
or part is re-sent by one of them (``claim_dispatch``) and running it twice is safe (claims on parts and heroes).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.fanout import lease_for
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import log


def reconcile(queue: JobQueue, repo: Repository, settings: Settings, *, now: datetime | None = None) -> int:
    """Send again every job and part no worker has and the broker may have lost; returns how many were sent."""
    now = now or utcnow()
    before = now - timedelta(seconds=settings.job_visibility_timeout)
    jobs, parts = repo.lost_work(before=before, lease_s=lease_for(settings))
    sent = 0
    for job_id in jobs:
        if repo.claim_dispatch(job_id, before=before) and dispatch(queue, repo, job_id):
            sent += 1
    for job_id, product_id in parts:
        if repo.claim_dispatch(job_id, product_id, before=before) and dispatch(queue, repo, job_id, product_id):
            sent += 1
    if sent:
        log.info("work_sent_again", count=sent)
    return sent


class Reconciler:
    """:func:`reconcile` every ``settings.reconcile_interval`` seconds on a daemon thread, until stopped."""

    def __init__(self, queue: JobQueue, repo: Repository, settings: Settings) -> None:
        self.queue, self.repo, self.settings = queue, repo, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reconciler", daemon=True)

    def start(self) -> Reconciler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.reconcile_interval):
            try:
                self.repo.migrate()  # a no-op once at head; the database may have been down at start
                reconcile(self.queue, self.repo, self.settings)
            except Exception as exc:  # noqa: BLE001 the next look tries again; a reconciler never dies
                log.warning("reconcile_failed", error=type(exc).__name__)
