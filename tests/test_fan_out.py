"""A campaign made in parts (one per product) publishes the same campaign as one run, with honest totals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.brief import parse_brief
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.errors import InputError
from creative_ai.pipeline import publish_campaign, run_campaign
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief
from tests.fakes import FakeProvider, Script

PRODUCTS = [{"id": f"item-{i}", "name": f"Item {i}"} for i in range(3)]


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=tmp_path / "out", assets_dir=tmp_path / "assets")
    repo = Repository.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    FakeProvider.script = Script()
    return settings, repo, LocalStore(settings.output_dir), FakeProvider(settings=settings, model="fake-1")


def test_parts_then_publish_match_one_run(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    brief = parse_brief(base_brief(products=PRODUCTS, aspect_ratios=["1x1", "9x16"], locales=["en", "de"]))
    common = dict(provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    parts = [run_campaign(brief, products=[p["id"]], publish=False, **common) for p in reversed(PRODUCTS)]
    assert all(p.manifest_path is None for p in parts)
    assert not (settings.output_dir / "test-campaign/manifest.json").exists()  # nothing published by a part
    summary = publish_campaign(
        brief, parts, failed_parts={}, provider="fake", model="fake-1", store=store, repo=repo,
        display_root="out", duration_s=1.5,
    )  # fmt: skip
    assert summary.status == "succeeded" and summary.variants_ok == summary.variants_total == 12
    assert summary.provider_calls == len(FakeProvider.script.calls) == 6  # 3 products × 2 orientations
    assert summary.cost_estimate_usd == pytest.approx(6 * 0.04)
    assert [v.product_id for v in summary.variants][::4] == [p["id"] for p in PRODUCTS]  # plan order, not part order
    manifest = json.loads((settings.output_dir / "test-campaign/manifest.json").read_text())
    assert manifest["variants_ok"] == 12 and {p["id"] for p in manifest["products"]} == {p["id"] for p in PRODUCTS}
    assert all(v["sha256"] for v in manifest["variants"])
    assert repo.campaign("test-campaign").status == "succeeded"  # type: ignore[union-attr]

    # The same brief in one run reuses every creative the parts made: same manifest entries.
    whole = run_campaign(brief, **common)
    assert whole.provider_calls == 0 and not any(v.rendered for v in whole.variants)
    again = json.loads((settings.output_dir / "test-campaign/manifest.json").read_text())
    assert [v["sha256"] for v in again["variants"]] == [v["sha256"] for v in manifest["variants"]]


def test_a_failed_part_fails_its_products_variants_only(setup) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    brief = parse_brief(base_brief(products=PRODUCTS, aspect_ratios=["1x1"]))
    common = dict(provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    parts = [run_campaign(brief, products=[p["id"]], publish=False, **common) for p in PRODUCTS[:2]]
    summary = publish_campaign(
        brief, parts, failed_parts={"item-2": "worker lost its database"}, provider="fake", model="fake-1", store=store,
        repo=repo, display_root="out", duration_s=1.0,
    )  # fmt: skip
    assert summary.status == "partial" and summary.variants_ok == 2
    (failed,) = [v for v in summary.variants if v.status == "failed"]
    assert failed.product_id == "item-2" and "worker lost its database" in (failed.reason or "")


def test_unknown_product_filter_is_an_input_error(setup) -> None:  # type: ignore[no-untyped-def]
    settings, repo, store, provider = setup
    brief = parse_brief(base_brief(products=PRODUCTS))
    with pytest.raises(InputError, match="nope not in the brief"):
        run_campaign(
            brief, provider=provider, store=store, repo=repo, settings=settings, display_root="out", products=["nope"]
        )


def test_cli_product_option(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = workdir / "brief.json"
    brief.write_text(json.dumps(base_brief(products=PRODUCTS)))
    done = cli("run", str(brief), "--product", "item-1", "--json")
    assert done.code == 0, done.stderr
    assert [v["product_id"] for v in done.json()["variants"]] == ["item-1"]
    bad = cli("run", str(brief), "--product", "ghost")
    assert bad.code != 0 and "ghost not in the brief" in bad.stderr and "Traceback" not in bad.stderr


def test_in_process_job_fans_out_per_product(workdir: Path) -> None:
    settings = get_settings(output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}")
    with TestClient(create_app(settings)) as client:
        job = client.post("/campaigns/jobs", json=base_brief(products=PRODUCTS, aspect_ratios=["1x1", "4x5"])).json()
        for _ in range(600):
            body = client.get(f"/campaigns/jobs/{job['job_id']}").json()
            if body["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
    assert body["status"] == "succeeded" and body["progress"] == {"done": 6, "total": 6}
    assert [p["product_id"] for p in body["parts"]] == [p["id"] for p in PRODUCTS]
    assert all(p["status"] == "done" and p["attempts"] == 1 and p["worker"] for p in body["parts"])
    assert body["summary"]["variants_ok"] == 6 and body["summary"]["gallery_path"].endswith("test-campaign/index.html")
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    assert manifest["variants_ok"] == 6 and len(manifest["products"]) == 3


def test_a_single_product_job_runs_as_one_part(workdir: Path) -> None:
    settings = get_settings(output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}")
    with TestClient(create_app(settings)) as client:
        job = client.post("/campaigns/jobs", json=base_brief()).json()
        for _ in range(600):
            body = client.get(f"/campaigns/jobs/{job['job_id']}").json()
            if body["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
    assert body["status"] == "succeeded"  # one part: its claim keeps a job sent twice from running twice at once
    assert [(p["product_id"], p["status"], p["attempts"]) for p in body["parts"]] == [("prod_a", "done", 1)]
