"""run_campaign through the Python API with a fake provider: failures are honest, provenance is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from creative_ai import get_settings, parse_brief, run_campaign
from creative_ai.db.repository import Repository
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief
from tests.fakes import FakeProvider, Script


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=tmp_path / "out", assets_dir=tmp_path / "assets")
    repo = Repository.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store = LocalStore(settings.output_dir)
    FakeProvider.script = Script()
    provider = FakeProvider(settings=settings, model="fake-2")
    return settings, repo, store, provider


def _brief() -> object:
    return parse_brief(
        base_brief(
            products=[{"id": "good", "name": "Good Thing"}, {"id": "bad", "name": "Bad Thing"}],
            aspect_ratios=["1x1", "9x16", "4x5"],
        )
    )


def test_failed_hero_fails_its_product_only_and_is_recorded(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    FakeProvider.script.fail_subjects = {"Bad Thing"}
    summary = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert summary.status == "partial"
    assert summary.variants_ok == 3 and summary.variants_failed == 3
    # square + portrait for each product (4x5 reuses the portrait hero); both of the bad product's calls fail
    assert summary.provider_calls == len(FakeProvider.script.calls) == 4
    assert summary.cost_estimate_usd == pytest.approx(0.08)
    for v in summary.variants:
        if v.product_id == "bad":
            assert v.status == "failed" and "vendor said no" in (v.reason or "") and v.file_path is None
        else:
            sidecar = json.loads((tmp_path / v.file_path).with_suffix(".json").read_text())  # type: ignore[arg-type]
            assert sidecar["provider"] == "fake" and sidecar["model"] == "fake-2" and sidecar["reused"] is False
    outcomes = sorted((g.product_id, g.outcome) for g in repo.generations("test-campaign"))
    assert outcomes == [("bad", "GenerationFailed"), ("bad", "GenerationFailed"), ("good", "ok"), ("good", "ok")]
    assert {e.stage for e in repo.errors("test-campaign")} == {"hero", "render"}


def test_non_image_bytes_from_provider_fail_the_product(setup) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    FakeProvider.script.garbage_subjects = {"Bad Thing"}
    summary = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert summary.status == "partial"
    bad = [v for v in summary.variants if v.product_id == "bad"]
    assert all("not an image" in (v.reason or "") for v in bad)
    assert ("bad", "BadResponse") in {(g.product_id, g.outcome) for g in repo.generations("test-campaign")}


def test_every_variant_failing_is_status_failed(setup) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    FakeProvider.script.fail_subjects = {"Good Thing", "Bad Thing"}
    summary = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert summary.status == "failed" and summary.variants_ok == 0
    campaign = repo.campaign("test-campaign")
    assert campaign is not None and campaign.status == "failed"


def test_recorded_heroes_are_reused_and_a_missing_file_is_regenerated(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    first = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert first.provider_calls == 4 and first.status == "succeeded"
    second = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert second.provider_calls == 0 and second.heroes_reused == 4
    for hero in (tmp_path / "out" / "_heroes").rglob("*.png"):
        hero.unlink()
    third = run_campaign(_brief(), provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    assert third.provider_calls == 4 and third.heroes_generated == 4
