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

    Returns the alerts to send. An alert that cleared and came back within the cooldown of its last
    notification is reopened without being sent again.
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
            if _cooled(latest, now, cooldown):
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


def _cooled(alert: t.Alert, now: datetime, cooldown: float) -> bool:
    """Whether the alert's last notification is older than the cooldown (or it was never sent)."""
    if alert.notified_at is None:
        return True
    sent = alert.notified_at if alert.notified_at.tzinfo else alert.notified_at.replace(tzinfo=UTC)
    return (now - sent).total_seconds() >= cooldown
