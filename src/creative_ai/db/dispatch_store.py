"""What was handed to the queue and when (mixed into Repository): the reconciler's view of work the broker lost."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow


class DispatchStore:
    _session: sessionmaker[Session]

    def set_dispatched(self, job_id: str, product_id: str | None = None, *, at: datetime | None) -> None:
        """Record when a job (or one of its parts) was handed to the queue; ``at`` None: it was not (broker down)."""
        table = t.Job if product_id is None else t.JobPart
        where = (
            [t.Job.id == job_id]
            if product_id is None
            else [t.JobPart.job_id == job_id, t.JobPart.product_id == product_id]
        )
        with self._session.begin() as s:
            s.execute(update(table).where(*where).values(dispatched_at=at))

    def claim_dispatch(self, job_id: str, product_id: str | None = None, *, before: datetime) -> bool:
        """Take the dispatch of a job or part whose last dispatch is missing or older than ``before`` (one
        reconciler of many wins); the winner sends it to the queue."""
        now = utcnow()
        with self._session.begin() as s:
            if product_id is None:
                stale = t.Job.dispatched_at.is_(None) | (t.Job.dispatched_at < before)
                query = update(t.Job).where(t.Job.id == job_id, t.Job.status == "queued", stale)
            else:
                stale = t.JobPart.dispatched_at.is_(None) | (t.JobPart.dispatched_at < before)
                query = update(t.JobPart).where(t.JobPart.job_id == job_id, t.JobPart.product_id == product_id, stale)
            result = s.execute(query.values(dispatched_at=now))
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def lost_work(self, *, before: datetime, lease_s: float) -> tuple[list[str], list[tuple[str, str]]]:
        """Jobs still ``queued`` and parts of running jobs that no worker has, whose last dispatch is missing or
        older than ``before``: queued parts, and running parts whose heartbeat is older than ``lease_s``."""
        stale_beat = utcnow() - timedelta(seconds=lease_s)
        with self._session() as s:
            jobs = s.scalars(
                select(t.Job.id)
                .where(t.Job.status == "queued", t.Job.dispatched_at.is_(None) | (t.Job.dispatched_at < before))
                .order_by(t.Job.created_at)
            )
            parts = s.execute(
                select(t.JobPart.job_id, t.JobPart.product_id)
                .join(t.Job, t.Job.id == t.JobPart.job_id)
                .where(
                    t.Job.status == "running",
                    t.JobPart.dispatched_at.is_(None) | (t.JobPart.dispatched_at < before),
                    (t.JobPart.status == "queued")
                    | (
                        (t.JobPart.status == "running")
                        & (t.JobPart.heartbeat_at.is_(None) | (t.JobPart.heartbeat_at < stale_beat))
                    ),
                )
            )
            return list(jobs), [(job_id, product_id) for job_id, product_id in parts]

    def waiting_for_queue(self) -> int:
        """Jobs the broker has never taken (it was down when they were submitted)."""
        with self._session() as s:
            rows = s.scalars(select(t.Job.id).where(t.Job.status == "queued", t.Job.dispatched_at.is_(None)))
            return len(list(rows))
