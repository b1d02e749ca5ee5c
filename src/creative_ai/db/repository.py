"""The repository: the only module that talks SQL. Upserts keep reruns and concurrent runs safe."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, delete, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.alert_store import AlertStore
from creative_ai.db.claim_store import ClaimStore
from creative_ai.db.creative_store import CreativeStore, GenerationCall, HeroRecord
from creative_ai.db.delivery_store import DeliveryStore
from creative_ai.db.dispatch_store import DispatchStore
from creative_ai.db.job_store import JobStore, utcnow
from creative_ai.db.results_store import ResultsStore
from creative_ai.db.upsert import upsert
from creative_ai.db.user_store import UserStore
from creative_ai.errors import ConfigurationError


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout. Connects lazily."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            "CREATIVE_AI_DATABASE_URL is not a database URL (e.g. sqlite:///creative_ai.db)"
        ) from None  # the driver's error can carry the database URL and its password
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        folder = Path(parsed.database).parent if parsed.database and parsed.database != ":memory:" else None
        if folder is not None and not folder.is_dir():
            raise ConfigurationError(
                f"CREATIVE_AI_DATABASE_URL: the folder of the SQLite database ({folder}) does not exist: create it, "
                "or point the URL at an existing folder"
            )
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError):
        hint = " (write postgresql+psycopg://…)" if backend in ("postgres", "postgresql") else ""
        raise ConfigurationError(
            f"CREATIVE_AI_DATABASE_URL: no database driver for {parsed.drivername!r}{hint}; SQLite "
            "(sqlite:///path) and PostgreSQL (postgresql+psycopg://user@host/db) are supported"
        ) from None  # the driver's error can carry the database URL and its password


MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


class Repository(
    CreativeStore, JobStore, AlertStore, ClaimStore, DispatchStore, DeliveryStore, ResultsStore, UserStore
):
    """Campaign data access. Create with an engine; :meth:`migrate` brings the schema to head."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._migrated = False

    @classmethod
    def from_url(cls, url: str) -> Repository:
        return cls(make_engine(url))

    @classmethod
    def open(cls, url: str) -> Repository:
        """A repository on ``url`` with its schema migrated to the newest revision."""
        repo = cls.from_url(url)
        repo.migrate()
        return repo

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

    @property
    def migrated(self) -> bool:
        """Whether this process has brought the schema to the newest migration."""
        return self._migrated

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
            raise ConfigurationError(
                f"cannot open the database ({exc.__class__.__name__}): {detail}"
            ) from None  # the driver's error can carry the database URL and its password
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
            upsert(
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
                    refusal=None,  # a run of the campaign clears an earlier refusal
                ),
                keys=["id"],
            )
            for product_id, product_name, asset in products:
                upsert(
                    s,
                    t.Product,
                    dict(campaign_id=campaign_id, product_id=product_id, name=product_name, input_asset=asset),
                    keys=["campaign_id", "product_id"],
                )

    def refuse_campaign(
        self,
        *,
        campaign_id: str,
        name: str | None,
        brief: dict[str, Any],
        brief_sha256: str,
        target_market: str,
        output_dir: str,
        refusal: dict[str, Any],
        status: str = "refused",
    ) -> None:
        """Mark a campaign refused (or ``status``: failed, for a brief its run could not plan), with what refused
        it. A campaign not on record yet gets its row (no products: nothing was made); one on record keeps its
        brief, products and creatives, which are what was last made."""
        now = utcnow()
        with self._session.begin() as s:
            row = s.get(t.Campaign, campaign_id)
            if row is None:
                s.add(
                    t.Campaign(
                        id=campaign_id,
                        name=name,
                        status=status,
                        brief=brief,
                        brief_sha256=brief_sha256,
                        target_market=target_market,
                        output_dir=output_dir,
                        created_at=now,
                        updated_at=now,
                        refusal=refusal,
                    )
                )
            else:
                row.status, row.refusal, row.updated_at = status, refusal, now

    def set_campaign_status(self, campaign_id: str, status: str) -> None:
        with self._session.begin() as s:
            row = s.get(t.Campaign, campaign_id)
            if row is not None:
                row.status = status
                row.updated_at = utcnow()

    def campaign(self, campaign_id: str) -> t.Campaign | None:
        with self._session() as s:
            return s.get(t.Campaign, campaign_id)

    # -- runtime settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str) -> dict[str, Any] | None:
        with self._session() as s:
            row = s.get(t.RuntimeSetting, key)
            return dict(row.value) if row is not None else None

    def set_setting(self, key: str, value: dict[str, Any]) -> None:
        with self._session.begin() as s:
            upsert(s, t.RuntimeSetting, {"key": key, "value": value, "updated_at": utcnow()}, keys=["key"])

    def settings_under(self, prefix: str) -> dict[str, dict[str, Any]]:
        """Every runtime setting whose key starts with ``prefix``, by key."""
        with self._session() as s:
            rows = s.scalars(select(t.RuntimeSetting).where(t.RuntimeSetting.key.startswith(prefix, autoescape=True)))
            return {row.key: dict(row.value) for row in rows}

    def delete_setting(self, key: str) -> None:
        with self._session.begin() as s:
            s.execute(delete(t.RuntimeSetting).where(t.RuntimeSetting.key == key))

    # -- machine translations -------------------------------------------------------------------------------
    def translation(self, *, key: str) -> str | None:
        """The accepted translation kept under ``key``, or None."""
        with self._session() as s:
            row = s.get(t.Translation, key)
            return row.text if row is not None else None

    def save_translation(self, *, key: str, model: str, source_locale: str, target_locale: str, text: str) -> None:
        values = dict(
            key=key,
            model=model,
            source_locale=source_locale,
            target_locale=target_locale,
            text=text,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            upsert(s, t.Translation, values, keys=["key"])

    def recent_errors(self, since: datetime, campaign_id: str | None = None) -> list[t.Error]:
        return self._recent(t.Error, since, campaign_id)

    def recent_generations(self, since: datetime, campaign_id: str | None = None) -> list[t.Generation]:
        return self._recent(t.Generation, since, campaign_id)

    def _recent(self, table: Any, since: datetime, campaign_id: str | None) -> list[Any]:
        """Rows of ``table`` created since ``since`` (of one campaign, when given), newest first."""
        query = select(table).where(table.created_at >= since).order_by(table.created_at.desc())
        if campaign_id is not None:
            query = query.where(table.campaign_id == campaign_id)
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


__all__ = ["GenerationCall", "HeroRecord", "Repository", "make_engine", "utcnow"]
