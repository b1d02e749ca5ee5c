"""OpenAI and Gemini against the fake vendor server: wire format, retries, fallback, keys; through the real CLI
where its exit code or output is the point, in-process (``make_campaign``) otherwise."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from creative_ai.errors import KeyRefused
from creative_ai.placements import PLACEMENTS
from tests.conftest import EXAMPLES, as_json, base_brief, write_brief

MULTI = str(EXAMPLES / "brief_multi_product.json")


@pytest.mark.parametrize(("name", "model"), [("openai", "gpt-image-2.5-flare"), ("gemini", "gemini-3.1-flash-image")])
def test_example_campaign_on_each_vendor(make_campaign, workdir: Path, vendor, name: str, model: str) -> None:
    result = make_campaign(MULTI, provider=name, output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    assert summary["status"] == "succeeded" and summary["provider"] == name and summary["model"] == model
    assert summary["provider_calls"] == vendor.count(name) == 9
    assert summary["cost_estimate_usd"] > 0
    for v in summary["variants"]:
        path = workdir / v["file_path"]
        with Image.open(path) as image:
            placement = PLACEMENTS[v["aspect_ratio"]]
            assert image.size == (placement.width, placement.height)
        sidecar = json.loads(path.with_suffix(".json").read_text())
        assert sidecar["provider"] == name and sidecar["model"] == model and sidecar["reused"] is False
    if name == "openai":
        sizes = {r.size for r in vendor.requests}
        assert sizes == {"1088x1088", "1088x1920", "1920x1088"}  # divisible by 16, cropped afterwards
        assert all(r.headers["authorization"] == f"Bearer {vendor.openai_key}" for r in vendor.requests)
    else:
        assert {r.size for r in vendor.requests} == {"1:1", "9:16", "16:9"}  # native ratio per orientation
        assert all(r.headers["x-goog-api-key"] == vendor.gemini_key and "key=" not in r.path for r in vendor.requests)
    again = make_campaign(MULTI, provider=name, output="out")
    assert again.status == "succeeded" and as_json(again)["provider_calls"] == 0 and vendor.count(name) == 9


def test_fallback_to_local_when_openai_fails_forever(make_campaign, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "3")
    vendor.fail("openai", "500", times=None)
    result = make_campaign(MULTI, provider="openai,local", output="out")
    summary = as_json(result)
    assert summary["status"] == "partial"  # every creative made, on placeholders: not what was asked for
    assert summary["heroes_fallback"] == summary["heroes_placeholder"] == 9
    assert vendor.count("openai") == 27  # 9 heroes × 3 attempts
    assert summary["provider_calls"] == 27 + 9
    for v in summary["variants"]:
        assert json.loads((workdir / v["file_path"]).with_suffix(".json").read_text())["provider"] == "local"
    db = sqlite3.connect(workdir / "creative_ai.db")
    rows = dict(db.execute("select outcome, count(*) from generations group by outcome").fetchall())
    assert rows == {"retry:TransientProviderError": 18, "TransientProviderError": 9, "ok": 9}


def test_openai_alone_failing_is_an_honest_failure(cli, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "2")
    vendor.fail("openai", "500", times=None)
    result = cli("run", MULTI, "--provider", "openai", "--output", "out", "--json")
    assert result.code == 1
    summary = result.json()
    assert summary["status"] == "failed" and summary["variants_ok"] == 0
    for v in summary["variants"]:
        assert v["status"] == "failed" and "OpenAI server error (HTTP 500)" in v["reason"] and v["file_path"] is None


def test_429_waits_for_retry_after_then_succeeds(make_campaign, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    vendor.fail("gemini", "429", times=1, retry_after=1.5)
    result = make_campaign(base_brief(), provider="gemini", output="out")
    assert result.status == "succeeded"
    assert as_json(result)["provider_calls"] == 2 and vendor.count("gemini") == 2
    db = sqlite3.connect(workdir / "creative_ai.db")
    (retried_ms,) = db.execute("select latency_ms from generations where outcome = 'retry:RateLimited'").fetchone()
    first, second = vendor.requests
    assert second.received - first.received >= 1.5  # the second call came after the vendor's Retry-After
    assert retried_ms >= 0


@pytest.mark.parametrize(("name", "variable"), [("openai", "OPENAI_API_KEY"), ("gemini", "GEMINI_API_KEY")])
def test_bad_key_fails_fast_and_names_the_variable(
    make_campaign, workdir: Path, vendor, monkeypatch, name, variable
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(variable, "wrong-key-0000")
    with pytest.raises(KeyRefused) as stopped:  # the command's exit code 3
        make_campaign(base_brief(), provider=name, output="out")
    assert variable in str(stopped.value) and "refused the API key" in str(stopped.value)
    assert "wrong-key-0000" not in str(stopped.value)
    assert vendor.count(name) == 1  # never retried


def test_missing_key_is_a_configuration_error(cli, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY")
    result = cli("run", str(write_brief(workdir, base_brief())), "--provider", "openai", "--output", "out")
    assert result.code == 3 and "set OPENAI_API_KEY" in result.stderr and "Traceback" not in result.stderr
    assert not (workdir / "out").exists()


@pytest.mark.parametrize("kind", ["refusal", "malformed", "noimage"])
def test_refusals_and_bad_answers_are_not_retried(make_campaign, workdir: Path, vendor, kind: str) -> None:  # type: ignore[no-untyped-def]
    vendor.fail("openai", kind, times=None)
    result = make_campaign(base_brief(), provider="openai", output="out")
    assert result.status == "failed" and vendor.count("openai") == 1  # the command's exit code 1
    assert as_json(result)["variants"][0]["status"] == "failed"


def test_timeouts_are_retried(make_campaign, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_REQUEST_TIMEOUT", "0.5")
    vendor.fail("openai", "timeout", times=1, retry_after=1.5)
    result = make_campaign(base_brief(), provider="openai", output="out")
    assert result.status == "succeeded"
    assert as_json(result)["provider_calls"] == 2


def test_concurrency_is_bounded_across_the_campaign(make_campaign, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "3")
    vendor.latency = 0.3
    result = make_campaign(MULTI, provider="openai", output="out")
    assert result.status == "succeeded"
    assert vendor.max_in_flight == 3


def test_selection_is_persisted_and_validated(cli, make_campaign, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    bad = cli("providers", "select", "gemini", "--model", "gemini-9-imaginary")
    assert bad.code == 3 and "has no model 'gemini-9-imaginary'" in bad.stderr
    shut_down = cli("providers", "select", "openai", "--model", "gpt-image-1")
    assert shut_down.code == 3
    chosen = cli("providers", "select", "gemini", "--model", "gemini-3-pro-image")
    assert chosen.code == 0, chosen.stderr
    listing = json.loads(cli("providers", "--json").stdout)
    assert listing["selection"] == {"provider": "gemini", "model": "gemini-3-pro-image", "source": "database"}
    result = make_campaign(base_brief(), output="out")  # no provider given: the stored selection
    assert result.status == "succeeded"
    sidecar = json.loads((workdir / as_json(result)["variants"][0]["file_path"]).with_suffix(".json").read_text())
    assert sidecar["provider"] == "gemini" and sidecar["model"] == "gemini-3-pro-image"
    assert {r.model for r in vendor.requests} == {"gemini-3-pro-image"}


def test_dry_run_prices_the_plan_and_spends_nothing(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", MULTI, "--provider", "openai", "--dry-run", "--json", "--output", "out")
    assert result.code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["provider_calls_planned"] == 9 and plan["heroes_reused"] == 0
    # 3 products × (1088² at $0.02 + 1088×1920 at $0.035 × 2)
    assert plan["estimated_cost_usd"] == pytest.approx(3 * (0.02 + 0.035 + 0.035))
    assert vendor.count("openai") == 0 and not (workdir / "out").exists()
