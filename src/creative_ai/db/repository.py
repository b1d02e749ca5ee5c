"""The repository: the only module that talks SQL. Upserts keep reruns and concurrent runs safe."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.errors import ConfigurationError


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout. Connects lazily."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            "CREATIVE_AI_DATABASE_URL is not a database URL (e.g. sqlite:///creative_ai.db)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@dataclass(frozen=True)
class HeroRecord:
    key: str
    sha256: str
    storage_key: str
    provider: str
    model: str
    prompt: str
    seed: int


class Repository:
    """Campaign data access. Create with an engine; :meth:`migrate` brings the schema to head."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._migrated = False

    @classmethod
    def from_url(cls, url: str) -> Repository:
        return cls(make_engine(url))

    # -- schema -----------------------------------------------------------------------------------------
    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """Serialise migrations between processes: a lock file beside a SQLite database, an advisory lock on
        PostgreSQL (taken inside the migration's transaction)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            yield
            return
        lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def migrate(self) -> None:
        """Upgrade to the newest migration (fast no-op when already there; safe when processes race)."""
        if self._migrated:
            return
        try:
            with self._migration_lock(), self.engine.begin() as conn:
                if self.engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202604)")
                cfg = _alembic_config(conn)
                head = ScriptDirectory.from_config(cfg).get_current_head()
                current = MigrationContext.configure(conn).get_current_revision()
                if current != head:
                    command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise ConfigurationError(f"cannot open the database ({exc.__class__.__name__}): {detail}") from None
        self._migrated = True

    def exists(self) -> bool:
        """False only for a SQLite file that has not been created yet (reading must not create it)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return True
        return Path(database).exists()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _upsert(self, session: Session, table: Any, values: dict[str, Any], keys: list[str]) -> None:
        dialect = self.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(table).values(**values)
        update = {k: v for k, v in values.items() if k not in keys and k != "created_at"}
        session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))

    # -- campaigns ----------------------------------------------------------------------------------------
    def save_campaign(
        self,
        *,
        campaign_id: str,
        name: str | None,
        status: str,
        brief: dict[str, Any],
        brief_sha256: str,
        target_market: str,
        output_dir: str,
        products: list[tuple[str, str, str | None]],
    ) -> None:
        now = utcnow()
        with self._session.begin() as s:
            self._upsert(
                s,
                t.Campaign,
                dict(
                    id=campaign_id,
                    name=name,
                    status=status,
                    brief=brief,
                    brief_sha256=brief_sha256,
                    target_market=target_market,
                    output_dir=output_dir,
                    created_at=now,
                    updated_at=now,
                ),
                ["id"],
            )
            for product_id, product_name, asset in products:
                self._upsert(
                    s,
                    t.Product,
                    dict(campaign_id=campaign_id, product_id=product_id, name=product_name, input_asset=asset),
                    ["campaign_id", "product_id"],
                )

    def set_campaign_status(self, campaign_id: str, status: str) -> None:
        with self._session.begin() as s:
            row = s.get(t.Campaign, campaign_id)
            if row is not None:
                row.status = status
                row.updated_at = utcnow()

    def campaign(self, campaign_id: str) -> t.Campaign | None:
        with self._session() as s:
            return s.get(t.Campaign, campaign_id)

    # -- heroes & generations ----------------------------------------------------------------------------
    def find_hero(self, key: str) -> HeroRecord | None:
        with self._session() as s:
            row = s.scalars(select(t.Hero).where(t.Hero.key == key)).first()
            if row is None:
                return None
            return HeroRecord(row.key, row.sha256, row.storage_key, row.provider, row.model, row.prompt, row.seed)

    def save_hero(self, **values: Any) -> None:
        with self._session.begin() as s:
            self._upsert(s, t.Hero, {**values, "created_at": utcnow()}, ["key"])

    def record_generation(self, **values: Any) -> None:
        with self._session.begin() as s:
            s.add(t.Generation(**values, created_at=utcnow()))

    def generations(self, campaign_id: str) -> list[t.Generation]:
        with self._session() as s:
            return list(s.scalars(select(t.Generation).where(t.Generation.campaign_id == campaign_id)))

    # -- variants & errors ----------------------------------------------------------------------------------
    def save_variant(self, **values: Any) -> None:
        now = utcnow()
        with self._session.begin() as s:
            self._upsert(
                s,
                t.Variant,
                {**values, "created_at": now, "updated_at": now},
                ["campaign_id", "product_id", "locale", "aspect_ratio"],
            )

    def variants(self, campaign_id: str) -> list[t.Variant]:
        with self._session() as s:
            return list(s.scalars(select(t.Variant).where(t.Variant.campaign_id == campaign_id)))

    def record_error(self, **values: Any) -> None:
        with self._session.begin() as s:
            s.add(t.Error(**values, created_at=utcnow()))

    def errors(self, campaign_id: str) -> list[t.Error]:
        with self._session() as s:
            return list(s.scalars(select(t.Error).where(t.Error.campaign_id == campaign_id)))

    # -- runtime settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str) -> dict[str, Any] | None:
        with self._session() as s:
            row = s.get(t.RuntimeSetting, key)
            return dict(row.value) if row is not None else None

    def set_setting(self, key: str, value: dict[str, Any]) -> None:
        with self._session.begin() as s:
            self._upsert(s, t.RuntimeSetting, {"key": key, "value": value, "updated_at": utcnow()}, ["key"])

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

    def update_job(self, job_id: str, **values: Any) -> None:
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
        self, job_id: str, product_id: str, *, worker: str, lease_s: float, max_attempts: int
    ) -> tuple[str, int]:
        """Claim a part for ``worker``: ``claimed`` (with its attempt number), ``busy`` (another worker's claim
        is alive), ``finished`` (done or failed), or ``exhausted`` (too many attempts: now marked failed)."""
        now = utcnow()
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

    def beat_part(self, job_id: str, product_id: str, attempt: int, **values: Any) -> None:
        """Keep a claim alive (and record progress) while it is still this attempt's."""
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

    def finish_part(self, job_id: str, product_id: str, attempt: int, **values: Any) -> bool:
        """Record a part's end, unless a later attempt has taken it over since; returns whether it was recorded."""
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

    # -- alerts ----------------------------------------------------------------------------------------------------
    def alerts(self, *, status: str | None = None, campaign_id: str | None = None) -> list[t.Alert]:
        """Alerts, newest first."""
        query = select(t.Alert).order_by(t.Alert.last_seen.desc(), t.Alert.id.desc())
        if status is not None:
            query = query.where(t.Alert.status == status)
        if campaign_id is not None:
            query = query.where(t.Alert.campaign_id == campaign_id)
        with self._session() as s:
            return list(s.scalars(query))

    def latest_alert(self, campaign_id: str, rule: str) -> t.Alert | None:
        with self._session() as s:
            query = (
                select(t.Alert)
                .where(t.Alert.campaign_id == campaign_id, t.Alert.rule == rule)
                .order_by(t.Alert.id.desc())
            )
            return s.scalars(query).first()

    def add_alert(self, **values: Any) -> int:
        with self._session.begin() as s:
            alert = t.Alert(**values)
            s.add(alert)
            s.flush()
            return int(alert.id)

    def update_alert(self, alert_id: int, **values: Any) -> None:
        with self._session.begin() as s:
            alert = s.get(t.Alert, alert_id)
            if alert is not None:
                for key, value in values.items():
                    setattr(alert, key, value)

    def jobs(self, *, statuses: tuple[str, ...] = ()) -> list[t.Job]:
        query = select(t.Job).order_by(t.Job.created_at)
        if statuses:
            query = query.where(t.Job.status.in_(statuses))
        with self._session() as s:
            return list(s.scalars(query))

    def recent_errors(self, since: datetime, campaign_id: str | None = None) -> list[t.Error]:
        query = select(t.Error).where(t.Error.created_at >= since).order_by(t.Error.created_at.desc())
        if campaign_id is not None:
            query = query.where(t.Error.campaign_id == campaign_id)
        with self._session() as s:
            return list(s.scalars(query))

    def recent_generations(self, since: datetime, campaign_id: str | None = None) -> list[t.Generation]:
        query = select(t.Generation).where(t.Generation.created_at >= since).order_by(t.Generation.created_at.desc())
        if campaign_id is not None:
            query = query.where(t.Generation.campaign_id == campaign_id)
        with self._session() as s:
            return list(s.scalars(query))

    def products(self, campaign_id: str) -> list[t.Product]:
        with self._session() as s:
            return list(s.scalars(select(t.Product).where(t.Product.campaign_id == campaign_id)))

    def campaigns(self) -> list[t.Campaign]:
        with self._session() as s:
            return list(s.scalars(select(t.Campaign).order_by(t.Campaign.updated_at.desc())))

    # -- metrics --------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, list[tuple[Any, ...]]]:
        """Aggregates for monitoring: jobs by status, provider calls by provider and outcome, variants by status."""
        with self._session() as s:
            return {
                "jobs": [tuple(r) for r in s.execute(select(t.Job.status, func.count()).group_by(t.Job.status))],
                "calls": [
                    tuple(r)
                    for r in s.execute(
                        select(
                            t.Generation.provider, t.Generation.outcome, func.count(), func.sum(t.Generation.latency_ms)
                        ).group_by(t.Generation.provider, t.Generation.outcome)
                    )
                ],
                "variants": [
                    tuple(r) for r in s.execute(select(t.Variant.status, func.count()).group_by(t.Variant.status))
                ],
            }

    # -- approvals ------------------------------------------------------------------------------------------------
    def record_approval(self, **values: Any) -> None:
        with self._session.begin() as s:
            s.add(t.Approval(**values, created_at=utcnow()))

    def current_approvals(self, campaign_id: str) -> dict[tuple[str, str, str], t.Approval]:
        """The latest decision per variant that still matches the variant's current bytes."""
        with self._session() as s:
            current = {
                (v.product_id, v.locale, v.aspect_ratio): v.sha256
                for v in s.scalars(select(t.Variant).where(t.Variant.campaign_id == campaign_id))
            }
            rows = s.scalars(select(t.Approval).where(t.Approval.campaign_id == campaign_id).order_by(t.Approval.id))
            latest: dict[tuple[str, str, str], t.Approval] = {}
            for row in rows:
                key = (row.product_id, row.locale, row.aspect_ratio)
                if current.get(key) == row.sha256:
                    latest[key] = row
            return latest
