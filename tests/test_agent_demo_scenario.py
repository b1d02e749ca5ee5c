# ruff: noqa: F811  (the fixture env is imported from test_agent and taken as an argument)
"""The monitoring agent's demo scenario from outside: a campaign whose image provider answers 429 and then 500
(the fake vendor counts what it was asked), made by the real ``creative-ai run`` and watched by real
``creative-ai agent --once`` processes. Exactly one alert for the incident, delivered to the SMTP server and the
webhook, not repeated within the cooldown, resolved and announced in its thread once a rerun succeeds."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.facts import Facts
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief, write_brief
from tests.fake_vendor import FakeVendor
from tests.receivers import Hook, _Collector
from tests.test_agent import env  # noqa: F401  (SMTP, webhook, desks, burst threshold 3)

PRODUCTS = [{"id": f"kit{i}", "name": f"Kit {i}"} for i in range(4)]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creative_ai", *args], capture_output=True, text=True, timeout=300, env=os.environ.copy()
    )


def _alerts(workdir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(workdir / "creative_ai.db") as con:
        return [
            tuple(r)
            for r in con.execute("SELECT rule, severity, status FROM alerts WHERE status != 'digest' ORDER BY id")
        ]


def test_a_provider_answering_429_then_500_is_one_alert_sent_once_and_closed_by_the_rerun(
    env: Path,
    smtp_server: tuple[int, _Collector],
    webhook: Hook,
    vendor: FakeVendor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _port, mail = smtp_server
    monkeypatch.setenv("CREATIVE_AI_AGENT_MIN_DISTINCT", "1")  # one ratio is this brief's design, not a defect
    brief = write_brief(env, base_brief(campaign_id="demo", products=PRODUCTS))
    vendor.fail("openai", "429", times=2, retry_after=0)
    vendor.fail("openai", "500", times=None)
    made = _run("run", str(brief), "--provider", "openai")
    assert made.returncode == 1, made.stderr  # every variant failed
    statuses = [r.status for r in vendor.requests]
    assert statuses.count(429) == 2 and statuses.count(500) >= 4  # what the provider really answered

    first = _run("agent", "--once")
    assert first.returncode == 0, first.stderr
    assert _alerts(env) == [("failure_burst", "critical", "open")]
    assert sorted(m.rcpt_tos for m in mail.received) == [["it@example.com"], ["marketing@example.com"]]
    assert len(webhook.bodies) == 1 and "demo" in webhook.bodies[0]["text"]
    body = mail.received[0].message.get_content()
    assert "failures" in body and "demo" in body
    # One count for the incident: the alert's, the root cause's, the e-mail's (each failed hero once, not its
    # retried attempts, nor the errors of the creatives that lost their hero).
    with sqlite3.connect(env / "creative_ai.db") as con:
        ((facts,),) = con.execute("SELECT facts FROM alerts WHERE rule = 'failure_burst'").fetchall()
    settings = get_settings()
    repo = Repository.open(settings.database_url)
    cause = Facts(settings=settings, repo=repo, store=LocalStore(settings.output_dir)).root_cause("demo")
    assert json.loads(facts)["failures"] == cause.errors_considered == sum(cause.counts.values()) == len(PRODUCTS)
    assert f"{len(PRODUCTS)} failures" in body

    # Inside the cooldown, another agent process: nothing new, nothing sent again.
    assert _run("agent", "--once").returncode == 0
    assert len(mail.received) == 2 and len(webhook.bodies) == 1 and len(_alerts(env)) == 1

    # The provider is back; a rerun succeeds; the next pass closes the incident and says so, as replies.
    vendor.faults["openai"].clear()
    rerun = _run("run", str(brief), "--provider", "openai")
    assert rerun.returncode == 0, rerun.stderr
    assert _run("agent", "--once").returncode == 0
    incident = [a for a in _alerts(env) if a[0] == "failure_burst"]
    assert incident == [("failure_burst", "critical", "resolved")]
    opened = {m.message["Message-ID"]: m.rcpt_tos for m in mail.received[:2]}
    replies = [m for m in mail.received[2:] if str(m.message["Subject"]).startswith("Resolved: ")]
    assert sorted(m.rcpt_tos for m in replies) == sorted(opened.values()), [
        (m.rcpt_tos, str(m.message["Subject"])) for m in mail.received
    ]
    assert all(opened[m.message["In-Reply-To"]] == m.rcpt_tos for m in replies)  # each in its own reader's thread
    assert any(b["text"].startswith("*Resolved: ") for b in webhook.bodies[1:])
    assert "4 of 4 creatives ok" in replies[0].message.get_content()
    # No second alert was ever opened for the same incident (the failed run, the products it left short).
    assert not [a for a in _alerts(env) if a[0] in ("run_failed", "few_variants", "provider_access")]
