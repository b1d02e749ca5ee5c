"""The monitoring agent: each pass takes (or renews) the agents' lease, reads the inbox, evaluates the rules,
records alerts, drafts their messages and sends what is due on each channel. An agent without the lease only
beats as standby."""

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
from creative_ai.agent.announce import DIGEST_RULE, make_digest, resolution_draft
from creative_ai.agent.delivery import Channel, DeliveryResult, PeopleChannel, Router, SmtpChannel, WebhookChannel
from creative_ai.agent.drafting import AlertDrafter, Composed, Task, compose, make_drafter
from creative_ai.agent.inbox import InboxResult, scan_inbox
from creative_ai.agent.leader import Leadership, lease_seconds
from creative_ai.agent.outbox import Outbox
from creative_ai.agent.rules import evaluate
from creative_ai.config import Settings
from creative_ai.db.delivery_store import AGENT_HEARTBEAT, AGENT_STANDBY
from creative_ai.db.repository import Repository, utcnow
from creative_ai.facts import Facts
from creative_ai.jobs.queue import JobQueue
from creative_ai.logs import log
from creative_ai.mcp_server.server import build_server
from creative_ai.scrub import scrub
from creative_ai.storage import Store

HEARTBEAT_KEY = AGENT_HEARTBEAT
LEGAL_RULES = ("compliance",)
IT_RULES = ("provider_access", "failure_burst", "stalled_job")
PEOPLE_RULES = ("signoff_pending",)  # to the people who hold the roles it waits for


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
    if settings.smtp_host:
        channels["people"] = PeopleChannel(recipients=settings.alert_email_to, **smtp)  # type: ignore[arg-type]
    if settings.slack_webhook_url is not None:
        channels["webhook"] = WebhookChannel(settings.slack_webhook_url)
    common = [name for name in ("webhook",) if name in channels]
    default = [name for name in ("email",) if name in channels] + common
    routes: dict[str, list[str]] = {}
    for rules, desk in ((LEGAL_RULES, "legal"), (IT_RULES, "it"), (PEOPLE_RULES, "people")):
        if desk in channels:
            for rule in rules:
                routes[rule] = [desk, *common]
    return Router(routes, default, channels, attempts=settings.delivery_attempts, delay=settings.delivery_retry_delay)


@dataclass
class PassReport:
    role: str = "leader"  # or standby: another agent holds the lease, nothing was done
    inbox: list[InboxResult] = field(default_factory=list)
    conditions: int = 0
    notices: list[int] = field(default_factory=list)
    deliveries: list[DeliveryResult] = field(default_factory=list)
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
        self.leadership = Leadership(repo, lease_s=lease_seconds(settings))
        self.outbox = Outbox(settings, repo=repo, router=self.router, hold_s=self.leadership.lease_s)
        self.standing_by = False
        self.settle = False  # one pass (--once): the jobs it takes from the inbox end before the rules look

    def heartbeat(self, status: str, **extra: Any) -> None:
        self.repo.set_setting(
            HEARTBEAT_KEY,
            {
                "status": status,
                "last_heartbeat": utcnow().isoformat(),
                "interval_s": self.settings.agent_interval,
                "host": f"{socket.gethostname()}:{os.getpid()}",
                "holder": self.leadership.holder,
                "drafter": self.drafter.name,
                "watching": self.watching,
                **extra,
            },
        )

    @property
    def standby_key(self) -> str:
        return f"{AGENT_STANDBY}{self.leadership.id}"

    def run_pass(self, now: datetime | None = None) -> PassReport:
        """One look at everything when this agent holds the lease (else a standby beat); an error in one step
        (or one alert) is logged and the rest still runs."""
        if not self.leadership.hold():
            self.repo.set_setting(
                self.standby_key,
                {
                    "status": "standby",
                    "last_heartbeat": utcnow().isoformat(),
                    "interval_s": self.settings.agent_interval,
                    "holder": self.leadership.holder,
                },
            )
            self.standing_by = True
            return PassReport(role="standby")
        if self.standing_by:  # it has just taken over
            self.repo.delete_setting(self.standby_key)
            self.standing_by = False
        report = PassReport()
        self.heartbeat("running")
        report.inbox = scan_inbox(self.settings, repo=self.repo, queue=self.queue)
        if self.settle and any(r.job_id for r in report.inbox):
            while not self.queue.drain(timeout=1.0) and not self.stop.is_set():
                pass  # a stop signal cuts the wait short (the process still ends its jobs, or hands them over)
        moment = now or utcnow()
        evaluation = evaluate(self.facts, moment)
        report.conditions = len(evaluation.conditions)
        active = {j.campaign_id for j in self.repo.jobs(statuses=("queued", "running"))}
        self.watching = sorted(set(evaluation.campaigns) | active)[:200]
        if not self.leadership.hold():  # the pass outlived the lease: another agent leads now, and records alerts
            report.role = "standby"
            return report
        notices = reconcile(
            evaluation.conditions,
            checked=evaluation.checked,
            repo=self.repo,
            now=moment,
            cooldown=self.settings.agent_cooldown,
            cooldowns={"signoff_pending": self.settings.agent_signoff_sla},  # reminded once per SLA period
        )
        for notice in notices:
            try:
                self.notify(notice, moment)
            except Exception as exc:  # noqa: BLE001 one alert failing must not starve the others
                log.error("alert_notify_failed", alert_id=notice.alert_id, error=self._safe(exc))
            report.notices.append(notice.alert_id)
        digest = make_digest(self.repo, moment, interval=self.settings.agent_digest_interval)
        if digest is not None:
            self.outbox.queue(digest, DIGEST_RULE, moment, "info")
            report.notices.append(digest)
        report.deliveries = self.outbox.send_due(moment, holding=self.leadership.hold)
        report.open_alerts = len(self.repo.alerts(status="active"))
        self.heartbeat("running", open_alerts=report.open_alerts, last_pass_conditions=report.conditions)
        return report

    def _safe(self, exc: BaseException) -> str:
        return scrub(f"{type(exc).__name__}: {exc}", self.settings)[:300]

    def notify(self, notice: Notice, now: datetime) -> None:
        """Draft the alert's message and queue it for each of its channels (the outbox sends it). A resolution is
        written from the facts; a note (info) is not drafted alone: it goes out in the next digest."""
        c = notice.condition
        if c is None:
            alert = self.repo.alert(notice.alert_id)
            if alert is not None:
                self.repo.update_alert(alert.id, draft=resolution_draft(alert, self.facts, now), deliveries=[])
                self.outbox.queue_resolution(alert.id, now)
            return
        if c.severity == "info":
            return
        task = Task("alert", c.campaign_id, c.rule, c.severity, c.summary, c.facts)
        composed: Composed = anyio.run(lambda: compose(task, server=self.server, drafter=self.drafter))
        draft = composed.draft
        alert = self.repo.alert(notice.alert_id)
        first = alert is None or alert.notify_count == 0
        subject = " ".join((draft.subject if first else f"Reminder: {draft.subject}").splitlines())  # one line
        self.repo.update_alert(
            notice.alert_id,
            draft=f"{subject}\n\n{draft.body}",
            drafter=draft.drafter,
            fact_check={
                **composed.check.as_dict(),
                "drafter": composed.first_drafter,
                "replaced": composed.replaced,
                "error": scrub(composed.error, self.settings) if composed.error else None,
            },
            deliveries=[],
        )
        self.outbox.queue(notice.alert_id, c.rule, now, c.severity)

    def email(self, campaign_id: str, reason: str | None) -> Composed:
        """The stakeholder e-mail about a campaign's delay, from the facts (fact checked like an alert)."""
        from creative_ai.agent.briefing import email_facts

        facts = email_facts(self.facts, campaign_id)  # InputError naming the known campaigns when unknown
        task = Task("email", campaign_id, rule="stakeholder_email", facts=facts, reason=reason)
        composed: Composed = anyio.run(lambda: compose(task, server=self.server, drafter=self.drafter))
        return composed

    def run(self, *, once: bool = False) -> None:
        """Passes every ``agent_interval`` seconds until stopped (or one pass with ``once``, which waits for the
        jobs it takes from the inbox to end, in-process, so their failures are alerted on in that pass)."""
        self.settle = once
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
            self.stand_down()
            log.info("agent_stopped")

    def stand_down(self) -> None:
        """A clean stop: the leader says so and gives its lease up (a standby agent takes over at its next pass);
        a standby agent removes its beat."""
        if self.leadership.leading:
            self.heartbeat("stopped")
            self.leadership.release()
        elif self.standing_by:
            self.repo.delete_setting(self.standby_key)
