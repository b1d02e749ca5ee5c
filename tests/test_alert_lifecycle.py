# ruff: noqa: F811  (the fixture env is imported from test_agent and taken as an argument)
"""Alerts with a lifecycle, seen from outside: a real SMTP server and webhook receive what is sent. Acknowledged
alerts are not reminded; snoozed ones come back when their time is up; a muted rule is recorded but not sent;
resolutions are announced in the alert's thread (In-Reply-To); a provider incident closes when the campaign is
fixed, not when its errors age out of the window; info alerts go out once, in a digest. Driven through the real
``creative-ai alerts`` command, the API's ``/alerts`` routes and the MCP tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client

from creative_ai.api import create_app
from creative_ai.config import get_settings
from creative_ai.db.repository import utcnow
from creative_ai.mcp_server.alert_tools import ALERT_TOOLS
from creative_ai.mcp_server.server import build_server
from tests.conftest import base_brief, write_brief
from tests.receivers import Hook, _Collector
from tests.test_agent import _agent, env  # noqa: F401  (the agent's environment: SMTP, webhook, desks)

HOUR = timedelta(hours=1)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creative_ai", "alerts", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )


def _subjects(mail: _Collector) -> list[str]:
    return [" ".join(str(m.message["Subject"]).split()) for m in mail.received]


def _thin(make_campaign: Callable[..., Any], env: Path, campaign_id: str, ratios: list[str] | None = None) -> Path:
    brief = write_brief(
        env, base_brief(campaign_id=campaign_id, aspect_ratios=ratios or ["1x1"]), name=f"{campaign_id}.json"
    )
    assert make_campaign(brief).status == "succeeded"
    return brief


def test_an_acknowledged_alert_is_not_reminded_and_its_resolution_is_a_reply(
    make_campaign: Callable[..., Any],
    env: Path,
    smtp_server: tuple[int, _Collector],
    webhook: Hook,
) -> None:
    _port, mail = smtp_server
    brief = _thin(make_campaign, env, "acked")
    _thin(make_campaign, env, "ignored")
    agent = _agent()
    t0 = utcnow()
    agent.run_pass(now=t0)
    acked = agent.repo.latest_alert("acked", "few_variants")
    assert acked is not None and len(mail.received) == 2

    done = _cli("ack", str(acked.id), "--by", "Dana Ops")
    assert done.returncode == 0 and "it is now acknowledged" in done.stdout, done.stderr
    listed = json.loads(_cli("list", "--json").stdout)
    assert {a["campaign_id"]: (a["status"], a["acknowledged_by"]) for a in listed["alerts"]} == {
        "acked": ("acknowledged", "Dana Ops"),
        "ignored": ("open", None),
    }

    # Past the cooldown: only the alert nobody acknowledged is sent again, as a reply in its thread.
    agent.run_pass(now=t0 + HOUR + timedelta(minutes=1))
    assert len(mail.received) == 3
    reminder = mail.received[2].message
    assert _subjects(mail)[2].startswith("Reminder: ") and _subjects(mail)[2].endswith("— ignored")
    first_ignored = next(m.message for m in mail.received[:2] if str(m.message["Subject"]).endswith("ignored"))
    assert reminder["In-Reply-To"] == first_ignored["Message-ID"]

    # Fixed: the acknowledged alert resolves and says so, in its own thread, naming who was on it.
    write_brief(env, base_brief(campaign_id="acked", aspect_ratios=["1x1", "9x16", "16x9"]), name="acked.json")
    assert make_campaign(brief).status == "succeeded"
    agent.run_pass(now=t0 + 2 * HOUR)
    resolved = mail.received[3].message
    first_acked = next(m.message for m in mail.received[:2] if str(m.message["Subject"]).endswith("acked"))
    assert _subjects(mail)[3].startswith("Resolved: ") and resolved["In-Reply-To"] == first_acked["Message-ID"]
    assert "Acknowledged by Dana Ops." in resolved.get_content()
    assert len(mail.received) == 4

    # A resolved alert cannot be acknowledged again; an unknown one is named; neither is a traceback.
    again = _cli("ack", str(acked.id))
    assert again.returncode == 2 and f"alert {acked.id} is resolved" in again.stderr
    unknown = _cli("snooze", "999", "--until", "2h")
    assert unknown.returncode == 2 and "no alert 999" in unknown.stderr and "Traceback" not in unknown.stderr
    bad = _cli("snooze", str(acked.id + 1), "--until", "soon")
    assert bad.returncode == 2 and "'soon' is neither a duration" in bad.stderr
    for far in ("999999w", "9999-12-31T23:30:00-01:00"):
        refused = _cli("snooze", str(acked.id + 1), "--until", far)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr


def test_a_snoozed_alert_comes_back_when_its_time_is_up(
    make_campaign: Callable[..., Any],
    env: Path,
    smtp_server: tuple[int, _Collector],
    webhook: Hook,
) -> None:
    _port, mail = smtp_server
    _thin(make_campaign, env, "sleepy")
    agent = _agent()
    agent.run_pass()
    (alert,) = agent.repo.alerts(status="active")
    with TestClient(create_app(get_settings())) as client:
        snoozed = client.post(f"/alerts/{alert.id}/snooze", json={"until": "3h", "by": "ops"})
        assert snoozed.status_code == 200 and snoozed.json()["status"] == "snoozed", snoozed.text
        until = snoozed.json()["snoozed_until"]
        assert until.endswith("Z")
        assert client.get("/alerts", params={"status": "snoozed"}).json()["alerts"][0]["alert_id"] == alert.id
        past = client.post(f"/alerts/{alert.id}/snooze", json={"until": "2020-01-01T00:00:00Z"})
        assert past.status_code == 422 and "not in the future" in past.json()["detail"]
        assert client.post("/alerts/4242/ack").status_code == 404
        typo = client.post(f"/alerts/{alert.id}/mute", json={"untill": "2h"})
        assert typo.status_code == 422 and "untill" in typo.text
        assert agent.repo.mutes() == []
        assert client.post(f"/alerts/{alert.id}/delete").status_code == 422
    t0 = utcnow()
    agent.run_pass(now=t0 + 2 * HOUR)  # past the cooldown, inside the snooze
    assert len(mail.received) == 1 and len(webhook.bodies) == 1
    agent.run_pass(now=t0 + 3 * HOUR + timedelta(minutes=1))
    assert len(mail.received) == 2 and _subjects(mail)[1].startswith("Reminder: ")
    assert mail.received[1].message["In-Reply-To"] == mail.received[0].message["Message-ID"]
    assert agent.repo.alert(alert.id).status == "open"  # type: ignore[union-attr]


def test_a_muted_rule_is_recorded_but_not_sent_until_unmuted(
    make_campaign: Callable[..., Any],
    env: Path,
    smtp_server: tuple[int, _Collector],
    webhook: Hook,
) -> None:
    _port, mail = smtp_server
    brief = _thin(make_campaign, env, "noisy")
    agent = _agent()
    agent.run_pass()
    (alert,) = agent.repo.alerts(status="active")
    settings = get_settings(mcp_actions=True)
    server = build_server(settings=settings, repo=agent.repo, store=agent.store, queue=lambda: agent.queue)

    async def mute() -> dict[str, Any]:
        async with Client(server) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(ALERT_TOOLS) <= set(tools)
            assert all(tools[n].annotations.destructive_hint is False for n in ALERT_TOOLS)  # type: ignore[union-attr]
            missing = await client.call_tool("mute_alert", {"alert_id": 999})
            assert missing.is_error and "no alert 999" in str(missing.content)
            muted = await client.call_tool("mute_alert", {"alert_id": alert.id, "by": "ops"})
            assert not muted.is_error
            return dict(muted.structured_content or {})

    assert anyio.run(mute)["status"] == "muted"
    # Fixed (the old alert resolves quietly: it is muted), then broken again: recorded, not sent.
    write_brief(env, base_brief(campaign_id="noisy", aspect_ratios=["1x1", "9x16", "16x9"]), name="noisy.json")
    assert make_campaign(brief).status == "succeeded"
    agent.run_pass()
    write_brief(env, base_brief(campaign_id="noisy", aspect_ratios=["1x1"]), name="noisy.json")
    assert make_campaign(brief).status == "succeeded"
    agent.run_pass(now=utcnow() + 2 * HOUR)
    assert [(a.rule, a.status) for a in agent.repo.alerts()] == [
        ("few_variants", "muted"),
        ("few_variants", "resolved"),
    ]
    assert len(mail.received) == 1 and len(webhook.bodies) == 1
    latest = agent.repo.latest_alert("noisy", "few_variants")
    assert latest is not None

    assert _cli("unmute", str(latest.id)).returncode == 0
    agent.run_pass(now=utcnow() + 2 * HOUR)
    assert len(mail.received) == 2 and _subjects(mail)[1].endswith("— noisy")
    assert not _subjects(mail)[1].startswith(("Reminder", "Resolved"))  # the new incident's first message


def test_info_alerts_go_out_once_in_a_digest(
    make_campaign: Callable[..., Any],
    env: Path,
    smtp_server: tuple[int, _Collector],
    webhook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _port, mail = smtp_server
    monkeypatch.setenv("CREATIVE_AI_AGENT_DIGEST_INTERVAL", str(6 * 3600))
    agent = _agent()
    now = utcnow()
    for cid in ("calm-a", "calm-b"):
        agent.repo.add_alert(
            campaign_id=cid, rule="missing_inputs", severity="info", status="open", summary=f"{cid} note",
            facts={}, first_seen=now, last_seen=now,
        )  # fmt: skip
    # The notes' conditions hold on every pass (a stand-in rule), so only the lifecycle decides what is sent.
    from creative_ai.agent import monitor
    from creative_ai.agent.condition import Condition
    from creative_ai.agent.rules import Evaluation

    notes = [Condition(c, "missing_inputs", "info", f"{c} note", {}) for c in ("calm-a", "calm-b")]
    seen = {("calm-a", "missing_inputs"), ("calm-b", "missing_inputs")}
    monkeypatch.setattr(
        monitor, "evaluate", lambda facts, moment: Evaluation(list(notes), set(seen), ["calm-a", "calm-b"])
    )
    agent.run_pass(now=now)
    assert _subjects(mail) == ["Digest: 2 note(s) on 2 campaign(s)"] and len(webhook.bodies) == 1
    body = mail.received[0].message.get_content()
    assert "calm-a note" in body and "calm-b note" in body
    for hours in (2, 5, 30):  # past the cooldown many times: a note is never repeated
        agent.run_pass(now=now + hours * HOUR)
    assert len(mail.received) == 1
    assert all(a.notified_at is not None for a in agent.repo.alerts(status="open"))
    notes.append(Condition("calm-c", "missing_inputs", "info", "calm-c note", {}))
    seen.add(("calm-c", "missing_inputs"))
    agent.run_pass(now=now + 31 * HOUR)  # a new note: in the next digest, with only itself
    assert (
        _subjects(mail)[1] == "Digest: 1 note(s) on 1 campaign(s)"
        and "calm-a" not in mail.received[1].message.get_content()
    )
