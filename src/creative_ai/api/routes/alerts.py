"""The monitoring agent's alerts: list them; acknowledge, snooze, mute or unmute one (``creative-ai alerts``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from creative_ai.agent.lifecycle import Action, apply, parse_until
from creative_ai.api.auth import requires
from creative_ai.api.deps import Protected, RepoDep, SettingsDep, StoreDep
from creative_ai.api.schemas import FORBIDDEN, NOT_FOUND, UNAUTHORIZED, ErrorMessage
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.facts import AlertLine, AlertList, Facts
from creative_ai.people import OPERATE
from creative_ai.storage import Store

router = APIRouter(tags=["alerts"], dependencies=Protected, responses=UNAUTHORIZED)
Status = Literal["active", "open", "acknowledged", "snoozed", "muted", "resolved", "all"]
REFUSED = {**NOT_FOUND, 422: {"model": ErrorMessage, "description": "Not possible in the alert's state."}}


class AlertChange(BaseModel):
    """What to record with the change (a key not named here is refused: a misspelt ``until`` must not mute for
    good)."""

    by: str = Field(default="api client", max_length=200, description="Who is doing it, as shown on the alert.")
    until: str | None = Field(
        default=None,
        max_length=64,
        description="Snooze and mute: a duration (30m, 2h, 1d, 1w) or an ISO 8601 time, at most 90 days away; "
        "a mute without one lasts until unmuted.",
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        unknown = sorted(set(data) - {"by", "until"}) if isinstance(data, dict) else []
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(map(str, unknown))} (known: by, until)")
        return data


@router.get("/alerts", response_model=AlertList)
async def list_alerts(
    settings: SettingsDep,
    repo: RepoDep,
    store: StoreDep,
    status: Annotated[Status, Query(description="active: not resolved yet; all: every alert.")] = "active",
    campaign_id: Annotated[str | None, Query(max_length=64, description="Only this campaign's.")] = None,
) -> AlertList:
    """The alerts, newest first."""
    facts = Facts(settings=settings, repo=repo, store=store)
    return await run_in_threadpool(facts.alerts, None if status == "all" else status, campaign_id)


def _change(
    alert_id: int, action: Action, change: AlertChange, *, settings: Settings, repo: Repository, store: Store
) -> AlertLine:
    if repo.alert(alert_id) is None:
        raise HTTPException(status_code=404, detail=f"no alert {alert_id}")
    until = None if change.until is None else parse_until(change.until)
    return Facts(settings=settings, repo=repo, store=store).alert_line(
        apply(repo, alert_id, action, by=change.by, until=until)
    )


@router.post(
    "/alerts/{alert_id}/{action}",
    response_model=AlertLine,
    dependencies=[requires(OPERATE)],
    responses={**REFUSED, **FORBIDDEN},
)
async def change_alert(
    alert_id: int,
    action: Action,
    settings: SettingsDep,
    repo: RepoDep,
    store: StoreDep,
    change: AlertChange | None = None,
) -> AlertLine:
    """ack: someone is on it (no more reminders); snooze: quiet until ``until``; mute: the alert's rule on its
    campaign is recorded but not sent (until ``until``, or until unmuted); unmute: lift that."""
    return await run_in_threadpool(
        _change, alert_id, action, change or AlertChange(), settings=settings, repo=repo, store=store
    )
