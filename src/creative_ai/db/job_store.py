"""Jobs and their parts in the database: the source of truth for asynchronous runs (mixed into Repository)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.unset import UNSET, Unset, given


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class JobStore:
    _session: sessionmaker[Session]

    # -- jobs ------------------------------------------------------------------------------------------------
    def create_job(
        self,
        *,
        job_id: str,
        campaign_id: str,
        brief: dict[str, Any],
        request_sha256: str,
        provider: str | None,
        idempotency_key: str | None,
        correlation_id: str | None = None,
    ) -> tuple[t.Job, bool]:
        """Insert a queued job; with an idempotency key already used, return that job instead (created=False)."""
        with self._session.begin() as s:
            if idempotency_key is not None:
                existing = s.scalars(select(t.Job).where(t.Job.idempotency_key == idempotency_key)).first()
                if existing is not None:
                    return existing, False
            job = t.Job(
                id=job_id,
                campaign_id=campaign_id,
                status="queued",
                idempotency_key=idempotency_key,
                request_sha256=request_sha256,
                brief=brief,
                provider=provider,
                progress_done=0,
                progress_total=0,
                created_at=utcnow(),
                correlation_id=correlation_id,
                dispatched_at=utcnow(),  # the caller sends it now; a send that fails sets this back to None
            )
            s.add(job)
        return job, True

    def job(self, job_id: str) -> t.Job | None:
        with self._session() as s:
            return s.get(t.Job, job_id)

    def unfinished_jobs(self) -> list[str]:
        """Ids of jobs still queued or running, oldest first."""
        with self._session() as s:
            rows = s.scalars(select(t.Job.id).where(t.Job.status.in_(("queued", "running"))).order_by(t.Job.created_at))
            return list(rows)

    def update_job(
        self,
        job_id: str,
        *,
        status: str | Unset = UNSET,
        error: str | Unset | None = UNSET,
        summary: dict[str, Any] | Unset | None = UNSET,
        progress_done: int | Unset = UNSET,
        progress_total: int | Unset = UNSET,
        started_at: datetime | Unset | None = UNSET,
        finished_at: datetime | Unset | None = UNSET,
    ) -> None:
        """Write the given columns of a job (an UNSET one keeps its value)."""
        values = given(
            status=status,
            error=error,
            summary=summary,
            progress_done=progress_done,
            progress_total=progress_total,
            started_at=started_at,
            finished_at=finished_at,
        )
        with self._session.begin() as s:
            job = s.get(t.Job, job_id)
            if job is not None:
                for key, value in values.items():
                    setattr(job, key, value)

    # -- job parts (a job fanned out per product) ----------------------------------------------------------------
    def ensure_parts(self, job_id: str, product_ids: list[str]) -> list[t.JobPart]:
        """The job's parts, creating the missing ones as queued; in product order."""
        with self._session.begin() as s:
            have = {p.product_id for p in s.scalars(select(t.JobPart).where(t.JobPart.job_id == job_id))}
            for product_id in product_ids:
                if product_id not in have:
                    s.add(
                        t.JobPart(
                            job_id=job_id,
                            product_id=product_id,
                            status="queued",
                            attempts=0,
                            progress_done=0,
                            progress_total=0,
                            dispatched_at=utcnow(),  # queued right after (see fan_out)
                        )
                    )
        return self.parts(job_id)

    def parts(self, job_id: str) -> list[t.JobPart]:
        with self._session() as s:
            rows = list(s.scalars(select(t.JobPart).where(t.JobPart.job_id == job_id)))
            job = s.get(t.Job, job_id)
            listed: Any = job.brief.get("products", []) if job else []
            order = [str(p["id"]) for p in listed]
            return sorted(rows, key=lambda r: order.index(r.product_id) if r.product_id in order else len(order))

    def claim_part(
        self,
        job_id: str,
        product_id: str,
        *,
        worker: str,
        lease_s: float,
        max_attempts: int,
        now: datetime | None = None,
    ) -> tuple[str, int]:
        """Claim a part for ``worker``: ``claimed`` (with its attempt number), ``busy`` (another worker's claim
        is alive), ``finished`` (done or failed), or ``exhausted`` (too many attempts: now marked failed).

        ``now`` is the moment of the claim (the clock, unless given)."""
        now = now or utcnow()
        stale = now - timedelta(seconds=lease_s)
        part_row = (t.JobPart.job_id == job_id) & (t.JobPart.product_id == product_id)
        claimable = (t.JobPart.status == "queued") | (
            (t.JobPart.status == "running") & (t.JobPart.heartbeat_at.is_(None) | (t.JobPart.heartbeat_at < stale))
        )
        with self._session.begin() as s:
            claimed = s.execute(
                update(t.JobPart)
                .where(part_row, t.JobPart.attempts < max_attempts, claimable)
                .values(
                    status="running",
                    worker=worker,
                    attempts=t.JobPart.attempts + 1,
                    started_at=now,
                    heartbeat_at=now,
                    error=None,
                )
            )
            part = s.scalars(select(t.JobPart).where(part_row)).first()
            if part is None:
                return "finished", 0
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return "claimed", part.attempts
            if part.status in ("done", "failed"):
                return "finished", part.attempts
            if part.status == "running" and part.heartbeat_at is not None and _aware(part.heartbeat_at) >= stale:
                return "busy", part.attempts
            s.execute(
                update(t.JobPart)
                .where(part_row, t.JobPart.status.not_in(("done", "failed")))
                .values(
                    status="failed",
                    finished_at=now,
                    error=f"gave up after {part.attempts} attempts (its worker stopped each time)",
                )
            )
            return "exhausted", part.attempts

    def beat_part(
        self,
        job_id: str,
        product_id: str,
        attempt: int,
        *,
        progress_done: int | Unset = UNSET,
        progress_total: int | Unset = UNSET,
    ) -> None:
        """Keep a claim alive (and record progress) while it is still this attempt's."""
        values = given(progress_done=progress_done, progress_total=progress_total)
        with self._session.begin() as s:
            s.execute(
                update(t.JobPart)
                .where(
                    t.JobPart.job_id == job_id,
                    t.JobPart.product_id == product_id,
                    t.JobPart.attempts == attempt,
                    t.JobPart.status == "running",
                )
                .values(heartbeat_at=utcnow(), **values)
            )

    def finish_part(
        self,
        job_id: str,
        product_id: str,
        attempt: int,
        *,
        status: str,
        error: str | Unset | None = UNSET,
        summary: dict[str, Any] | Unset | None = UNSET,
        progress_done: int | Unset = UNSET,
        progress_total: int | Unset = UNSET,
    ) -> bool:
        """Record a part's end, unless a later attempt has taken it over since; returns whether it was recorded."""
        values = given(
            status=status, error=error, summary=summary, progress_done=progress_done, progress_total=progress_total
        )
        with self._session.begin() as s:
            result = s.execute(
                update(t.JobPart)
                .where(
                    t.JobPart.job_id == job_id,
                    t.JobPart.product_id == product_id,
                    t.JobPart.attempts == attempt,
                    t.JobPart.status == "running",
                )
                .values(finished_at=utcnow(), **values)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def requeue_running_parts(self) -> int:
        """Parts left running by a stopped single process go back to queued (the embedded executor's restart)."""
        with self._session.begin() as s:
            result = s.execute(update(t.JobPart).where(t.JobPart.status == "running").values(status="queued"))
            return int(result.rowcount)  # type: ignore[attr-defined]

    def hand_back_jobs(self, job_ids: list[str]) -> list[str]:
        """Jobs a stopping process accepted but did not finish go back to ``queued`` (its running parts too, their
        claims dropped), marked not sent, so the next executor or reconciler runs them; returns the ids handed back."""
        if not job_ids:
            return []
        with self._session.begin() as s:
            mine = list(
                s.scalars(select(t.Job.id).where(t.Job.id.in_(job_ids), t.Job.status.in_(("queued", "running"))))
            )
            if mine:
                s.execute(
                    update(t.Job)
                    .where(t.Job.id.in_(mine))
                    .values(status="queued", dispatched_at=None, publishing_at=None)
                )
                s.execute(
                    update(t.JobPart)
                    .where(t.JobPart.job_id.in_(mine), t.JobPart.status == "running")
                    .values(status="queued", dispatched_at=None)
                )
            return mine

    def claim_publish(self, job_id: str, *, lease_s: float) -> bool:
        """Let one caller publish a fanned-out job (again after ``lease_s`` if that caller died)."""
        now = utcnow()
        with self._session.begin() as s:
            result = s.execute(
                update(t.Job)
                .where(
                    t.Job.id == job_id,
                    t.Job.status.in_(("queued", "running")),
                    t.Job.publishing_at.is_(None) | (t.Job.publishing_at < now - timedelta(seconds=lease_s)),
                )
                .values(publishing_at=now)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def jobs(self, *, statuses: tuple[str, ...] = ()) -> list[t.Job]:
        query = select(t.Job).order_by(t.Job.created_at)
        if statuses:
            query = query.where(t.Job.status.in_(statuses))
        with self._session() as s:
            return list(s.scalars(query))
