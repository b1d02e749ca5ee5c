"""Alert delivery against real local servers: an aiosmtpd SMTP server and a threaded HTTP webhook receiver."""

from __future__ import annotations

from typing import Any

import pytest

from creative_ai.agent.delivery import (
    DeliveryResult,
    LogChannel,
    Message,
    Router,
    SmtpChannel,
    WebhookChannel,
)
from creative_ai.errors import ConfigurationError, CreativeAIError, DeliveryError
from tests.receivers import Hook, _Collector
from tests.servers import free_port

SENDER = "agent@example.com"
RECIPIENTS = ["ops@example.com", "lead@example.com"]


def _message(rule: str = "few_variants", subject: str = "Café — 3 variants") -> Message:
    return Message(
        subject=subject,
        body="Campaign spring-26 produced only 3 variants.\nNaïve check: ✓ done",
        rule=rule,
        campaign_id="spring-26",
        severity="warning",
    )


def _router(smtp_port: int, hook_url: str, **kwargs: Any) -> Router:
    return Router(
        routes={"few_variants": ["email"], "failure_burst": ["email", "webhook", "email"]},
        default=["webhook"],
        channels={
            "email": SmtpChannel("127.0.0.1", smtp_port, SENDER, RECIPIENTS, timeout=2),
            "webhook": WebhookChannel(hook_url, timeout=2),
        },
        delay=0,
        **kwargs,
    )


def test_delivery_error_is_a_creative_ai_error() -> None:
    assert issubclass(DeliveryError, CreativeAIError)


def test_smtp_delivers_utf8_subject_body_and_recipients(smtp_server: tuple[int, _Collector]) -> None:
    port, collector = smtp_server
    SmtpChannel("127.0.0.1", port, SENDER, RECIPIENTS, timeout=2).send(_message())
    [got] = collector.received
    assert got.mail_from == SENDER and got.rcpt_tos == RECIPIENTS
    assert got.message["Subject"] == "Café — 3 variants"
    assert got.message["From"] == SENDER and got.message["To"] == ", ".join(RECIPIENTS)
    assert got.message["Date"] and got.message["Message-ID"].endswith("@example.com>")
    body = got.message.get_body(("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert (
        body.get_content().replace("\r\n", "\n")
        == "Campaign spring-26 produced only 3 variants.\nNaïve check: ✓ done\n"
    )


def test_webhook_posts_slack_text(webhook: Hook) -> None:
    WebhookChannel(webhook.url).send(_message())
    assert webhook.bodies == [
        {"text": "*Café — 3 variants*\nCampaign spring-26 produced only 3 variants.\nNaïve check: ✓ done"}
    ]


def test_webhook_errors_never_show_the_url(webhook: Hook) -> None:
    webhook.always_fail = True
    with pytest.raises(DeliveryError, match="webhook returned HTTP 500") as info:
        WebhookChannel(webhook.url).send(_message())
    assert "SECRET123" not in str(info.value) and info.value.__cause__ is None
    closed = f"http://127.0.0.1:{free_port()}/hooks/T000/SECRET123"
    with pytest.raises(DeliveryError, match=r"webhook unreachable \(ConnectError\)") as info:
        WebhookChannel(closed, timeout=2).send(_message())
    assert "SECRET123" not in str(info.value)


def test_routed_rule_goes_to_log_and_email_only(smtp_server: tuple[int, _Collector], webhook: Hook) -> None:
    port, collector = smtp_server
    results = _router(port, webhook.url).deliver(_message("few_variants"))
    assert results == [DeliveryResult("log", True, 1, None), DeliveryResult("email", True, 1, None)]
    assert len(collector.received) == 1 and webhook.calls == 0


def test_unrouted_rule_goes_to_default(smtp_server: tuple[int, _Collector], webhook: Hook) -> None:
    port, collector = smtp_server
    results = _router(port, webhook.url).deliver(_message("stalled_job"))
    assert [r.channel for r in results] == ["log", "webhook"] and all(r.ok for r in results)
    assert collector.received == [] and len(webhook.bodies) == 1


def test_targets_are_deduplicated_with_log_first(smtp_server: tuple[int, _Collector], webhook: Hook) -> None:
    port, _ = smtp_server
    router = _router(port, webhook.url)
    assert router.targets("failure_burst") == ["log", "email", "webhook"]
    routed_to_log = Router({"compliance": ["webhook", "log"]}, [], {"webhook": WebhookChannel(webhook.url)})
    assert routed_to_log.targets("compliance") == ["log", "webhook"]
    assert routed_to_log.targets("other") == ["log"]


def test_webhook_failing_once_is_retried(smtp_server: tuple[int, _Collector], webhook: Hook) -> None:
    port, _ = smtp_server
    webhook.fail_first = 1
    results = _router(port, webhook.url).deliver(_message("near_duplicates"))
    assert results[-1] == DeliveryResult("webhook", ok=True, attempts=2, error=None)
    assert webhook.calls == 2 and len(webhook.bodies) == 1


def test_webhook_failing_for_good_reports_without_raising(
    smtp_server: tuple[int, _Collector], webhook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    port, _ = smtp_server
    webhook.always_fail = True
    with caplog.at_level("WARNING", logger="creative_ai"):
        results = _router(port, webhook.url).deliver(_message("provider_auth"))
    assert results[0].ok
    assert results[1] == DeliveryResult("webhook", ok=False, attempts=3, error="webhook returned HTTP 500")
    assert webhook.calls == 3
    failures = [r.getMessage() for r in caplog.records if "alert_delivery_failed" in r.getMessage()]
    assert len(failures) == 1 and '"channel": "webhook"' in failures[0] and "SECRET123" not in failures[0]


def test_smtp_to_a_closed_port_fails_after_three_attempts(webhook: Hook) -> None:
    results = _router(free_port(), webhook.url).deliver(_message("few_variants"))
    email_result = results[1]
    assert email_result.channel == "email" and not email_result.ok and email_result.attempts == 3
    assert email_result.error is not None and email_result.error.startswith("smtp 127.0.0.1:")


def test_a_channel_raising_anything_does_not_stop_the_router() -> None:
    class Broken:
        name = "broken"
        calls = 0

        def send(self, message: Message) -> None:
            Broken.calls += 1
            raise ValueError("boom")

    router = Router({}, ["broken"], {"broken": Broken()}, attempts=2, delay=0)
    results = router.deliver(_message("missing_inputs"))
    assert results[1] == DeliveryResult("broken", ok=False, attempts=2, error="unexpected ValueError")
    assert Broken.calls == 2


def test_log_channel_and_configuration_checks() -> None:
    LogChannel().send(_message())
    with pytest.raises(ConfigurationError, match="unknown channels: sms"):
        Router({"compliance": ["sms"]}, [], {})
    with pytest.raises(ConfigurationError):
        Router({}, [], {}, attempts=0)
    with pytest.raises(ConfigurationError):
        SmtpChannel("127.0.0.1", 25, SENDER, [])
