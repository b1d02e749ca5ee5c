"""Alert bookkeeping: one active alert per (campaign, rule) and incident, reminders held back by a cooldown, the
lifecycle (acknowledged, snoozed, muted) and resolution when the condition re-evaluates clear."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from creative_ai.agent.condition import Condition
from creative_ai.db import tables as t
from creative_ai.db.alert_store import ACTIVE
from creative_ai.db.repository import Repository
from creative_ai.logs import log


@dataclass(frozen=True)
class Notice:
    """A message to draft and deliver now: a ``new`` alert, a ``reminder`` of one still open after the cooldown
    (or at the end of its snooze), or the announcement that one ``resolved`` (``condition`` None)."""

    alert_id: int
    kind: Literal["new", "reminder", "resolved"]
    condition: Condition | None


def reconcile(
    conditions: list[Condition],
    *,
    checked: set[tuple[str, str]],
    repo: Repository,
    now: datetime,
    cooldown: float,
    cooldowns: Mapping[str, float] | None = None,
) -> list[Notice]:
    """Record the current conditions as alerts; resolve the active alerts whose condition re-evaluated clear.

    Only an alert whose (campaign, rule) was ``checked`` this pass can clear: a rule that was not looked at
    (e.g. while a job of the campaign runs) leaves its alert as it is. One incident is one alert: while its
    condition holds, the alert is updated, never opened again.

    Returns the messages to draft and send: new alerts (not of a muted rule), reminders of open ones whose message
    reached someone longer than the cooldown ago (never of info alerts, which go out once, in a digest; never of
    acknowledged or snoozed ones), and resolutions of alerts whose message reached someone. ``cooldowns`` gives a
    rule its own (a sign-off reminder's is the sign-off SLA).
    """
    notices: list[Notice] = []
    current = {(c.campaign_id, c.rule) for c in conditions}
    muted = muted_pairs(repo, now)
    for alert in repo.alerts(status="active"):
        key = (alert.campaign_id, alert.rule)
        if key not in current and (key in checked or ("*", alert.rule) in checked):
            notices += _resolve(alert, repo, now)
    for c in conditions:
        quiet = (c.campaign_id, c.rule) in muted or ("*", c.rule) in muted
        latest = repo.latest_alert(c.campaign_id, c.rule)
        if latest is not None and latest.status in ACTIVE:
            repo.update_alert(latest.id, summary=c.summary, facts=c.facts, severity=c.severity, last_seen=now)
            wait = (cooldowns or {}).get(c.rule, cooldown)
            kind = _still_active(latest, c, quiet=quiet, repo=repo, now=now, cooldown=wait)
            if kind is not None:
                notices.append(Notice(latest.id, kind, c))
            continue
        if latest is not None and latest.severity == "info" and not _cooled(latest, now, cooldown):
            # A note that cleared and came back soon after it went out is the same note: reopened, not re-sent.
            repo.update_alert(
                latest.id,
                status="muted" if quiet else "open",
                resolved_at=None,
                summary=c.summary,
                facts=c.facts,
                last_seen=now,
            )
            log.info("alert_reopened_quietly", alert_id=latest.id, rule=c.rule, campaign_id=c.campaign_id)
            continue
        alert_id = repo.add_alert(
            campaign_id=c.campaign_id,
            rule=c.rule,
            status="muted" if quiet else "open",
            first_seen=now,
            notify_count=0,
            summary=c.summary,
            facts=c.facts,
            severity=c.severity,
            last_seen=now,
        )
        log.info("alert_opened", alert_id=alert_id, rule=c.rule, campaign_id=c.campaign_id, severity=c.severity)
        if not quiet:
            notices.append(Notice(alert_id, "new", c))
    return notices


def muted_pairs(repo: Repository, now: datetime) -> set[tuple[str, str]]:
    """The (campaign, rule) pairs muted now ("*" for every campaign); lapsed mutes are dropped."""
    pairs: set[tuple[str, str]] = set()
    for mute in repo.mutes():
        if mute.until is not None and aware(mute.until) <= now:
            repo.unmute(mute.campaign_id, mute.rule)
        else:
            pairs.add((mute.campaign_id, mute.rule))
    return pairs


def awake(alert: t.Alert) -> str:
    """The status an alert goes back to when its snooze or mute ends: acknowledged if someone had taken it on."""
    return "acknowledged" if alert.acknowledged_at is not None else "open"


def _resolve(alert: t.Alert, repo: Repository, now: datetime) -> list[Notice]:
    """Resolve the alert; its resolution is announced (in its thread) when its message had reached someone and it
    is worth a message (not a note, not muted); otherwise what was still waiting to go out is dropped."""
    repo.update_alert(alert.id, status="resolved", resolved_at=now, snoozed_until=None)
    log.info("alert_resolved", alert_id=alert.id, rule=alert.rule, campaign_id=alert.campaign_id)
    sent_alone = repo.delivery_round(alert.id) is not None  # a message of its own (a note only went in a digest)
    if alert.notified_at is not None and sent_alone and alert.status != "muted":
        return [Notice(alert.id, "resolved", None)]
    repo.drop_deliveries(alert.id)
    return []


def _still_active(
    alert: t.Alert, c: Condition, *, quiet: bool, repo: Repository, now: datetime, cooldown: float
) -> Literal["reminder"] | None:
    """Move an alert whose condition still holds along its lifecycle; ``reminder`` when it is to be sent again."""
    if quiet:
        if alert.status != "muted":
            repo.update_alert(alert.id, status="muted")
        return None
    if alert.status == "acknowledged":
        return None  # someone is on it: it stays quiet until it resolves
    if alert.status == "snoozed":
        if alert.snoozed_until is not None and aware(alert.snoozed_until) > now:
            return None
        repo.update_alert(alert.id, status=awake(alert), snoozed_until=None)
        log.info("alert_snooze_ended", alert_id=alert.id, rule=alert.rule, campaign_id=alert.campaign_id)
        return None if c.severity == "info" or awake(alert) == "acknowledged" else "reminder"
    if alert.status == "muted":  # its mute ended or was lifted
        repo.update_alert(alert.id, status=awake(alert))
        if awake(alert) == "acknowledged":
            return None
    if c.severity == "info":
        return None  # a note goes out once, in a digest
    return "reminder" if _remindable(alert, repo.delivery_round(alert.id), now, cooldown) else None


def aware(moment: datetime) -> datetime:
    """A time read back from the database as UTC (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def round_notified(alert: t.Alert, round_at: datetime) -> bool:
    """Whether the alert's message queued at ``round_at`` has reached someone (``notified_at`` is set when the
    first channel that reaches people accepts a message)."""
    return alert.notified_at is not None and aware(alert.notified_at) >= aware(round_at)


def _remindable(alert: t.Alert, round_at: datetime | None, now: datetime, cooldown: float) -> bool:
    """Whether to send an open alert again: its message reached someone and the cooldown has passed since.

    A message that no channel has accepted yet is being retried (the outbox), not replaced by a new one; an
    alert with nothing queued at all (its drafting failed) is drafted again."""
    if round_at is not None and not round_notified(alert, round_at):
        return False
    return _cooled(alert, now, cooldown)


def _cooled(alert: t.Alert, now: datetime, cooldown: float) -> bool:
    """Whether the alert's last notification is older than the cooldown (or it was never sent)."""
    if alert.notified_at is None:
        return True
    return (now - aware(alert.notified_at)).total_seconds() >= cooldown
