"""Drafts a person can act on: one count per incident, advice in the reader's words (engineering detail in an
alert's operator notes only), a link to the review gallery, a stakeholder e-mail with an ETA from the data and a
named contact, a fact check that checks numbers and real ids (never plain words) and passes both drafters' work
on real data; and no webhook URL, SMTP password or key in the agent's logs."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creative_ai.agent.drafting import OPERATOR_NOTES, SETTING_NAMES
from creative_ai.agent.factcheck import fact_check, jargon, other_counts
from creative_ai.errors import CreativeAIError
from creative_ai.logs import configure_logging
from tests.conftest import base_brief, write_brief
from tests.fake_llm import FakeLLM, Turn
from tests.receivers import Hook, _Collector
from tests.test_agent import _agent, _alerts, agent_environment

PUBLIC = "https://creatives.example.com"


@pytest.fixture
def env(workdir: Path, smtp_server: tuple[int, _Collector], webhook: Hook, monkeypatch: pytest.MonkeyPatch) -> Path:
    port, _ = smtp_server
    for key, value in agent_environment(workdir, port, webhook).items():
        monkeypatch.setenv(key, value)
    return workdir


def _reader(text: str) -> str:
    return text.split(f"\n{OPERATOR_NOTES}", 1)[0]


def _throttled_campaign(make_campaign, env: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    """Four products whose every provider call is throttled, retried and finally fails: more recorded attempts
    than failures, the case where three counts used to disagree."""
    vendor.fail("openai", "429", times=None, retry_after=0.01)
    brief = base_brief(campaign_id="throttled", products=[{"id": f"b{i}", "name": f"B {i}"} for i in range(4)])
    with contextlib.suppress(CreativeAIError):  # the run fails, or ends with every variant failed
        make_campaign(write_brief(env, brief), provider="openai")


def test_a_burst_alert_tells_one_count_and_keeps_engineering_in_operator_notes(
    make_campaign, env: Path, smtp_server: tuple[int, _Collector], vendor, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    monkeypatch.setenv("CREATIVE_AI_PUBLIC_URL", PUBLIC)
    _throttled_campaign(make_campaign, env, vendor)
    agent = _agent()
    agent.run_pass()
    (alert,) = [a for a in _alerts(agent) if a.rule == "failure_burst"]
    count = alert.facts["failures"]
    assert alert.fact_check["ok"] is True, alert.fact_check  # type: ignore[index]
    body = next(m.message.get_content() for m in mail.received if m.message["Subject"].endswith("throttled"))
    reader = _reader(body)
    assert f"{count} failures in the last" in reader and other_counts(reader, count) == []
    assert f"{PUBLIC}/gallery/throttled" in reader
    assert OPERATOR_NOTES in body and jargon(reader, setting_names=SETTING_NAMES) == []
    assert "quota" in body.split(OPERATOR_NOTES, 1)[1]  # the engineering cause is there, for the operators


def test_a_count_other_than_the_incidents_fails_the_check() -> None:
    reader = "6 failures in the last 15 minutes.\nCampaign x: 12 provider errors, 12 failed."
    assert other_counts(reader, 6) == ["12 (the incident's count is 6)"]
    assert other_counts("6 failures in 15 minutes; 6 provider calls failed.", 6) == []


def test_engineering_names_are_jargon_in_a_readers_text() -> None:
    text = "Raise the quota or lower CREATIVE_AI_CONCURRENCY; set OPENAI_API_KEY or use --provider local; public_url."
    assert jargon(text, setting_names=SETTING_NAMES) == [
        "--provider",
        "CREATIVE_AI_CONCURRENCY",
        "OPENAI_API_KEY",
        "public_url",
    ]
    assert jargon("The campaign cannot launch until the job queue drains (1x1, en-US).") == []


EVIDENCE = [
    {"campaign_id": "summer-sale-2026", "aspect_ratios": ["1x1", "9x16"], "locales": ["en-US"], "ok": 3},
    {"products": [{"product_id": "towel_01"}, {"product_id": "b3"}], "job_id": "a" * 32},
    {"gallery": f"{PUBLIC}/gallery/summer-sale-2026", "contact_email": "ann.lee@example.com"},
]


def test_plain_words_are_never_taken_for_ids() -> None:
    text = (
        "Campaign summer-sale-2026 cannot launch: the job queue is long, product launch waits, campaign ended.\n"
        f"3 creatives in 1x1 and 9x16 for en-US, towel_01 and b3 (job {'a' * 32}).\n"
        f"Gallery: {PUBLIC}/gallery/summer-sale-2026. Contact: ann.lee@example.com"
    )
    check = fact_check(text, EVIDENCE)
    assert check.ok, check.unverified


def test_real_ids_ratios_locales_and_links_are_still_checked() -> None:
    text = (
        "Campaign summer-sale-2025: product b4 in 4x5 for pt-BR, job " + "b" * 32 + ".\n"
        f"See {PUBLIC}/gallery/other-2026 or write to bob@example.com; 7 made."
    )
    check = fact_check(text, EVIDENCE)
    assert set(check.unverified) == {
        "summer-sale-2025",
        "b4",
        "4x5",
        "pt-BR",
        "b" * 32,
        f"{PUBLIC}/gallery/other-2026",
        "bob@example.com",
        "7",
    }


def _partial_campaign(make_campaign, env: Path) -> None:  # type: ignore[no-untyped-def]
    """A brief for two ratios of which one was made: one creative left, and a timing of the run to go by."""
    brief = base_brief(campaign_id="late", products=[{"id": "x1", "name": "Xylo"}], aspect_ratios=["1x1", "16x9"])
    make_campaign(write_brief(env, brief), ratios=["1x1"])


def test_stakeholder_email_has_an_eta_a_contact_and_the_gallery_and_no_engineering(
    cli, make_campaign, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_PUBLIC_URL", PUBLIC + "/")
    monkeypatch.setenv("CREATIVE_AI_AGENT_CONTACT_NAME", "Ann Lee")
    monkeypatch.setenv("CREATIVE_AI_AGENT_CONTACT_EMAIL", "ann.lee@example.com")
    _partial_campaign(make_campaign, env)
    result = cli("agent", "email", "--campaign", "late", "--reason", "the licence is still being provisioned")
    assert result.code == 0, result.stderr
    assert "replaced" not in result.stderr  # the template e-mail passes its own fact check
    body = result.stdout
    assert "What is done: 1 of 2 creatives are ready" in body
    assert "ETA: about 1 minute(s) of work once the campaign runs again" in body
    assert "This assumes each of the 1 remaining creatives takes about" in body
    assert "Contact: Ann Lee <ann.lee@example.com>" in body
    assert f"{PUBLIC}/gallery/late" in body
    assert jargon(body, setting_names=SETTING_NAMES) == [] and OPERATOR_NOTES not in body


def test_stakeholder_email_without_timings_says_so_and_names_no_setting(make_campaign, env: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    _throttled_campaign(make_campaign, env, vendor)
    composed = _agent().email("throttled", None)
    body = composed.draft.body
    assert composed.check.ok and not composed.replaced, composed.check
    assert "ETA: no estimate yet" in body and "0 of 4 creatives" in body
    assert "usage limit" in body  # the cause in the reader's words
    assert jargon(body, setting_names=SETTING_NAMES) == [] and "CONCURRENCY" not in body
    assert str(env / "out/throttled/index.html") in body  # no public URL: the gallery file under the output folder
    assert "Contact: reply to this e-mail" in body


def _llm_email(request: dict[str, Any]) -> Turn:
    """A model's e-mail written from the facts it was given in its prompt and the tool it called."""
    prompt = next(i["content"] for i in request["input"] if isinstance(i, dict) and i.get("role") == "user")
    facts = json.loads(prompt.rsplit("Facts: ", 1)[1])
    return Turn(
        text=f"Subject: Campaign late is delayed\n\nHello,\nThe campaign cannot launch yet: {facts['ready']} of "
        f"{facts['planned']} creatives are ready and {facts['remaining']} waits in the queue. ETA: about "
        f"{facts['eta_minutes']} minute(s), assuming {facts['seconds_per_creative']} seconds per creative. "
        f"Review them at {facts['gallery']}. Contact: {facts['contact_email']}."
    )


def test_the_models_email_through_the_fake_server_passes_the_check_and_jargon_is_replaced(
    make_campaign, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_AGENT_CONTACT_EMAIL", "ann.lee@example.com")
    _partial_campaign(make_campaign, env)
    monkeypatch.setenv("CREATIVE_AI_AGENT_LLM", "openai")
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        llm.add(Turn(calls=[("get_campaign_details", {"campaign_id": "late"})]), _llm_email)
        llm.add(Turn(text="Subject: late\n\nAsk IT to set OPENAI_API_KEY and rerun with --provider openai."))
        agent = _agent()
        good = agent.email("late", None)
        bad = agent.email("late", None)
    assert good.draft.drafter == "openai" and good.check.ok and not good.replaced, good.check
    assert "1 of 2 creatives are ready" in good.draft.body and "ann.lee@example.com" in good.draft.body
    assert bad.replaced and bad.draft.drafter == "template"
    assert bad.check.jargon == ["--provider", "OPENAI_API_KEY"] and "OPENAI_API_KEY" not in bad.draft.body


SMTP_USER, SMTP_PASSWORD = "alerts-user", "smtp-pass-Zq81x"


def test_no_secret_reaches_the_agent_processs_logs(
    make_campaign, env: Path, webhook: Hook, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A real ``creative-ai agent --once`` with SMTP credentials (the server offers no login, so that channel
    fails and is logged) and a webhook whose path is its token (failing too, then logged)."""
    assert make_campaign(write_brief(env, base_brief(campaign_id="thin"))).status == "succeeded"
    webhook.always_fail = True
    monkeypatch.setenv("CREATIVE_AI_SMTP_USERNAME", SMTP_USER)
    monkeypatch.setenv("CREATIVE_AI_SMTP_PASSWORD", SMTP_PASSWORD)
    done = subprocess.run(
        [sys.executable, "-m", "creative_ai", "agent", "--once"],
        cwd=env, env=os.environ.copy(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    events = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert any(e["event"] == "alert_delivery_failed" and e.get("channel") == "webhook" for e in events)
    assert webhook.calls >= 1  # the webhook was really called
    for secret in (webhook.url, "SECRET123", SMTP_PASSWORD):
        assert secret not in done.stderr + done.stdout


def test_no_secret_in_logs_even_at_debug(
    make_campaign, env: Path, webhook: Hook, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Every logger at DEBUG (the HTTP clients' request lines too): the webhook's token stays out of them."""
    assert make_campaign(write_brief(env, base_brief(campaign_id="thin"))).status == "succeeded"
    monkeypatch.setenv("CREATIVE_AI_SMTP_PASSWORD", SMTP_PASSWORD)
    configure_logging(level="DEBUG")
    try:
        _agent().run_pass()
    finally:
        configure_logging(level="WARNING")
    assert webhook.bodies  # the alert went through the webhook
    err = capfd.readouterr().err
    assert err.strip()  # it logged (at DEBUG)
    assert "SECRET123" not in err and SMTP_PASSWORD not in err
