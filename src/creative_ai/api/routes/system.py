"""Health, the runtime model selection, the agent heartbeat."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from creative_ai.api.auth import key_configured, requires
from creative_ai.api.deps import Protected, QueueDep, RepoDep, SettingsDep
from creative_ai.api.schemas import (
    FORBIDDEN,
    UNAUTHORIZED,
    AgentStatus,
    ErrorMessage,
    FieldErrors,
    HealthStatus,
    ModelSelection,
)
from creative_ai.db.delivery_store import AGENT_HEARTBEAT, AGENT_LEASE, AGENT_STANDBY
from creative_ai.db.repository import Repository, utcnow
from creative_ai.errors import ProviderUnavailable
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import log
from creative_ai.people import ADMINISTER
from creative_ai.providers import load_provider_class
from creative_ai.providers.selection import current_selection, parse_chain, select

router = APIRouter(tags=["system"])
ALIASES = {"google": "gemini"}  # the seed's name for the Gemini provider


class ModelChoice(BaseModel):
    provider: str = Field(examples=["openai", "gemini", "local", "openai,local"])
    model: str | None = Field(default=None, examples=["gpt-image-2.5-flare"])


def _database(repo: Repository) -> tuple[bool, str]:
    try:
        with repo.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return False, exc.__class__.__name__
    return True, repo.engine.dialect.name


def _broker(queue: JobQueue) -> tuple[bool, str]:
    try:
        return queue.ping()
    except Exception as exc:  # noqa: BLE001 - whatever the broker's client raises, the broker is down
        return False, f"broker unreachable ({exc.__class__.__name__})"


@router.get(
    "/health",
    response_model=HealthStatus,
    responses={503: {"model": HealthStatus, "description": "A dependency is down."}},
)
def health(request: Request, settings: SettingsDep, queue: QueueDep) -> JSONResponse:
    """Database and broker, each up or down (503 when one is down); with the server's X-API-Key, ``detail`` says
    what each is (open to anyone otherwise: no host, URL, version or path)."""
    repo: Repository = request.app.state.runtime.repo  # not the migrating dependency: health must not need it
    (db_ok, db_detail), (broker_ok, broker_detail) = _database(repo), _broker(queue)
    status = "ok" if db_ok and broker_ok else ("degraded" if db_ok or broker_ok else "down")
    if status != "ok":
        log.warning("health_degraded", database=db_detail, broker=broker_detail)
    body = {
        "status": status,
        "database": "up" if db_ok else "down",
        "broker": "up" if broker_ok else "down",
        "jobs_waiting_for_broker": _waiting(repo) if db_ok else None,
        "detail": {"database": db_detail, "broker": broker_detail}
        if key_configured(settings, request.headers.get("x-api-key"))
        else None,
    }
    return JSONResponse(body, status_code=200 if status == "ok" else 503)


def _waiting(repo: Repository) -> int | None:
    try:
        return repo.waiting_for_queue()
    except SQLAlchemyError:  # not migrated yet: nothing has been submitted
        return 0


@router.get("/current-model", response_model=ModelSelection)
def current_model(settings: SettingsDep, repo: RepoDep) -> dict[str, Any]:
    chosen = current_selection(settings, repo)
    return {"provider": chosen.provider, "model": chosen.model, "source": chosen.source}


@router.post(
    "/select-model",
    dependencies=[*Protected, requires(ADMINISTER)],
    response_model=ModelSelection,
    responses={
        **UNAUTHORIZED,
        **FORBIDDEN,
        422: {
            "model": ErrorMessage | FieldErrors,
            "description": "Unknown provider or model, the provider not usable, or a malformed choice.",
        },
    },
)
def select_model(choice: ModelChoice, settings: SettingsDep, repo: RepoDep) -> dict[str, Any]:
    """Validate and store the provider and model every run and worker uses; a provider that cannot run here (its
    key missing) is refused, naming what to set."""
    name = ",".join(ALIASES.get(part.strip(), part.strip()) for part in choice.provider.split(","))
    for part in parse_chain(name):
        usable, why = load_provider_class(part).is_available(settings)
        if not usable:
            raise ProviderUnavailable(f"provider {part!r} is not available on this server: {why}")
    chosen = select(name, choice.model, settings=settings, repo=repo)
    return {"provider": chosen.provider, "model": chosen.model, "source": chosen.source}


@router.get("/agent/status", response_model=AgentStatus)
def agent_status(request: Request, settings: SettingsDep, repo: RepoDep) -> dict[str, Any]:
    """The monitoring agents: the leader's heartbeat (``running`` while it beats within three intervals; UTC
    times), its lease, the agents standing by, and where the open alerts' deliveries stand on each channel."""
    beat = repo.get_setting(AGENT_HEARTBEAT) or {}
    last = beat.get("last_heartbeat")
    status = "not_running"
    if last:
        status = "stopped" if beat.get("status") == "stopped" else ("running" if _fresh(beat) else "stale")
    open_alerts = repo.alerts(status="active")
    lease = repo.lease(AGENT_LEASE)  # None when lapsed
    standby = [b for b in repo.settings_under(AGENT_STANDBY).values() if _fresh(b)]
    deliveries: dict[str, dict[str, int]] = {}
    for channel, state, n in repo.delivery_counts():
        deliveries.setdefault(channel, {"pending": 0, "failed": 0, "delivered": 0})[state] = n
    # Public like /health: counts only (alert texts and campaign ids are read through the MCP server); the leader's
    # host only with the key.
    return {
        "status": status,
        "last_heartbeat": last,
        "interval_s": beat.get("interval_s"),
        "drafter": beat.get("drafter"),
        "watching": len(beat.get("watching", [])),
        "open_alerts": len(open_alerts),
        "open_alerts_by_severity": dict(Counter(a.severity for a in open_alerts)),
        "leader": lease.holder
        if lease is not None and key_configured(settings, request.headers.get("x-api-key"))
        else None,
        "lease_expires_at": lease.expires_at.isoformat() if lease is not None else None,
        "standby": len(standby),
        "deliveries": deliveries,
    }


def _fresh(beat: dict[str, Any]) -> bool:
    """Whether an agent's beat is within three of its intervals (and 5 s) of now."""
    last = beat.get("last_heartbeat")
    if not last:
        return False
    age = (utcnow() - datetime.fromisoformat(str(last))).total_seconds()
    return age <= 3 * float(beat.get("interval_s") or 60) + 5
