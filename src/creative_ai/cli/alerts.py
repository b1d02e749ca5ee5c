"""``creative-ai alerts``: list the monitoring agent's alerts; acknowledge, snooze, mute or unmute one."""

from __future__ import annotations

import getpass
import json
import os
from typing import TYPE_CHECKING, Annotated

import typer

from creative_ai.cli.app import app, handles_errors

if TYPE_CHECKING:
    from creative_ai.agent.lifecycle import Action
    from creative_ai.facts import Facts

alerts_app = typer.Typer(help="The monitoring agent's alerts.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")

STATUSES = ("active", "open", "acknowledged", "snoozed", "muted", "resolved", "all")
AlertId = Annotated[int, typer.Argument(help="The alert's id (see `creative-ai alerts list`).")]
By = Annotated[str | None, typer.Option("--by", help="Who is doing it (default: your user name).")]


def _facts() -> Facts:
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.facts import Facts
    from creative_ai.storage import make_store

    settings = get_settings()
    return Facts(settings=settings, repo=Repository.open(settings.database_url), store=make_store(settings)[0])


@alerts_app.command("list")
@handles_errors
def list_alerts(
    status: Annotated[str, typer.Option(help=f"One of: {', '.join(STATUSES)}.")] = "active",
    campaign: Annotated[str | None, typer.Option(help="Only this campaign's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The alerts, newest first (active: not resolved yet)."""
    from creative_ai.errors import InputError

    if status not in STATUSES:
        raise InputError(f"--status {status!r} is not one of {', '.join(STATUSES)}")
    found = _facts().alerts(None if status == "all" else status, campaign)
    if as_json:
        typer.echo(json.dumps(found.model_dump(), indent=2))
        return
    if not found.alerts:
        typer.echo(f"no {status} alerts" + (f" for {campaign}" if campaign else ""))
        return
    for a in found.alerts:
        extra = (
            f" by {a.acknowledged_by}"
            if a.status == "acknowledged"
            else f" until {a.snoozed_until}"
            if a.status == "snoozed"
            else ""
        )
        typer.echo(f"{a.alert_id:>5}  {a.status}{extra}  {a.severity}  {a.campaign_id or '-'}  {a.rule}: {a.summary}")


def _user() -> str:
    """Who runs the command: the login name, or the environment's when the system has no entry for this user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("LOGNAME") or "cli user"


def _act(alert_id: int, action: Action, by: str | None, until: str | None = None) -> None:
    from creative_ai.agent.lifecycle import apply, parse_until

    facts = _facts()
    moment = None if until is None else parse_until(until)
    alert = apply(facts.repo, alert_id, action, by=by or _user(), until=moment)
    line = facts.alert_line(alert)
    mute = f" ({line.rule} on {line.campaign_id or 'every campaign'})" if action in ("mute", "unmute") else ""
    typer.echo(f"alert {line.alert_id}: {action}{mute} done; it is now {line.status}")


@alerts_app.command("ack")
@handles_errors
def ack(alert_id: AlertId, by: By = None) -> None:
    """Acknowledge an alert: someone is on it, so no more reminders; it still resolves (and says so) when fixed."""
    _act(alert_id, "ack", by)


@alerts_app.command("snooze")
@handles_errors
def snooze(
    alert_id: AlertId,
    until: Annotated[str, typer.Option("--until", help="A duration (30m, 2h, 1d, 1w) or an ISO 8601 time.")],
    by: By = None,
) -> None:
    """Keep an alert quiet until a time; it is sent again then if its condition still holds."""
    _act(alert_id, "snooze", by, until)


@alerts_app.command("mute")
@handles_errors
def mute(
    alert_id: AlertId,
    until: Annotated[str | None, typer.Option("--until", help="A duration or a time (default: until unmuted).")] = None,
    by: By = None,
) -> None:
    """Mute the alert's rule on its campaign: its alerts are still recorded and resolved, but not sent."""
    _act(alert_id, "mute", by, until)


@alerts_app.command("unmute")
@handles_errors
def unmute(alert_id: AlertId, by: By = None) -> None:
    """Lift the mute on the alert's rule and campaign."""
    _act(alert_id, "unmute", by)
