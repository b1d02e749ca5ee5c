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
