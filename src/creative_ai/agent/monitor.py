"""The monitoring agent: each pass reads the inbox, evaluates the rules, records alerts, drafts and delivers."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer

from creative_ai.agent.alerts import Notice, reconcile
from creative_ai.agent.delivery import Channel, Message, Router, SmtpChannel, WebhookChannel
from creative_ai.agent.drafting import AlertDrafter, Composed, Task, compose, make_drafter
from creative_ai.agent.inbox import InboxResult, scan_inbox
from creative_ai.agent.rules import evaluate
from creative_ai.config import Settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.facts import Facts
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import log
from creative_ai.mcp_server.server import build_server
from creative_ai.scrub import scrub
from creative_ai.storage import Store

HEARTBEAT_KEY = "agent"
LEGAL_RULES = ("compliance",)
IT_RULES = ("provider_access", "failure_burst", "stalled_job")


def build_router(settings: Settings) -> Router:
    """Log always; e-mail and Slack when configured; compliance to the legal desk, provider trouble to IT."""
    channels: dict[str, Channel] = {}
    smtp = dict(
        host=settings.smtp_host or "",
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )
    if settings.smtp_host and settings.alert_email_to:
        channels["email"] = SmtpChannel(recipients=settings.alert_email_to, **smtp)  # type: ignore[arg-type]
    if settings.smtp_host and settings.legal_email_to:
        channels["legal"] = SmtpChannel(recipients=settings.legal_email_to, **smtp)  # type: ignore[arg-type]
    if settings.smtp_host and settings.it_email_to:
        channels["it"] = SmtpChannel(recipients=settings.it_email_to, **smtp)  # type: ignore[arg-type]
    if settings.slack_webhook_url is not None:
        channels["webhook"] = WebhookChannel(settings.slack_webhook_url)
    common = [name for name in ("webhook",) if name in channels]
    default = [name for name in ("email",) if name in channels] + common
    routes: dict[str, list[str]] = {}
    for rules, desk in ((LEGAL_RULES, "legal"), (IT_RULES, "it")):
        if desk in channels:
            for rule in rules:
                routes[rule] = [desk, *common]
    return Router(routes, default, channels, attempts=settings.delivery_attempts, delay=settings.delivery_retry_delay)


@dataclass
class PassReport:
    inbox: list[InboxResult] = field(default_factory=list)
    conditions: int = 0
    notices: list[int] = field(default_factory=list)
    open_alerts: int = 0


class Agent:
    def __init__(
        self,
        settings: Settings,
        *,
        repo: Repository,
        store: Store,
        queue: JobQueue,
        router: Router | None = None,
        drafter: AlertDrafter | None = None,
    ) -> None:
        self.settings, self.repo, self.store, self.queue = settings, repo, store, queue
        self.router = router or build_router(settings)
        self.drafter = drafter or make_drafter(settings)
        self.facts = Facts(settings=settings, repo=repo, store=store)
        # The drafter's model reads facts only: the action tools stay off for the agent's own session.
        self.server: MCPServer = build_server(
            settings=settings.model_copy(update={"mcp_actions": False}), repo=repo, store=store
        )
        self.stop = threading.Event()
        self.watching: list[str] = []

    def heartbeat(self, status: str, **extra: Any) -> None:
        self.repo.set_setting(
            HEARTBEAT_KEY,
            {
                "status": status,
                "last_heartbeat": utcnow().isoformat(),
                "interval_s": self.settings.agent_interval,
                "host": f"{socket.gethostname()}:{os.getpid()}",
                "drafter": self.drafter.name,
                "watching": self.watching,
                **extra,
            },
        )

    def run_pass(self, now: datetime | None = None) -> PassReport:
        """One look at everything; an error in one step (or one alert) is logged and the rest still runs."""
        report = PassReport()
        self.heartbeat("running")
        report.inbox = scan_inbox(self.settings, repo=self.repo, queue=self.queue)
        moment = now or utcnow()
        evaluation = evaluate(self.facts, moment)
        report.conditions = len(evaluation.conditions)
        active = {j.campaign_id for j in self.repo.jobs(statuses=("queued", "running"))}
        self.watching = sorted(set(evaluation.campaigns) | active)[:200]
        notices = reconcile(
            evaluation.conditions,
            checked=evaluation.checked,
            repo=self.repo,
            now=moment,
            cooldown=self.settings.agent_cooldown,
        )
        for notice in notices:
            try:
                self.notify(notice, moment)
            except Exception as exc:  # noqa: BLE001 one alert failing must not starve the others
                log.error("alert_notify_failed", alert_id=notice.alert_id, error=self._safe(exc))
            report.notices.append(notice.alert_id)
        report.open_alerts = len(self.repo.alerts(status="open"))
        self.heartbeat("running", open_alerts=report.open_alerts, last_pass_conditions=report.conditions)
        return report

    def _safe(self, exc: BaseException) -> str:
        return scrub(f"{type(exc).__name__}: {exc}", self.settings)[:300]

    def notify(self, notice: Notice, now: datetime) -> None:
        c = notice.condition
        task = Task("alert", c.campaign_id, c.rule, c.severity, c.summary, c.facts)
        composed: Composed = anyio.run(lambda: compose(task, server=self.server, drafter=self.drafter))
        draft = composed.draft
        alert = next((a for a in self.repo.alerts(campaign_id=c.campaign_id) if a.id == notice.alert_id), None)
        first = alert is None or alert.notify_count == 0
        subject = draft.subject if first else f"Reminder: {draft.subject}"
        results = self.router.deliver(Message(subject, draft.body, c.rule, c.campaign_id or None, c.severity))
        self.repo.update_alert(
            notice.alert_id,
            notified_at=now,
            notify_count=(alert.notify_count if alert else 0) + 1,
            draft=f"{subject}\n\n{draft.body}",
            drafter=draft.drafter,
            fact_check={
                **composed.check.as_dict(),
                "drafter": composed.first_drafter,
                "replaced": composed.replaced,
                "error": scrub(composed.error, self.settings) if composed.error else None,
            },
            deliveries=[r.__dict__ for r in results],
        )

    def email(self, campaign_id: str, reason: str | None) -> Composed:
        """The stakeholder e-mail about a campaign's delay, from the facts (fact checked like an alert)."""
        self.facts.campaign_details(campaign_id)  # InputError naming the known campaigns when unknown
        task = Task("email", campaign_id, rule="stakeholder_email", reason=reason)
        composed: Composed = anyio.run(lambda: compose(task, server=self.server, drafter=self.drafter))
        return composed

    def run(self, *, once: bool = False) -> None:
        """Passes every ``agent_interval`` seconds until stopped (or one pass with ``once``)."""
        log.info("agent_started", interval=self.settings.agent_interval, drafter=self.drafter.name)
        try:
            while not self.stop.is_set():
                try:
                    self.run_pass()
                except Exception as exc:  # noqa: BLE001 one bad pass must not end the watch
                    log.error("agent_pass_failed", error=self._safe(exc))
                if once:
                    break
                self.stop.wait(self.settings.agent_interval)
        finally:
            self.heartbeat("stopped")
            log.info("agent_stopped")
