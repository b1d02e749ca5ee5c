"""Alert messages waiting for their channels: queued per channel, sent when due, retried with backoff.

An alert's message is queued for every channel its rule is routed to. Each pass sends the due deliveries (of open
alerts, of resolutions and of digests; an acknowledged, snoozed or muted alert's wait) and records each channel's
outcome. A channel that accepted is never sent the same message again; one that
refused is tried again by a later pass after a backoff (base, 2 × base, 4 × base …, capped). The alert counts as
notified (``notified_at``, ``notify_count``) when the first channel that reaches people accepts its message;
``log`` is a record, and counts only when it is the alert's only channel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from creative_ai.agent.alerts import aware, round_notified
from creative_ai.agent.delivery import DeliveryResult, Message, Router
from creative_ai.config import Settings
from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.logs import log, without_url_paths
from creative_ai.scrub import scrub


def thread_of(alert: t.Alert) -> str:
    """The stable name of the alert's thread (its first message's Message-ID, before the domain)."""
    return f"creative-ai.alert-{alert.id}.{int(aware(alert.first_seen).timestamp())}"


def retry_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after a channel's ``attempts``-th failed pass: base, 2 × base, 4 × base …, at most cap."""
    return float(min(cap, base * 2 ** min(max(attempts - 1, 0), 40)))


class Outbox:
    def __init__(self, settings: Settings, *, repo: Repository, router: Router, hold_s: float) -> None:
        self.settings, self.repo, self.router = settings, repo, router
        self.base = settings.delivery_backoff or settings.agent_interval
        self.hold_s = hold_s  # a claimed delivery whose sender died is due again after this

    def queue(self, alert_id: int, rule: str, now: datetime, severity: str = "info") -> None:
        """Queue the alert's (newly drafted) message for every channel its rule goes to."""
        self.repo.queue_deliveries(alert_id, self.router.targets(rule, severity), now=now)

    def queue_resolution(self, alert_id: int, now: datetime) -> None:
        """Queue the alert's resolution for the channels that accepted a message of it (nobody else heard of it),
        even when its latest message (a reminder) was still waiting for them."""
        heard = [r.channel for r in self.repo.deliveries(alert_id) if r.delivered_at is not None]
        self.repo.queue_deliveries(alert_id, heard, now=now)

    def send_due(self, now: datetime, *, holding: Callable[[], bool]) -> list[DeliveryResult]:
        """Send every due delivery, alert by alert while ``holding()`` (the lease) is still true;
        one alert failing does not stop the others."""
        due: dict[int, list[t.AlertDelivery]] = {}
        for row in self.repo.due_deliveries(now):
            due.setdefault(row.alert_id, []).append(row)
        results: list[DeliveryResult] = []
        for alert_id, rows in due.items():
            if not holding():
                log.warning("alert_delivery_deferred", alert_id=alert_id, reason="the agent lost its lease")
                break
            try:
                results += self._send(alert_id, rows, now)
            except Exception as exc:  # noqa: BLE001 one alert failing must not starve the others
                log.error("alert_notify_failed", alert_id=alert_id, error=self._safe(f"{type(exc).__name__}: {exc}"))
        return results

    def _safe(self, text: str) -> str:
        return scrub(without_url_paths(text), self.settings)[:300]

    def _send(self, alert_id: int, rows: list[t.AlertDelivery], now: datetime) -> list[DeliveryResult]:
        alert = self.repo.alert(alert_id)
        if alert is None or alert.draft is None:
            return []
        until = now + timedelta(seconds=self.hold_s)
        claimed = {r.channel: r for r in rows if self.repo.claim_delivery(alert_id, r.channel, now=now, until=until)}
        if not claimed:
            return []
        subject, _, body = alert.draft.partition("\n\n")
        thread = None if alert.status == "digest" else thread_of(alert)
        reply = alert.status == "resolved" or alert.notify_count > 0
        named = (alert.facts or {}).get("recipients")
        people = tuple(str(r) for r in named) if isinstance(named, list) else ()
        message = Message(subject, body, alert.rule, alert.campaign_id or None, alert.severity, thread, reply, people)
        results = self.router.deliver(message, channels=list(claimed))
        for result in results:
            tries = claimed[result.channel].attempts + 1
            wait = retry_delay(tries, base=self.base, cap=self.settings.delivery_backoff_max)
            error = None if result.ok else self._safe(result.error or "refused")
            self.repo.record_delivery(
                alert_id, result.channel, error=error, now=now, retry_at=now + timedelta(seconds=wait)
            )
            if not result.ok:
                log.info("alert_delivery_retry", alert_id=alert_id, channel=result.channel, attempts=tries, wait_s=wait)
        self._record_on_alert(alert, results, now)
        return results

    def _record_on_alert(self, alert: t.Alert, results: list[DeliveryResult], now: datetime) -> None:
        """Each channel's latest outcome on the alert; notified once a channel that reaches people accepted."""
        rows = self.repo.deliveries(alert.id)
        people = {r.channel for r in rows if r.channel != "log"} or {r.channel for r in rows}
        order = {name: n for n, name in enumerate(self.router.targets(alert.rule, alert.severity))}
        latest = {str(d["channel"]): d for d in alert.deliveries or []}
        latest.update({r.channel: dict(r.__dict__) for r in results})
        deliveries = sorted(latest.values(), key=lambda d: order.get(str(d["channel"]), len(order)))
        round_at = max((r.queued_at for r in rows), default=None)
        reached = any(r.ok and r.channel in people for r in results)
        if alert.status == "resolved":  # its resolution: the alert was counted as notified before
            self.repo.update_alert(alert.id, deliveries=deliveries)
            if reached:
                log.info("alert_resolution_sent", alert_id=alert.id)
        elif reached and round_at is not None and not round_notified(alert, round_at):
            self.repo.update_alert(
                alert.id, notified_at=now, notify_count=alert.notify_count + 1, deliveries=deliveries
            )
            log.info("alert_notified", alert_id=alert.id, channels=sorted(r.channel for r in results if r.ok))
            if alert.status == "digest":  # the notes it carried reached someone too
                for note in self.repo.digested(alert.id):
                    self.repo.update_alert(note.id, notified_at=now, notify_count=note.notify_count + 1)
        else:
            self.repo.update_alert(alert.id, deliveries=deliveries)
