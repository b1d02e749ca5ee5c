"""Table definitions (SQLAlchemy 2 declarative). Every change here comes with a migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Campaign(Base):
    """A campaign. ``status``: running, succeeded, partial, failed, interrupted (its run was stopped by Ctrl-C or
    SIGTERM; a rerun resumes it) or refused (its brief carried a prohibited term; ``refusal`` holds what refused
    it: ``{"error", "hits": [{field, locale, term, rule, source}]}``)."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    brief: Mapped[dict[str, object]] = mapped_column(JSON)
    brief_sha256: Mapped[str] = mapped_column(String(64))
    target_market: Mapped[str] = mapped_column(String(200))
    output_dir: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refusal: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    input_asset: Mapped[str | None] = mapped_column(Text)


class Hero(Base):
    """A hero image, content-addressed by sha256; ``key`` identifies what produced it."""

    __tablename__ = "heroes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(Text)
    product_id: Mapped[str] = mapped_column(String(128), index=True)
    prompt: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    size_class: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("campaign_id", "product_id", "locale", "aspect_ratio"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(35))
    aspect_ratio: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    file_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    hero_sha256: Mapped[str | None] = mapped_column(String(64))
    render_key: Mapped[str | None] = mapped_column(String(64))
    reused: Mapped[bool] = mapped_column(default=False)
    checks: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ad_name: Mapped[str | None] = mapped_column(String(260), index=True)  # the current version's


class CreativeVersion(Base):
    """Every version a variant's creative has had: a new one whenever its bytes change, linked to the one it
    replaced (``previous_ad_name``). Results of an ad that ran an older version still find their creative here."""

    __tablename__ = "creative_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ad_name: Mapped[str] = mapped_column(String(260), unique=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(35))
    aspect_ratio: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    previous_ad_name: Mapped[str | None] = mapped_column(String(260))
    message: Mapped[str] = mapped_column(Text)
    cta: Mapped[str | None] = mapped_column(Text)
    hero: Mapped[str] = mapped_column(String(200))  # "packshot", or "provider/model" of a generated hero
    terms: Mapped[str | None] = mapped_column(Text)  # the terms line set under the copy
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AdMetric(Base):
    """An ad's results over one period (``period_start`` == ``period_end``: one day), as one platform (``source``)
    reported them. A period is stored once per ad and platform: an import that covers it again replaces it."""

    __tablename__ = "ad_metrics"
    __table_args__ = (UniqueConstraint("ad_name", "source", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ad_name: Mapped[str] = mapped_column(ForeignKey("creative_versions.ad_name", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    impressions: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[float] = mapped_column(Float)  # Google Ads reports fractions
    spend: Mapped[float] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    reach: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16))
    import_id: Mapped[int] = mapped_column(ForeignKey("results_imports.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResultsImport(Base):
    """One results import (a file, an upload or a pull): what it held and what it matched."""

    __tablename__ = "results_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(Text)  # the file's name, or e.g. "meta insights act_123"
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the file
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_matched: Mapped[int] = mapped_column(Integer)
    rows_replaced: Mapped[int] = mapped_column(Integer)  # stored rows of the same ads and periods it replaced
    unmatched: Mapped[list[str]] = mapped_column(JSON)  # ad names no creative has
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Generation(Base):
    """Every provider call, successful or not."""

    __tablename__ = "generations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str] = mapped_column(String(128))
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="hero", server_default="hero")  # hero | fill
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Error(Base):
    __tablename__ = "errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str | None] = mapped_column(String(128))
    locale: Mapped[str | None] = mapped_column(String(35))
    aspect_ratio: Mapped[str | None] = mapped_column(String(8))
    stage: Mapped[str] = mapped_column(String(16))
    error_type: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuntimeSetting(Base):
    """A value chosen at run time and shared by every process (e.g. the selected provider)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Translation(Base):
    """A machine translation that was accepted, kept so a rerun asks the model for nothing.

    ``key`` hashes the model, both locales and the source text; ``model`` is None for a translation kept before
    this table existed (the settings row did not name it).
    """

    __tablename__ = "translations"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(35))
    target_locale: Mapped[str] = mapped_column(String(35))
    model: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Job(Base):
    """An asynchronous campaign run. ``status``: queued, running, succeeded, partial, failed."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    brief: Mapped[dict[str, object]] = mapped_column(JSON)
    provider: Mapped[str | None] = mapped_column(String(200))
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, object] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    publishing_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: the broker never got it


class JobPart(Base):
    """One product of a fanned-out job. ``status``: queued, running, done, failed."""

    __tablename__ = "job_parts"

    job_id: Mapped[str] = mapped_column(String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    worker: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, object] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Alert(Base):
    """An alert from the monitoring agent. ``status``: ``open``, ``acknowledged`` (someone is on it: no reminders),
    ``snoozed`` (quiet until ``snoozed_until``), ``muted`` (its rule is muted on its campaign), ``resolved`` (its
    condition re-evaluated clear), or ``digest`` for a digest of info alerts (``digest_id`` on the alerts it
    carries); ``campaign_id`` "" for none."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, object]] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notify_count: Mapped[int] = mapped_column(Integer, default=0)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    draft: Mapped[str | None] = mapped_column(Text)
    drafter: Mapped[str | None] = mapped_column(String(32))
    fact_check: Mapped[dict[str, object] | None] = mapped_column(JSON)
    deliveries: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    digest_id: Mapped[int | None] = mapped_column(Integer)


class AlertMute(Base):
    """A rule kept quiet on a campaign (``campaign_id`` "*": on every campaign) until ``until`` (None: until
    unmuted). Its alerts are still recorded and resolved, but nothing about them is sent."""

    __tablename__ = "alert_mutes"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    muted_by: Mapped[str] = mapped_column(String(200))
    muted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Approval(Base):
    """A reviewer's decision on a creative, append-only (the audit trail): who (``by_name``), signing for which
    role (``role``: creative_lead, market, legal; admin for the API key or an admin; None before people existed),
    on which bytes (``sha256``), hero and copy (see ``creative_ai.signoff`` for when it still counts)."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(35))
    aspect_ratio: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    role: Mapped[str | None] = mapped_column(String(64))
    by_name: Mapped[str | None] = mapped_column(String(64))
    hero_sha256: Mapped[str | None] = mapped_column(String(64))
    copy_sha256: Mapped[str | None] = mapped_column(String(64))


class GenerationClaim(Base):
    """A paid generation (a hero or an outpaint fill, by its key) being made by one run; it lapses at
    ``expires_at`` unless its holder renews it, so a run that died never blocks the others."""

    __tablename__ = "generation_claims"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertDelivery(Base):
    """Where one alert's current message stands on one channel. ``status``: ``pending`` (queued, not tried yet),
    ``failed`` (tried and refused; tried again at ``next_attempt_at`` while the alert is open) or ``delivered``
    (the channel accepted it: it is never sent there again for this message). A reminder queues a new message:
    every channel of the alert goes back to ``pending`` (``queued_at`` is when)."""

    __tablename__ = "alert_deliveries"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # passes that tried it, for this message
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last accepted, any message


class Lease(Base):
    """A named lease held by one process until ``expires_at`` unless it renews it (``agent``: the one agent that
    evaluates and sends); a holder that died is replaced once its lease has lapsed."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A person who signs in (``roles``: see ``creative_ai.people``); a disabled one is refused everywhere."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserToken(Base):
    """A person's API token: only its sha256 is kept. Refused once past ``expires_at`` or revoked."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
