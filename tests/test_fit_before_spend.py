"""Fit before spend: copy that cannot be set is found at plan time, so `validate`, `--dry-run`, the API's validate
and the run itself name the variants it blocks before any provider call, and a product whose every variant is
blocked costs no generation (counted at the fake vendor)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import base_brief, write_brief

# 129 characters: more than three lines of any ratio's text box hold at the smallest headline size (DESIGN.md).
ESSAY = (
    "Weiche Baumwollhandtücher trocknen schnell und lassen sich klein zusammenfalten, damit jeder Familientag am "
    "Strand leicht beginnt"
)


def _brief(**overrides: object) -> dict:  # type: ignore[type-arg]
    fields: dict[str, object] = {
        "locales": ["de"],
        "campaign_message": ESSAY,
        "aspect_ratios": ["1x1", "9x16", "16x9"],
        "products": [{"id": "towel", "name": "Towel", "description": "A beach towel"}],
    }
    return base_brief(**(fields | overrides))


def test_validate_names_the_locale_and_ratio_whose_copy_cannot_fit(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(write_brief(workdir, _brief())))
    assert result.code == 2, (result.stdout, result.stderr)
    for ratio in ("1x1", "9x16", "16x9"):
        assert f"locale de, ratio {ratio}: the de copy does not fit the {ratio} layout" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


def test_copy_that_fits_nowhere_costs_no_generation(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, _brief())
    dry = cli("run", str(path), "--provider", "openai", "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    plan = dry.json()
    assert plan["provider_calls_planned"] == 0 and plan["estimated_cost_usd"] == 0
    assert len(plan["variants_blocked"]) == 3 and all("does not fit" in b for b in plan["variants_blocked"])
    result = cli("run", str(path), "--provider", "openai", "--output", "out", "--json")
    assert vendor.count("openai") == 0  # nothing was generated for creatives that cannot be made
    summary = result.json()
    assert summary["status"] == "failed" and result.code == 1
    assert all("does not fit" in v["reason"] for v in summary["variants"])


def test_only_the_sizes_the_fitting_variants_need_are_generated(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    # One locale fits every ratio; the other fits none: both share the heroes, so every size is still made once.
    brief = _brief(locales=["en", "de"], campaign_message="Dry in minutes", messages={"de": ESSAY})
    path = write_brief(workdir, brief)
    dry = cli("run", str(path), "--provider", "openai", "--dry-run", "--json").json()
    result = cli("run", str(path), "--provider", "openai", "--output", "out", "--json")
    summary = result.json()
    assert vendor.count("openai") == dry["provider_calls_planned"] == 3  # square, portrait, landscape
    assert {v["locale"] for v in summary["variants"] if v["status"] == "failed"} == {"de"}
    assert {v["locale"] for v in summary["variants"] if v["status"] == "ok"} == {"en"}


def test_the_api_validate_lists_blocked_variants_with_locale_and_ratio(workdir: Path) -> None:
    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    settings = get_settings(
        output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}", assets_dir=workdir / "assets"
    )
    with TestClient(create_app(settings)) as client:
        answer = client.post("/briefs/validate", json=_brief())
    assert answer.status_code == 200, answer.text
    blocked = answer.json()["blocked"]
    assert {(b["locale"], b["aspect_ratio"]) for b in blocked} == {("de", "1x1"), ("de", "9x16"), ("de", "16x9")}
    assert all("does not fit" in b["reason"] for b in blocked)


def test_the_dry_run_counts_the_outpaint_fills_the_run_pays_for(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    from tests.test_outpaint import _brief as wide_brief
    from tests.test_outpaint import _edits

    path = wide_brief(workdir)
    dry = cli("run", str(path), "--provider", "openai", "--output", "out", "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    plan = dry.json()
    assert vendor.requests == []  # planning asks nothing
    run = cli("run", str(path), "--provider", "openai", "--output", "out", "--json")
    summary = run.json()
    paid = len(_edits(vendor))
    assert paid > 0 and plan["outpaint_calls_planned"] == paid == summary["provider_calls"]
    assert plan["provider_calls_planned"] == paid and plan["hero_calls_planned"] == 0  # the packshot is the hero
    assert abs(plan["estimated_cost_usd"] - summary["cost_estimate_usd"]) < 1e-6
    again = cli("run", str(path), "--provider", "openai", "--output", "out", "--dry-run", "--json").json()
    assert again["outpaint_calls_planned"] == 0  # every canvas is recorded now
