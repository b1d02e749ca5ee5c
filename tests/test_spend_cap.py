"""A spend cap: `--max-cost` / CREATIVE_AI_MAX_COST refuse a run whose estimate is over it before the first vendor
request (counted at the fake vendor), with the estimate and the cap in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_ai.errors import SpendCapError
from tests.conftest import base_brief, write_brief

PRODUCTS = [{"id": f"p{i}", "name": f"Product {i}", "description": "A towel"} for i in range(3)]


def _brief(workdir: Path) -> Path:
    return write_brief(workdir, base_brief(products=PRODUCTS, aspect_ratios=["1x1", "9x16", "16x9"]))


def test_a_run_over_the_cap_is_refused_before_any_request(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    path = _brief(workdir)
    estimate = cli("run", str(path), "--provider", "openai", "--dry-run", "--json").json()["estimated_cost_usd"]
    assert estimate > 0.05
    result = cli("run", str(path), "--provider", "openai", "--output", "out", "--max-cost", "0.05")
    assert result.code == 2 and vendor.requests == [], result.stderr
    assert f"an estimated ${estimate:.2f} (9 paid provider call(s)), over the spend cap of $0.05" in result.stderr
    assert "Traceback" not in result.stderr and not (workdir / "out").exists()
    capped = cli("run", str(path), "--provider", "openai", "--dry-run", "--json", "--max-cost", "0.05").json()
    assert capped["over_spend_cap"] is True and capped["spend_cap_usd"] == 0.05
    free = cli("run", str(path), "--provider", "local", "--output", "out", "--max-cost", "0")
    assert free.code == 0, free.stderr  # the local provider costs nothing: a zero cap lets it run


def test_a_cap_above_the_estimate_lets_the_run_pay(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", str(_brief(workdir)), "--provider", "openai", "--output", "out", "--max-cost", "100")
    assert result.code == 0, result.stderr
    assert vendor.count("openai") == 9


def test_the_setting_caps_every_front_door(make_campaign, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_COST", "0.01")
    with pytest.raises(SpendCapError, match=r"over the spend cap of \$0\.01"):
        make_campaign(_brief(workdir), provider="openai", output="out")
    assert vendor.requests == []


def test_the_api_refuses_a_run_over_the_cap_before_any_request(workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from fastapi.testclient import TestClient

    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    monkeypatch.setenv("CREATIVE_AI_MAX_COST", "0.01")
    monkeypatch.setenv("CREATIVE_AI_PROVIDER", "openai")
    body = _json.loads(_brief(workdir).read_text())
    with TestClient(create_app(get_settings(output_dir=workdir / "out"))) as client:
        queued = client.post("/campaigns/jobs", json=body)
        assert queued.status_code == 422, queued.text
        assert "over the spend cap of $0.01" in queued.json()["detail"]
        now = client.post("/campaigns/process", json=body)
        assert now.status_code == 422 and "over the spend cap of $0.01" in now.json()["detail"]
        assert client.get("/campaigns").json() == []  # nothing queued, nothing recorded
    assert vendor.requests == []
    monkeypatch.setenv("CREATIVE_AI_MAX_COST", "100")
    with TestClient(create_app(get_settings(output_dir=workdir / "out"))) as client:
        assert client.post("/campaigns/jobs", json=body).status_code == 202  # under the cap: queued
