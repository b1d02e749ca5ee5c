"""Health, the runtime model selection, the agent heartbeat."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from creative_ai.api.deps import Protected, QueueDep, RepoDep, SettingsDep
from creative_ai.api.schemas import (
    UNAUTHORIZED,
    AgentStatus,
    ErrorMessage,
    FieldErrors,
    HealthStatus,
    ModelSelection,
)
from creative_ai.db.repository import utcnow
from creative_ai.providers.selection import current_selection, select

router = APIRouter(tags=["system"])
ALIASES = {"google": "gemini"}  # the seed's name for the Gemini provider


class ModelChoice(BaseModel):
    provider: str = Field(examples=["openai", "gemini", "local", "openai,local"])
    model: str | None = Field(default=None, examples=["gpt-image-2.5-flare"])


@router.get("/health", response_model=HealthStatus)
def health(repo: RepoDep, queue: QueueDep) -> dict[str, Any]:
    """Database and broker reachability, each reported."""
    try:
        with repo.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = {"ok": True, "detail": repo.engine.dialect.name}
    except SQLAlchemyError as exc:
        database = {"ok": False, "detail": exc.__class__.__name__}
    ok, detail = queue.ping()
    broker = {"ok": ok, "detail": detail}
    return {"status": "ok" if database["ok"] and broker["ok"] else "degraded", "database": database, "broker": broker}


@router.get("/current-model", response_model=ModelSelection)
def current_model(settings: SettingsDep, repo: RepoDep) -> dict[str, Any]:
    chosen = current_selection(settings, repo)
    return {"provider": chosen.provider, "model": chosen.model, "source": chosen.source}


@router.post(
    "/select-model",
    dependencies=Protected,
    response_model=ModelSelection,
    responses={
        **UNAUTHORIZED,
        422: {
            "model": ErrorMessage | FieldErrors,
            "description": "Unknown provider or model, the provider not usable, or a malformed choice.",
        },
    },
)
def select_model(choice: ModelChoice, settings: SettingsDep, repo: RepoDep) -> dict[str, Any]:
    """Validate and store the provider and model every run and worker uses."""
    name = ",".join(ALIASES.get(part.strip(), part.strip()) for part in choice.provider.split(","))
    chosen = select(name, choice.model, settings=settings, repo=repo)
    return {"provider": chosen.provider, "model": chosen.model, "source": chosen.source}


@router.get("/agent/status", response_model=AgentStatus)
def agent_status(repo: RepoDep) -> dict[str, Any]:
    """The monitoring agent's heartbeat: ``running`` while it beats within three intervals (UTC times)."""
    beat = repo.get_setting("agent") or {}
    last = beat.get("last_heartbeat")
    status = "not_running"
    if last:
        age = (utcnow() - datetime.fromisoformat(str(last))).total_seconds()
        interval = float(beat.get("interval_s", 60))
        status = "stopped" if beat.get("status") == "stopped" else ("running" if age <= 3 * interval + 5 else "stale")
    open_alerts = repo.alerts(status="open")
    # Public like /health: counts only (alert texts and campaign ids are read through the MCP server).
    return {
        "status": status,
        "last_heartbeat": last,
        "interval_s": beat.get("interval_s"),
        "drafter": beat.get("drafter"),
        "watching": len(beat.get("watching", [])),
        "open_alerts": len(open_alerts),
        "open_alerts_by_severity": dict(Counter(a.severity for a in open_alerts)),
    }
