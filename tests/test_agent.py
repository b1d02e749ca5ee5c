"""The monitoring agent end to end: seeded scenarios raise one alert each, delivered by SMTP and webhook,
held back by the cooldown, resolved once fixed; the inbox; the LLM drafter over MCP; the fact check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import SQLAlchemyError

from creative_ai.agent.monitor import Agent
from creative_ai.api import create_app
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.errors import KeyRefused
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief, write_brief
from tests.fake_llm import FakeLLM, Turn
from tests.receivers import Hook, _Collector


def agent_environment(workdir: Path, port: int, webhook: Hook) -> dict[str, str]:
    """The agent's settings for these tests: the local SMTP server, the webhook, the template drafter."""
    return {
        "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out"),
        "CREATIVE_AI_SMTP_HOST": "127.0.0.1",
        "CREATIVE_AI_SMTP_PORT": str(port),
        "CREATIVE_AI_ALERT_EMAIL_TO": '["marketing@example.com"]',
        "CREATIVE_AI_IT_EMAIL_TO": '["it@example.com"]',
        "CREATIVE_AI_LEGAL_EMAIL_TO": '["legal@example.com"]',
        "CREATIVE_AI_SLACK_WEBHOOK_URL": webhook.url,
        "CREATIVE_AI_DELIVERY_RETRY_DELAY": "0",
        "CREATIVE_AI_AGENT_BURST_ERRORS": "3",
        "CREATIVE_AI_AGENT_INBOX": str(workdir / "inbox"),
        "CREATIVE_AI_AGENT_LLM": "template",
    }


@pytest.fixture
def env(workdir: Path, smtp_server: tuple[int, _Collector], webhook: Hook, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    port, _ = smtp_server
    for key, value in agent_environment(workdir, port, webhook).items():
        monkeypatch.setenv(key, value)
    return workdir


def _agent(**overrides: Any) -> Agent:
    settings = get_settings(**overrides)
    repo = Repository.open(settings.database_url)
    repo.migrate()
    return Agent(
        settings,
        repo=repo,
        store=LocalStore(settings.output_dir),
        queue=InProcessJobs(settings=settings, repo=repo),
    )


def _alerts(agent: Agent) -> list[Any]:
    return agent.repo.alerts(status=None)


def test_few_variants_alerts_once_respects_cooldown_and_resolves(
    make_campaign, env: Path, smtp_server, webhook: Hook
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    brief = write_brief(env, base_brief(campaign_id="thin", aspect_ratios=["1x1"]))
    assert make_campaign(brief).status == "succeeded"
    agent = _agent()
    first = agent.run_pass()
    (alert,) = _alerts(agent)
    assert (alert.campaign_id, alert.rule, alert.status) == ("thin", "few_variants", "open")
    assert first.notices == [alert.id]
    assert [m.rcpt_tos for m in mail.received] == [["marketing@example.com"]]
    assert len(webhook.bodies) == 1 and "thin" in webhook.bodies[0]["text"]
    text = mail.received[0].message.get_content()
    assert "Product prod_a: 1 made, 1 look distinct" in text and "1 of 1 creatives made" in text
    alert = agent.repo.latest_alert("thin", "few_variants")
    assert alert is not None and alert.drafter == "template" and alert.fact_check["ok"] is True  # type: ignore[index]
    assert [d["ok"] for d in alert.deliveries] == [True, True, True]  # type: ignore[union-attr]

    # Still wrong on the next pass: no repeat inside the cooldown.
    assert agent.run_pass().notices == []
    assert len(mail.received) == 1 and len(webhook.bodies) == 1

    # Fixed: more ratios ⇒ more distinct creatives ⇒ resolved, and said so in the alert's thread.
    write_brief(env, base_brief(campaign_id="thin", aspect_ratios=["1x1", "9x16", "16x9"]))
    assert make_campaign(brief).status == "succeeded"
    agent.run_pass()
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("few_variants", "resolved")]
    assert len(mail.received) == 2 and len(webhook.bodies) == 2
    first, resolved = (m.message for m in mail.received)
    assert " ".join(resolved["Subject"].split()) == "Resolved: " + " ".join(first["Subject"].split())
    assert resolved["In-Reply-To"] == first["Message-ID"] == resolved["References"]
    assert "3 of 3 creatives ok" in resolved.get_content() and webhook.bodies[1]["text"].startswith("*Resolved: ")
    assert f"Review the creatives: {env / 'out' / 'thin' / 'index.html'}" in resolved.get_content()

    # Broken again after the all-clear was announced: a new incident, a new alert (its own thread).
    write_brief(env, base_brief(campaign_id="thin", aspect_ratios=["1x1"]))
    assert make_campaign(brief).status == "succeeded"
    second = agent.run_pass()
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("few_variants", "open"), ("few_variants", "resolved")]
    assert second.notices == [_alerts(agent)[0].id] and len(mail.received) == 3
    assert mail.received[2].message["In-Reply-To"] is None
    assert mail.received[2].message["Message-ID"] not in (first["Message-ID"], resolved["Message-ID"])


def test_auth_failure_burst_is_one_alert_to_it_and_resolves(
    make_campaign, env: Path, smtp_server, webhook: Hook, vendor, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-0000000000")
    brief = write_brief(
        env, base_brief(campaign_id="burst", products=[{"id": f"b{i}", "name": f"B {i}"} for i in range(4)])
    )
    with pytest.raises(KeyRefused):  # the run stops at the refused key (the command's exit code 3)
        make_campaign(brief, provider="openai")
    agent = _agent()
    agent.run_pass()
    (alert,) = _alerts(agent)
    assert alert.rule == "failure_burst" and alert.facts["cause"] == "auth_or_licence"
    assert sorted(m.rcpt_tos for m in mail.received) == [["it@example.com"], ["marketing@example.com"]]
    assert len(webhook.bodies) == 1
    body = mail.received[0].message.get_content()
    assert "auth_or_licence" in body and "sk-wrong-key" not in body and "sk-wrong-key" not in json.dumps(webhook.bodies)
    agent.run_pass()
    assert len(mail.received) == 2  # cooldown: still the first two (IT and everyone)

    # Not fixed, and the failures age out of the window: the incident is still open, and still one alert (no
    # second one for the failed run or the products it left short).
    agent.run_pass(now=utcnow() + timedelta(seconds=agent.settings.agent_burst_window + 60))
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("failure_burst", "open")]
    assert len(mail.received) == 2

    # Fixed: the right key and a rerun that succeeds; it closes at once (its failures are still in the window).
    monkeypatch.setenv("OPENAI_API_KEY", vendor.openai_key)
    write_brief(
        env,
        base_brief(
            campaign_id="burst",
            products=[{"id": f"b{i}", "name": f"B {i}"} for i in range(4)],
            aspect_ratios=["1x1", "9x16", "16x9"],
        ),
    )
    assert make_campaign(brief, provider="openai").status == "succeeded"
    agent.run_pass()
    assert {(a.rule, a.status) for a in _alerts(agent)} == {
        ("failure_burst", "resolved"),
        ("missing_inputs", "open"),  # the rerun paid for generated heroes (no packshots)
        # The fake vendor's flat colours are off-brand: the brand-colour check fails, but it blocks nothing, so it
        # is the team's warning, not a critical alert for the legal desk.
        ("quality_checks", "open"),
    }
    by_rcpt: dict[tuple[str, ...], list[str]] = {}
    for m in mail.received:
        by_rcpt.setdefault(tuple(m.rcpt_tos), []).append(m.message.get_content())
    assert set(by_rcpt) == {("it@example.com",), ("marketing@example.com",)}  # nothing for the legal desk
    info = by_rcpt[("marketing@example.com",)]
    assert any("4 product(s) had no packshot; 12 hero(es) generated for $0.36" in b for b in info)  # the digest
    assert any("brand_colors failed" in b and "Likely cause" not in b for b in info)
    resolutions = [m for m in mail.received if str(m.message["Subject"]).startswith("Resolved: ")]
    assert sorted(m.rcpt_tos for m in resolutions) == [["it@example.com"], ["marketing@example.com"]]


def test_stalled_job_alerts_and_resolves(env: Path, smtp_server, webhook: Hook) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    agent = _agent()
    job, _ = agent.repo.create_job(
        job_id="f" * 32, campaign_id="slow", brief=base_brief(campaign_id="slow"), request_sha256="x",
        provider=None, idempotency_key=None,
    )  # fmt: skip
    agent.repo.update_job(job.id, status="running", started_at=utcnow() - timedelta(hours=2), progress_total=4)
    agent.run_pass()
    (alert,) = _alerts(agent)
    assert alert.rule == "stalled_job" and alert.facts["job_id"] == "f" * 32 and alert.facts["minutes"] >= 119
    assert (
        sorted(m.rcpt_tos for m in mail.received) == [["it@example.com"], ["marketing@example.com"]]
        and len(webhook.bodies) == 1
    )
    assert "f" * 32 in mail.received[0].message.get_content()
    agent.repo.update_job(job.id, status="succeeded", finished_at=utcnow())
    agent.run_pass()
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("stalled_job", "resolved")]
    # The all-clear goes to the same people, as replies; nothing more after that.
    assert sorted(m.rcpt_tos for m in mail.received[2:]) == [["it@example.com"], ["marketing@example.com"]]
    assert all(m.message["Subject"].startswith("Resolved: ") for m in mail.received[2:])
    agent.run_pass()
    assert len(mail.received) == 4 and len(webhook.bodies) == 2


def test_llm_drafter_calls_our_tools_over_mcp_and_is_delivered(
    make_campaign, env: Path, smtp_server, webhook: Hook, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    assert make_campaign(write_brief(env, base_brief(campaign_id="llm"))).status == "succeeded"
    monkeypatch.setenv("CREATIVE_AI_AGENT_LLM", "auto")
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")

        def write(request: dict[str, Any]) -> Turn:
            outputs = [json.loads(o) for o in llm.tool_outputs(request).values()]
            details = next(o for o in outputs if "variants_ok" in o)
            variants = next(o for o in outputs if "products" in o and "variants_ok" not in o)["products"][0]
            return Turn(
                text=f"Subject: llm needs more creatives\n\nCampaign {details['campaign_id']} has "
                f"{details['variants_ok']} of {details['variants_total']} creatives; product {variants['product_id']} "
                f"has {variants['distinct']} distinct."
            )

        llm.add(
            Turn(
                calls=[
                    ("get_campaign_details", {"campaign_id": "llm"}),
                    ("get_product_variants", {"campaign_id": "llm", "product_id": "prod_a"}),
                ]
            ),
            write,
        )
        agent = _agent()
        assert agent.drafter.name == "openai"
        agent.run_pass()
    (alert,) = _alerts(agent)
    assert alert.drafter == "openai" and alert.fact_check["ok"] is True  # type: ignore[index]
    first, second = llm.requests
    assert {t["name"] for t in first["tools"]} >= {"get_campaign_details", "get_product_variants", "get_alerts"}
    outputs = [json.loads(o) for o in llm.tool_outputs(second).values()]
    assert outputs[0]["campaign_id"] == "llm" and outputs[0]["variants_ok"] == 1  # facts from our MCP server
    assert mail.received[0].message["Subject"] == "llm needs more creatives"
    assert "Campaign llm has 1 of 1 creatives; product prod_a has 1 distinct." in mail.received[0].message.get_content()
    assert "llm needs more creatives" in webhook.bodies[0]["text"]


def test_wrong_number_in_a_draft_is_caught_and_replaced(
    make_campaign, env: Path, smtp_server, webhook: Hook, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    assert make_campaign(write_brief(env, base_brief(campaign_id="wrong"))).status == "succeeded"
    monkeypatch.setenv("CREATIVE_AI_AGENT_LLM", "auto")
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        llm.add(
            Turn(calls=[("get_campaign_details", {"campaign_id": "wrong"})]),
            Turn(text="Subject: wrong\n\nCampaign wrong made 17 of 40 creatives."),
        )
        agent = _agent()
        agent.run_pass()
    (alert,) = _alerts(agent)
    check = alert.fact_check
    assert check["ok"] is False and check["replaced"] is True and check["drafter"] == "openai"  # type: ignore[index]
    assert set(check["unverified"]) == {"17", "40"}  # type: ignore[index]
    assert alert.drafter == "template"
    delivered = mail.received[0].message.get_content()
    assert "17 of 40" not in delivered and "1 of 1 creatives made" in delivered


def test_inbox_and_heartbeat_through_the_cli(cli, env: Path, smtp_server, webhook: Hook) -> None:  # type: ignore[no-untyped-def]
    inbox = env / "inbox"
    inbox.mkdir()
    (inbox / "good.json").write_text(
        json.dumps(base_brief(campaign_id="dropped", aspect_ratios=["1x1", "9x16", "4x5"]))
    )
    (inbox / "bad.yaml").write_text("campaign_id: ../../x\nproducts: []\n")
    (inbox / "notes.txt").write_text("not a brief")
    result = cli("agent", "--once")
    assert result.code == 0, result.stderr
    assert (env / "out/dropped/prod_a/9x16/prod_a_9x16_en.png").is_file()
    assert (inbox / "submitted/good.json").is_file() and not (inbox / "good.json").exists()
    assert (inbox / "rejected/bad.yaml").is_file()
    error = (inbox / "rejected/bad.yaml.error.txt").read_text()
    assert "campaign_id" in error and "products" in error
    assert (inbox / "notes.txt").is_file()
    with TestClient(create_app(get_settings())) as client:
        status = client.get("/agent/status").json()
    assert status["status"] == "stopped" and status["last_heartbeat"].endswith("+00:00")
    assert status["lease_expires_at"] is None and status["standby"] == 0  # the lease was given up at the end
    assert status["watching"] == 1 and status["open_alerts"] == 1  # the rejected brief, until it is fixed
    assert status["open_alerts_by_severity"] == {"warning": 1}


def test_heartbeat_reports_running(env: Path) -> None:
    agent = _agent()
    agent.run_pass()
    with TestClient(create_app(get_settings())) as client:
        status = client.get("/agent/status").json()
    assert status["status"] == "running" and status["drafter"] == "template" and status["open_alerts"] == 0


def test_stakeholder_email(cli, make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    brief = base_brief(campaign_id="late", products=[{"id": "x1", "name": "Xylo"}], aspect_ratios=["1x1", "16x9"])
    assert make_campaign(write_brief(env, brief)).status == "succeeded"
    result = cli("agent", "email", "--campaign", "late", "--reason", "GenAI provider licence still being provisioned")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Subject: Campaign late: status update")
    for part in ("What is done: 2 of 2 creatives", "licence still being provisioned", "Next steps", "ETA: nothing"):
        assert part in result.stdout
    sent = cli("agent", "email", "--campaign", "late", "--send", "--to", "ceo@example.com")
    assert sent.code == 0, sent.stderr
    assert mail.received[-1].rcpt_tos == ["ceo@example.com"] and "2 of 2" in mail.received[-1].message.get_content()
    missing = cli("agent", "email", "--campaign", "nope")
    assert missing.code == 2 and "no campaign 'nope'" in missing.stderr and "Traceback" not in missing.stderr


def test_agent_process_stops_on_sigterm(env: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "creative_ai", "agent", "--interval", "0.2"],
        cwd=env, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    repo = Repository.open(get_settings().database_url)

    def beating() -> bool:
        try:
            return bool((repo.get_setting("agent") or {}).get("status") == "running")
        except SQLAlchemyError:
            return False  # not migrated yet

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not beating():
            time.sleep(0.1)
        assert beating()
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert (repo.get_setting("agent") or {})["status"] == "stopped"


def test_compliance_failures_go_to_the_legal_desk(make_campaign, env: Path, smtp_server, webhook: Hook) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    brief = base_brief(campaign_id="legal", aspect_ratios=["1x1", "9x16", "16x9"])
    assert make_campaign(write_brief(env, brief)).status == "succeeded"
    agent = _agent()
    (variant,) = [v for v in agent.repo.variants("legal") if v.aspect_ratio == "9x16"]
    failing = [c for c in variant.checks if c["name"] != "legal"]
    failing.append({"name": "legal", "status": "fail", "evidence": "'guaranteed' is prohibited"})
    agent.repo.save_variant(
        **{k: getattr(variant, k) for k in ("campaign_id", "product_id", "locale", "aspect_ratio", "status", "reason",
                                             "message", "file_path", "sha256", "hero_sha256", "render_key", "reused")},
        checks=failing,
    )  # fmt: skip
    agent.run_pass()
    (alert,) = _alerts(agent)
    assert alert.rule == "compliance" and alert.severity == "critical"
    # The legal desk's business, and critical: everyone's list gets it too (the desks do not take it away).
    assert sorted(m.rcpt_tos for m in mail.received) == [["legal@example.com"], ["marketing@example.com"]]
    assert all("legal failed ('guaranteed' is prohibited)" in m.message.get_content() for m in mail.received)


def test_the_locales_of_one_creative_are_not_near_duplicates(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    """Locales put other copy on the same picture, which is their point: nothing to report, and they count as one
    look per ratio (two products that look the same are the alert: tests/test_agent_diversity.py)."""
    _port, mail = smtp_server
    brief = base_brief(
        campaign_id="twins",
        aspect_ratios=["1x1", "9x16", "16x9"],
        locales=["en", "de"],
        messages={"en": "Hello World", "de": "Hello World."},
    )
    assert make_campaign(brief).status == "succeeded"
    agent = _agent()
    agent.run_pass()
    assert _alerts(agent) == [] and mail.received == []
    line = agent.facts.product_variants("twins", "prod_a")
    assert (line.ok, line.distinct, line.near_duplicates) == (6, 3, [])


def test_a_failing_channel_is_retried_recorded_and_does_not_stop_the_pass(
    make_campaign, env: Path, smtp_server, webhook: Hook
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    webhook.always_fail = True
    assert make_campaign(write_brief(env, base_brief(campaign_id="flaky"))).status == "succeeded"
    assert make_campaign(write_brief(env, base_brief(campaign_id="other"), name="other.json")).status == "succeeded"
    agent = _agent()
    report = agent.run_pass()
    assert len(report.notices) == 2 and len(mail.received) == 2  # both alerts went out by e-mail
    for alert in _alerts(agent):
        by_channel = {d["channel"]: d for d in alert.deliveries}  # type: ignore[union-attr]
        assert by_channel["email"]["ok"] is True
        assert by_channel["webhook"] == {
            "channel": "webhook",
            "ok": False,
            "attempts": 3,
            "error": "webhook returned HTTP 500",
        }
    assert webhook.calls == 6


def test_retried_attempts_that_succeeded_raise_nothing(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    brief = base_brief(campaign_id="retried", aspect_ratios=["1x1", "9x16", "16x9"])
    assert make_campaign(write_brief(env, brief)).status == "succeeded"
    agent = _agent()
    for n in range(6):  # six 429s that were retried (each call then succeeded)
        agent.repo.record_generation(
            campaign_id="retried", product_id="prod_a", provider="openai", model="m", prompt="p", seed=n,
            width=1, height=1, latency_ms=1.0, cost_usd=0.0, sha256=None, outcome="retry:RateLimited",
            error="429 rate limit",
        )  # fmt: skip
    agent.run_pass()
    assert _alerts(agent) == [] and mail.received == []


def test_an_alert_is_not_resolved_while_its_rule_cannot_look(make_campaign, env: Path) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(env, base_brief(campaign_id="busy", aspect_ratios=["1x1"]))
    assert make_campaign(brief).status == "succeeded"
    agent = _agent()
    agent.run_pass()
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("few_variants", "open")]
    job, _ = agent.repo.create_job(
        job_id="b" * 32, campaign_id="busy", brief=base_brief(campaign_id="busy"), request_sha256="x",
        provider=None, idempotency_key=None,
    )  # fmt: skip
    agent.repo.update_job(job.id, status="running")
    agent.run_pass()  # a job of the campaign runs: few_variants is not judged, so not resolved either
    assert [(a.rule, a.status) for a in _alerts(agent)] == [("few_variants", "open")]


def test_one_alert_failing_to_send_does_not_starve_the_others(
    make_campaign, env: Path, smtp_server, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    for name in ("aaa", "bbb"):
        path = write_brief(env, base_brief(campaign_id=name), name=f"{name}.json")
        assert make_campaign(path).status == "succeeded"
    agent = _agent()
    real = agent.router.deliver

    def deliver(message, channels=None):  # type: ignore[no-untyped-def]
        if message.campaign_id == "aaa":
            raise RuntimeError("template engine exploded")
        return real(message, channels)

    monkeypatch.setattr(agent.router, "deliver", deliver)
    report = agent.run_pass()
    assert len(report.notices) == 2
    assert [m.message["Subject"] for m in mail.received] == ["[creative-ai] warning: too few distinct creatives — bbb"]


def test_inbox_keeps_a_brief_until_it_is_queued(env: Path) -> None:
    from creative_ai.agent.inbox import scan_inbox
    from creative_ai.jobs.queue import JobQueue

    class Down(JobQueue):
        def enqueue(self, job_id: str) -> None:
            raise ConnectionError("broker down")

        def enqueue_part(self, job_id: str, product_id: str) -> None:
            raise ConnectionError("broker down")

    class Up(JobQueue):
        def __init__(self) -> None:
            self.sent: list[str] = []

        def enqueue(self, job_id: str) -> None:
            self.sent.append(job_id)

        def enqueue_part(self, job_id: str, product_id: str) -> None:
            self.sent.append(job_id)

    inbox = env / "inbox"
    inbox.mkdir()
    (inbox / "wait.json").write_text(json.dumps(base_brief(campaign_id="waits")))
    settings = get_settings()
    repo = Repository.open(settings.database_url)
    assert scan_inbox(settings, repo=repo, queue=Down()) == []
    assert (inbox / "wait.json").is_file()  # not lost, not moved
    up = Up()
    (result,) = scan_inbox(settings, repo=repo, queue=up)
    assert up.sent == [result.job_id] and (inbox / "submitted/wait.json").is_file()
    assert len(repo.jobs()) == 1  # the same job both times


def test_every_line_the_agent_process_prints_to_stderr_is_json(
    make_campaign, env: Path, smtp_server, webhook: Hook, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A real ``creative-ai agent --once``: an alert drafted by the model (through the MCP server it starts) and
    delivered; a bad brief in the inbox. Every stderr line parses as JSON, and the model's URL is never logged."""
    _port, mail = smtp_server
    assert make_campaign(write_brief(env, base_brief(campaign_id="llm"))).status == "succeeded"
    inbox = env / "inbox"
    inbox.mkdir()
    (inbox / "bad.yaml").write_text("campaign_id: ../../x\nproducts: []\n")
    monkeypatch.setenv("CREATIVE_AI_AGENT_LLM", "auto")
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        llm.add(
            Turn(calls=[("get_campaign_details", {"campaign_id": "llm"})]),
            Turn(text="Subject: llm needs more creatives\n\nCampaign llm has 1 of 1 creatives."),
        )
        err = env / "agent.err"
        with err.open("wb") as sink:
            done = subprocess.run(
                [sys.executable, "-m", "creative_ai", "agent", "--once"],
                cwd=env, env=os.environ.copy(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sink,
                timeout=180,
            )  # fmt: skip
        assert done.returncode == 0, err.read_text()[-2000:]
        assert len(llm.requests) >= 2  # the model was asked, and answered after its tool call
        model_url = llm.url
    raw = err.read_text()
    lines = [line for line in raw.splitlines() if line.strip()]
    assert lines, "the agent said nothing"
    events = [json.loads(line) for line in lines]  # a line that is not JSON fails here, quoted
    assert all(isinstance(e, dict) and "event" in e and "level" in e for e in events)
    assert model_url not in raw and llm.api_key not in raw
    assert webhook.bodies and webhook.url not in raw  # the alert reached the webhook, whose URL is its secret
    assert (inbox / "rejected/bad.yaml").is_file()
    assert "llm needs more creatives" in [m.message["Subject"] for m in mail.received]
