"""Delivery you can rely on: an alert counts as delivered only on the channels that accepted it; the others are
tried again by later passes with backoff (never the ones that accepted); one agent at a time leads (a lease in
the database), so two running agents send each alert once, and the other takes over when the leader dies; the
open alerts' deliveries are in /agent/status and /metrics. Against a real aiosmtpd server (stopped and started
again) and a real webhook server; the two agents are real ``creative-ai agent`` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy.exc import SQLAlchemyError

from creative_ai.agent.monitor import Agent
from creative_ai.agent.outbox import retry_delay
from creative_ai.api import create_app
from creative_ai.config import get_settings
from creative_ai.db.delivery_store import AGENT_LEASE, AGENT_STANDBY
from creative_ai.db.repository import Repository, utcnow
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief, write_brief
from tests.receivers import Hook, _Collector
from tests.servers import free_port

KEY = "delivery-status-key"
BACKOFF = 60.0


class Sink:
    """A real SMTP server on a fixed port that can be down (nothing listens) and come back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.collector = _Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def subjects(self, campaign_id: str | None = None) -> list[str]:
        # (a long Subject with a non-ASCII character is folded, and can come back with a space doubled)
        found = [" ".join(str(m.message["Subject"]).split()) for m in self.collector.received]
        return [s for s in found if campaign_id is None or s.endswith(f"— {campaign_id}")]


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(workdir: Path, sink: Sink, webhook: Hook, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {
        "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out"),
        "CREATIVE_AI_SMTP_HOST": "127.0.0.1",
        "CREATIVE_AI_SMTP_PORT": str(sink.port),
        "CREATIVE_AI_ALERT_EMAIL_TO": '["marketing@example.com"]',
        "CREATIVE_AI_SLACK_WEBHOOK_URL": webhook.url,
        "CREATIVE_AI_DELIVERY_RETRY_DELAY": "0",
        "CREATIVE_AI_DELIVERY_BACKOFF": str(BACKOFF),
        "CREATIVE_AI_AGENT_INBOX": str(workdir / "inbox"),
        "CREATIVE_AI_AGENT_LLM": "template",
    }.items():
        monkeypatch.setenv(key, value)
    return workdir


def _agent() -> Agent:
    settings = get_settings()
    repo = Repository.open(settings.database_url)
    return Agent(
        settings, repo=repo, store=LocalStore(settings.output_dir), queue=InProcessJobs(settings=settings, repo=repo)
    )


def _states(agent: Agent, alert_id: int) -> dict[str, tuple[str, int]]:
    return {d.channel: (d.status, d.attempts) for d in agent.repo.deliveries(alert_id)}


def _thin(make_campaign: Callable[..., Any], env: Path, campaign_id: str = "thin") -> None:
    """A campaign with one creative per product: the few_variants alert."""
    path = write_brief(env, base_brief(campaign_id=campaign_id), name=f"{campaign_id}.json")
    assert make_campaign(path).status == "succeeded"


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def test_backoff_doubles_up_to_its_cap(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [retry_delay(n, base=60, cap=3600) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    monkeypatch.delenv("CREATIVE_AI_DELIVERY_BACKOFF")
    monkeypatch.setenv("CREATIVE_AI_AGENT_INTERVAL", "7")
    agent = _agent()
    assert agent.outbox.base == 7 and agent.settings.delivery_backoff_max == 3600  # by default: the next pass
    assert agent.leadership.lease_s == 30  # three intervals, at least 30 s
    monkeypatch.setenv("CREATIVE_AI_AGENT_INTERVAL", "20")
    assert _agent().leadership.lease_s == 60


def test_channels_down_on_the_first_pass_get_the_alert_once_when_they_are_back(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    _thin(make_campaign, env)
    webhook.always_fail = True  # and nothing listens on the SMTP port yet
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None and alert.status == "open"
    assert sink.subjects() == [] and webhook.bodies == [] and webhook.calls == 3
    assert alert.notified_at is None and alert.notify_count == 0  # the log alone reached nobody
    assert _states(agent, alert.id) == {"log": ("delivered", 1), "email": ("failed", 1), "webhook": ("failed", 1)}
    errors = {d.channel: d.last_error for d in agent.repo.deliveries(alert.id)}
    assert errors["webhook"] == "webhook returned HTTP 500" and "SECRET123" not in str(errors)
    assert str(errors["email"]).startswith(f"smtp 127.0.0.1:{sink.port} failed")

    sink.start()
    webhook.always_fail = False
    agent.run_pass(now=t0 + timedelta(seconds=BACKOFF / 2))  # both back, but the backoff has not passed
    assert sink.subjects() == [] and webhook.calls == 3
    retried = t0 + timedelta(seconds=BACKOFF + 1)
    agent.run_pass(now=retried)
    assert sink.subjects() == ["[creative-ai] warning: too few distinct creatives — thin"]
    assert len(webhook.bodies) == 1 and "thin" in webhook.bodies[0]["text"]
    assert _states(agent, alert.id) == {"log": ("delivered", 1), "email": ("delivered", 2), "webhook": ("delivered", 2)}
    alert = agent.repo.alert(alert.id)
    assert alert is not None and _aware(alert.notified_at) == retried and alert.notify_count == 1

    agent.run_pass(now=retried + timedelta(seconds=120))  # still open, within the cooldown: nothing more
    assert len(sink.subjects()) == 1 and len(webhook.bodies) == 1

    # The cooldown counts from the delivery, not from the first try: a reminder only after it.
    cooldown = timedelta(seconds=agent.settings.agent_cooldown)
    agent.run_pass(now=t0 + cooldown + timedelta(seconds=BACKOFF / 2))
    assert len(sink.subjects()) == 1 and len(webhook.bodies) == 1
    agent.run_pass(now=retried + cooldown)
    assert sink.subjects()[1] == "Reminder: [creative-ai] warning: too few distinct creatives — thin"
    assert len(webhook.bodies) == 2 and len(sink.subjects()) == 2


def test_a_channel_that_accepted_is_not_sent_again_while_another_is_retried(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    _accepted_is_not_sent_again(make_campaign, env, sink, webhook, _agent())


def test_a_channel_that_accepted_is_not_sent_again_on_postgresql(
    make_campaign: Callable[..., Any],
    env: Path,
    sink: Sink,
    webhook: Hook,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREATIVE_AI_DATABASE_URL", postgres_url)
    agent = _agent()
    try:
        _accepted_is_not_sent_again(make_campaign, env, sink, webhook, agent)
    finally:
        agent.repo.engine.dispose()  # before the database is dropped


def _accepted_is_not_sent_again(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook, agent: Agent
) -> None:
    _thin(make_campaign, env)
    sink.start()
    webhook.always_fail = True
    t0 = utcnow()
    agent.run_pass(now=t0)
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None
    assert len(sink.subjects()) == 1 and webhook.bodies == [] and webhook.calls == 3
    assert _aware(alert.notified_at) == t0 and alert.notify_count == 1  # the e-mail reached someone

    second = t0 + timedelta(seconds=BACKOFF + 1)
    agent.run_pass(now=second)  # the webhook is tried again (still failing); the e-mail is not sent again
    assert len(sink.subjects()) == 1 and webhook.calls == 6
    assert _states(agent, alert.id)["webhook"] == ("failed", 2)
    agent.run_pass(now=second + timedelta(seconds=1.5 * BACKOFF))  # the wait doubled: not due yet
    assert webhook.calls == 6

    webhook.always_fail = False
    agent.run_pass(now=second + timedelta(seconds=2 * BACKOFF + 1))
    assert len(webhook.bodies) == 1 and webhook.calls == 7
    assert len(sink.subjects()) == 1
    assert _states(agent, alert.id) == {"log": ("delivered", 1), "email": ("delivered", 1), "webhook": ("delivered", 3)}
    alert = agent.repo.alert(alert.id)
    assert alert is not None and alert.notify_count == 1 and _aware(alert.notified_at) == t0
    by_channel = {d["channel"]: d for d in alert.deliveries or []}
    assert [d["channel"] for d in alert.deliveries or []] == ["log", "email", "webhook"]
    assert by_channel["webhook"] == {"channel": "webhook", "ok": True, "attempts": 1, "error": None}


def test_retries_stop_when_the_alert_resolves(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    _thin(make_campaign, env)
    sink.start()
    webhook.always_fail = True
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    assert len(sink.subjects()) == 1 and webhook.calls == 3
    fixed = base_brief(campaign_id="thin", aspect_ratios=["1x1", "9x16", "16x9"])
    assert make_campaign(write_brief(env, fixed, name="thin.json")).status == "succeeded"
    webhook.always_fail = False
    agent.run_pass(now=t0 + timedelta(seconds=BACKOFF + 1))
    assert [(a.rule, a.status) for a in agent.repo.alerts()] == [("few_variants", "resolved")]
    # The webhook, which never took the alert, is not retried and hears nothing of its resolution; the e-mail
    # readers, who had it, get the all-clear.
    assert webhook.calls == 3 and len(sink.subjects()) == 2 and sink.subjects()[1].startswith("Resolved: ")
    assert agent.repo.delivery_counts() == []  # and nothing is outstanding


def test_the_log_counts_as_notified_only_when_it_is_the_only_channel(
    make_campaign: Callable[..., Any], env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("CREATIVE_AI_SMTP_HOST", "CREATIVE_AI_SLACK_WEBHOOK_URL"):
        monkeypatch.delenv(key)
    _thin(make_campaign, env)
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None and _aware(alert.notified_at) == t0 and alert.notify_count == 1
    assert _states(agent, alert.id) == {"log": ("delivered", 1)}
    assert agent.run_pass(now=t0 + timedelta(seconds=BACKOFF + 1)).notices == []  # within the cooldown


def test_status_and_metrics_show_deliveries_while_a_channel_is_down(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    _thin(make_campaign, env)  # the SMTP server is down
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    with TestClient(create_app(get_settings(api_key=KEY))) as client:
        status = client.get("/agent/status", headers={"X-API-Key": KEY}).json()
        assert status["deliveries"] == {
            "email": {"pending": 0, "failed": 1, "delivered": 0},
            "log": {"pending": 0, "failed": 0, "delivered": 1},
            "webhook": {"pending": 0, "failed": 0, "delivered": 1},
        }
        assert status["status"] == "running" and status["standby"] == 0
        assert status["leader"] == agent.leadership.holder and status["lease_expires_at"].endswith("+00:00")
        assert client.get("/agent/status").json()["leader"] is None  # the leader's host only with the key
        metrics = client.get("/metrics").text
        assert 'creative_ai_alert_deliveries{channel="email",status="failed"} 1.0' in metrics
        assert 'creative_ai_alert_deliveries{channel="webhook",status="delivered"} 1.0' in metrics
        assert "creative_ai_agent_leader 1.0" in metrics

        sink.start()
        agent.run_pass(now=t0 + timedelta(seconds=BACKOFF + 1))
        assert len(sink.subjects()) == 1 and len(webhook.bodies) == 1
        status = client.get("/agent/status").json()
        assert status["deliveries"]["email"] == {"pending": 0, "failed": 0, "delivered": 1}
        assert 'creative_ai_alert_deliveries{channel="email",status="delivered"} 1.0' in client.get("/metrics").text

        agent.stand_down()  # a clean stop gives the lease up
        status = client.get("/agent/status", headers={"X-API-Key": KEY}).json()
        assert status["status"] == "stopped" and status["leader"] is None and status["lease_expires_at"] is None
        assert "creative_ai_agent_leader 0.0" in client.get("/metrics").text


def test_a_message_queued_but_not_sent_is_pending_and_the_next_pass_sends_it(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass that stops between queueing an alert and sending it leaves it ``pending``: the next pass sends it."""
    _thin(make_campaign, env)
    sink.start()
    agent = _agent()

    def broken(now: datetime, **_: Any) -> list[Any]:
        raise RuntimeError("stopped before sending")

    monkeypatch.setattr(agent.outbox, "send_due", broken)
    t0 = utcnow()
    with pytest.raises(RuntimeError):
        agent.run_pass(now=t0)
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None
    assert _states(agent, alert.id) == {"log": ("pending", 0), "email": ("pending", 0), "webhook": ("pending", 0)}
    with TestClient(create_app(get_settings())) as client:
        assert client.get("/agent/status").json()["deliveries"]["email"] == {"pending": 1, "failed": 0, "delivered": 0}
    monkeypatch.undo()
    agent.run_pass(now=t0 + timedelta(seconds=1))
    assert len(sink.subjects()) == 1
    assert set(_states(agent, alert.id).values()) == {("delivered", 1)}


def test_only_the_lease_holder_evaluates_and_sends(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    """Two agents on one database: the second only beats as standby; an agent whose lease was taken sends nothing
    more, not even in the middle of its pass, and the new holder sends what is due once."""
    _thin(make_campaign, env)
    sink.start()
    webhook.always_fail = True
    first, second = _agent(), _agent()
    t0 = utcnow()
    assert first.run_pass(now=t0).role == "leader"
    assert second.run_pass(now=t0).role == "standby"
    assert len(sink.subjects()) == 1 and webhook.calls == 3 and len(first.repo.alerts()) == 1
    with TestClient(create_app(get_settings())) as client:
        assert client.get("/agent/status").json()["standby"] == 1

    # The second takes the lease over (as when the first stalled past it): the first stops at its next send.
    later = utcnow() + timedelta(seconds=first.leadership.lease_s + 1)
    assert second.repo.acquire_lease(AGENT_LEASE, second.leadership.holder, lease_s=60, now=later)
    webhook.always_fail = False
    retry = t0 + timedelta(seconds=BACKOFF + 1)
    assert first.outbox.send_due(retry, holding=first.leadership.hold) == []
    assert webhook.calls == 3 and first.leadership.leading is False
    assert first.run_pass(now=retry).role == "standby"
    assert second.run_pass(now=retry).role == "leader"
    assert len(webhook.bodies) == 1 and webhook.calls == 4 and len(sink.subjects()) == 1
    assert len(second.repo.alerts()) == 1
    assert list(second.repo.settings_under(AGENT_STANDBY)) == [first.standby_key]


def test_the_lease_goes_to_one_holder_at_a_time(env: Path) -> None:
    repo = Repository.open(get_settings().database_url)
    _lease_rules(repo)


def test_the_lease_goes_to_one_holder_at_a_time_on_postgresql(postgres_url: str) -> None:
    repo = Repository.open(postgres_url)
    try:
        _lease_rules(repo)
    finally:
        repo.engine.dispose()


def _lease_rules(repo: Repository) -> None:
    t0 = utcnow()
    assert repo.acquire_lease("agent", "a", lease_s=30, now=t0) is True
    assert repo.acquire_lease("agent", "b", lease_s=30, now=t0 + timedelta(seconds=1)) is False
    assert repo.acquire_lease("agent", "a", lease_s=30, now=t0 + timedelta(seconds=20)) is True  # renewed
    assert repo.acquire_lease("agent", "b", lease_s=30, now=t0 + timedelta(seconds=40)) is False  # still a's
    assert repo.acquire_lease("agent", "b", lease_s=30, now=t0 + timedelta(seconds=51)) is True  # a's lapsed
    assert repo.acquire_lease("agent", "a", lease_s=30, now=t0 + timedelta(seconds=52)) is False
    repo.release_lease("agent", "a")  # not a's any more: nothing happens
    assert repo.acquire_lease("agent", "a", lease_s=30, now=t0 + timedelta(seconds=53)) is False
    repo.release_lease("agent", "b")
    assert repo.lease("agent") is None
    assert repo.acquire_lease("agent", "a", lease_s=30) is True
    held = repo.lease("agent")
    assert held is not None and held.holder == "a" and held.expires_at > utcnow()


# -- two real agent processes ------------------------------------------------------------------------------------


def _until(check: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except SQLAlchemyError:
            pass  # not migrated yet
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting: {what}")


def _passes(repo: Repository, key: Callable[[], str], count: int) -> None:
    """Wait until the beat under ``key()`` has changed ``count`` times: that many more passes were made."""
    seen: list[object] = []

    def moved() -> bool:
        beat = (repo.get_setting(key()) or {}).get("last_heartbeat")
        if beat is not None and (not seen or seen[-1] != beat):
            seen.append(beat)
        return len(seen) > count

    _until(moved, f"{count} passes beating under {key()}")


def _start(env: Path, name: str) -> subprocess.Popen[bytes]:
    with (env / f"{name}.err").open("wb") as err:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [sys.executable, "-m", "creative_ai", "agent", "--interval", "0.3"],
            cwd=env, env=os.environ.copy(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip


def _holder_pid(repo: Repository) -> int | None:
    held = repo.lease(AGENT_LEASE)
    return int(held.holder.split(":")[-2]) if held is not None else None


def test_two_agent_processes_send_each_alert_once_and_the_other_takes_over(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATIVE_AI_AGENT_LEASE", "5")
    sink.start()
    _thin(make_campaign, env, "one")
    repo = Repository.open(get_settings().database_url)
    agents = {proc.pid: proc for proc in (_start(env, "a"), _start(env, "b"))}
    try:
        _until(lambda: len(sink.subjects("one")) >= 1, "the first alert")
        _passes(repo, lambda: "agent", 6)
        assert sink.subjects("one") == ["[creative-ai] warning: too few distinct creatives — one"]
        assert len(webhook.bodies) == 1
        (standby_key,) = repo.settings_under(AGENT_STANDBY)
        _passes(repo, lambda: standby_key, 3)  # the other agent is still there, standing by
        assert len(sink.subjects("one")) == 1 and len(webhook.bodies) == 1
        with TestClient(create_app(get_settings(api_key=KEY))) as client:
            status = client.get("/agent/status", headers={"X-API-Key": KEY}).json()
        leader = _holder_pid(repo)
        assert status["status"] == "running" and status["standby"] == 1
        assert leader is not None and status["leader"].split(":")[-2] == str(leader)

        # The leader dies (no clean stop, its lease stays until it lapses): the other takes over.
        os.kill(leader, signal.SIGKILL)
        agents.pop(leader).wait(timeout=30)
        (survivor,) = agents
        _thin(make_campaign, env, "two")
        _until(lambda: _holder_pid(repo) == survivor, "the standby agent to take over")
        _until(lambda: len(sink.subjects("two")) >= 1, "the second alert")
        _passes(repo, lambda: "agent", 4)
        assert sink.subjects("two") == ["[creative-ai] warning: too few distinct creatives — two"]
        assert sink.subjects("one") == ["[creative-ai] warning: too few distinct creatives — one"]  # not again
        assert len(webhook.bodies) == 2 and "two" in webhook.bodies[1]["text"]
        assert repo.settings_under(AGENT_STANDBY) == {}  # the survivor leads: it beats as the leader now
    finally:
        for proc in agents.values():
            proc.terminate()
        for proc in agents.values():
            proc.wait(timeout=30)
    logs = "".join((env / f"{name}.err").read_text()[-1500:] for name in ("a", "b"))
    assert all(proc.returncode == 0 for proc in agents.values()), logs
    assert repo.lease(AGENT_LEASE) is None  # a clean stop gave the lease up
    assert (repo.get_setting("agent") or {})["status"] == "stopped"


def test_a_resolution_reaches_those_who_had_the_alert_even_when_its_reminder_never_did(
    make_campaign: Callable[..., Any], env: Path, sink: Sink, webhook: Hook
) -> None:
    _thin(make_campaign, env)
    sink.start()
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    assert len(sink.subjects()) == 1 and len(webhook.bodies) == 1
    sink.stop()
    webhook.always_fail = True
    later = t0 + timedelta(seconds=agent.settings.agent_cooldown + 1)
    agent.run_pass(now=later)  # the reminder is refused everywhere
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None and {s for s, _ in _states(agent, alert.id).values()} == {"delivered", "failed"}
    fixed = base_brief(campaign_id="thin", aspect_ratios=["1x1", "9x16", "16x9"])
    assert make_campaign(write_brief(env, fixed, name="thin.json")).status == "succeeded"
    sink.start()
    webhook.always_fail = False
    agent.run_pass(now=later + timedelta(seconds=BACKOFF + 1))
    assert agent.repo.alert(alert.id).status == "resolved"  # type: ignore[union-attr]
    assert sink.subjects()[-1].startswith("Resolved: ") and webhook.bodies[-1]["text"].startswith("*Resolved: ")
    assert not any(s.startswith("Reminder: ") for s in sink.subjects())  # the stale reminder was not sent after all
