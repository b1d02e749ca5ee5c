"""The example campaigns give the same creatives, byte for byte, as the recorded golden sha256 values.

A change that alters pixels on purpose updates ``tests/golden/example_creatives.json`` in the same commit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from creative_ai import get_settings, load_brief
from creative_ai.runtime import Runtime

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "example_creatives.json").read_text())
BRIEFS = {"summer-splash-eu-2025": "brief_multi_product.json", "tidewell-summer-2026": "brief_packshots.yaml"}


@pytest.mark.parametrize("campaign_id", sorted(BRIEFS))
def test_example_campaign_is_byte_identical_to_its_golden(workdir: Path, campaign_id: str) -> None:
    settings = get_settings(output_dir=workdir / "out", assets_dir=workdir / "assets", provider="local")
    runtime = Runtime.open(settings)
    summary = runtime.run(load_brief(ROOT / "examples" / BRIEFS[campaign_id]), chain=runtime.chain())
    assert summary.campaign_id == campaign_id and summary.status == "succeeded"
    manifest = json.loads((workdir / "out" / campaign_id / "manifest.json").read_text())
    made = {f"{v['product_id']}/{v['locale']}/{v['aspect_ratio']}": v["sha256"] for v in manifest["variants"]}
    assert made == GOLDEN[campaign_id]
    for entry in manifest["variants"]:  # the manifest's sha256 is the file's
        data = (workdir / "out" / campaign_id / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
