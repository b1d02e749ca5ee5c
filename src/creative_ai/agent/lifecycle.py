"""What people do with an alert: acknowledge it (someone is on it), snooze it until a time, mute its rule on its
campaign (until a time or until unmuted), unmute it. The one implementation behind ``creative-ai alerts``, the
API's ``/alerts`` routes and the MCP server's alert tools; the agent's next pass does the rest (a snoozed alert
comes back when its time is up, any active alert resolves when its condition re-evaluates clear)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from creative_ai.agent.alerts import awake, aware
from creative_ai.db import tables as t
from creative_ai.db.alert_store import ACTIVE
from creative_ai.db.repository import Repository, utcnow
from creative_ai.errors import InputError
from creative_ai.logs import log

Action = Literal["ack", "snooze", "mute", "unmute"]
MAX_QUIET = timedelta(days=90)
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_until(text: str, *, now: datetime | None = None) -> datetime:
    """A moment in the future from ``30m``, ``2h``, ``1d``, ``1w`` or an ISO 8601 time (UTC when it has no zone)."""
    now = now or utcnow()
    match = _DURATION.match(text)
    try:
        if match:
            seconds = int(match.group(1)) * _UNITS[match.group(2).lower()]
            if seconds > MAX_QUIET.total_seconds():
                raise InputError("until is more than 90 days away; mute without an end instead")
            moment = now + timedelta(seconds=seconds)
        else:
            moment = aware(datetime.fromisoformat(text.strip().replace("Z", "+00:00"))).astimezone(UTC)
    except ValueError:
        raise InputError(f"until {text!r} is neither a duration (30m, 2h, 1d, 1w) nor an ISO 8601 time") from None
    except OverflowError:
        raise InputError(f"until {text!r} is out of range: at most 90 days away") from None
    return checked_until(moment, now=now)


def checked_until(moment: datetime, *, now: datetime | None = None) -> datetime:
    """``moment`` as UTC when it is in the future and at most 90 days away; an InputError otherwise."""
    now = now or utcnow()
    moment = aware(moment).astimezone(UTC)
    if moment <= now:
        raise InputError(f"until {moment.isoformat()} is not in the future")
    if moment - now > MAX_QUIET:
        raise InputError("until is more than 90 days away; mute without an end instead")
    return moment


def find_alert(repo: Repository, alert_id: int) -> t.Alert:
    """The alert (never a digest); an InputError naming the active ones when there is none with this id."""
    alert = repo.alert(alert_id)
    if alert is None or alert.status == "digest":
        active = [a.id for a in repo.alerts(status="active")][:20]
        known = ", ".join(str(i) for i in sorted(active)) or "none"
        raise InputError(f"no alert {alert_id} (active alerts: {known})")
    return alert


def apply(
    repo: Repository,
    alert_id: int,
    action: Action,
    *,
    by: str,
    until: datetime | None = None,
    now: datetime | None = None,
) -> t.Alert:
    """Do ``action`` to the alert and return it as it now stands. Acknowledge and snooze need an active alert;
    mute and unmute work on the alert's rule × campaign whatever the alert's state."""
    now = now or utcnow()
    by = " ".join(by.split())[:200] or "someone"
    alert = find_alert(repo, alert_id)
    if action in ("ack", "snooze") and alert.status not in ACTIVE:
        raise InputError(f"alert {alert_id} is {alert.status}: there is nothing to {_verb(action)}")
    if action == "ack":
        repo.update_alert(alert_id, status="acknowledged", acknowledged_at=now, acknowledged_by=by, snoozed_until=None)
    elif action == "snooze":
        if until is None:
            raise InputError("snooze needs an end: a duration (30m, 2h, 1d) or a time")
        repo.update_alert(alert_id, status="snoozed", snoozed_until=checked_until(until, now=now))
    elif action == "mute":
        end = None if until is None else checked_until(until, now=now)
        repo.mute(alert.campaign_id, alert.rule, by=by, now=now, until=end)
        if alert.status in ACTIVE:
            repo.update_alert(alert_id, status="muted")
    else:
        repo.unmute(alert.campaign_id, alert.rule)
        if alert.status == "muted":
            repo.update_alert(alert_id, status=awake(alert))
    log.info("alert_" + action, alert_id=alert_id, rule=alert.rule, campaign_id=alert.campaign_id, by=by)
    return find_alert(repo, alert_id)


def _verb(action: Action) -> str:
    return {"ack": "acknowledge", "snooze": "snooze", "mute": "mute", "unmute": "unmute"}[action]
