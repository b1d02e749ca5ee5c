"""Alert bookkeeping: one open alert per (campaign, rule), repeats held back by a cooldown, auto-resolve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from creative_ai.agent.condition import Condition
from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.logs import log


@dataclass(frozen=True)
class Notice:
    """An alert to draft and deliver now: ``new``, or a ``reminder`` of one still open after the cooldown."""

    alert_id: int
    kind: Literal["new", "reminder"]
    condition: Condition


def reconcile(
    conditions: list[Condition],
    *,
    checked: set[tuple[str, str]],
    repo: Repository,
    now: datetime,
    cooldown: float,
) -> list[Notice]:
    """Record the current conditions as alerts; resolve the open alerts whose condition cleared.

    Only an alert whose (campaign, rule) was ``checked`` this pass can clear: a rule that was not looked at
    (e.g. while a job of the campaign runs) leaves its alert as it is.

    Returns the alerts to draft and send: new ones, and open ones whose message reached someone longer than the
    cooldown ago (one whose message no channel has accepted yet is left to the outbox's retries). An alert that
    cleared and came back within the cooldown of its last notification is reopened without being sent again.
    """
    notices: list[Notice] = []
    current = {(c.campaign_id, c.rule) for c in conditions}
    for alert in repo.alerts(status="open"):
        key = (alert.campaign_id, alert.rule)
        if key not in current and (key in checked or ("*", alert.rule) in checked):
            repo.update_alert(alert.id, status="resolved", resolved_at=now)
            log.info("alert_resolved", alert_id=alert.id, rule=alert.rule, campaign_id=alert.campaign_id)
    for c in conditions:
        latest = repo.latest_alert(c.campaign_id, c.rule)
        if latest is not None and latest.status == "open":
            repo.update_alert(latest.id, summary=c.summary, facts=c.facts, severity=c.severity, last_seen=now)
            if _remindable(latest, repo.delivery_round(latest.id), now, cooldown):
                notices.append(Notice(latest.id, "reminder", c))
            continue
        if latest is not None and not _cooled(latest, now, cooldown):
            repo.update_alert(
                latest.id,
                status="open",
                resolved_at=None,
                summary=c.summary,
                facts=c.facts,
                severity=c.severity,
                last_seen=now,
            )
            log.info("alert_reopened_quietly", alert_id=latest.id, rule=c.rule, campaign_id=c.campaign_id)
            continue
        alert_id = repo.add_alert(
            campaign_id=c.campaign_id,
            rule=c.rule,
            status="open",
            first_seen=now,
            notify_count=0,
            summary=c.summary,
            facts=c.facts,
            severity=c.severity,
            last_seen=now,
        )
        log.info("alert_opened", alert_id=alert_id, rule=c.rule, campaign_id=c.campaign_id, severity=c.severity)
        notices.append(Notice(alert_id, "new", c))
    return notices


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
