"""Sizes, sidecars, manifest, reruns, packshots, partial failure: end to end through the real CLI where the
command's exit code and output matter, in-process (``make_campaign``) where only the campaign's files do."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from PIL import Image

from creative_ai.placements import PLACEMENTS
from tests.conftest import EXAMPLES, as_json, base_brief, write_brief

SEED_FIELDS = {
    "campaign_id",
    "product_id",
    "product_name",
    "aspect_ratio",
    "dimensions",
    "platform",
    "target_market",
    "target_audience",
    "campaign_message",
    "provider",
    "model",
    "reused",
    "file_path",
    "file_size_bytes",
    "created_at",
    "checksum_md5",
}
ADDED_FIELDS = {"locale", "message", "prompt", "hero_sha256", "sha256", "seed", "checks", "status"}
SUMMARY_KEYS = {
    "campaign_id",
    "status",
    "variants_total",
    "variants_ok",
    "variants_failed",
    "heroes_generated",
    "heroes_reused",
    "provider_calls",
    "cost_estimate_usd",
    "duration_s",
    "output_dir",
    "variants",
}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_example_campaign_outputs_and_rerun(cli, workdir: Path) -> None:
    first = cli("run", str(EXAMPLES / "brief_multi_product.json"), "--provider", "local", "--output", "out", "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["status"] == "succeeded"
    assert summary["variants_total"] == 9 == summary["variants_ok"]
    assert summary["provider_calls"] == 9 == summary["heroes_generated"]
    for v in summary["variants"]:
        assert {"product_id", "locale", "aspect_ratio", "status", "reason", "file_path", "reused"} <= v.keys()
        path = workdir / v["file_path"]
        assert path == workdir / "out" / "summer-splash-eu-2025" / v["product_id"] / v["aspect_ratio"] / (
            f"{v['product_id']}_{v['aspect_ratio']}_en.png"
        )
        placement = PLACEMENTS[v["aspect_ratio"]]
        with Image.open(path) as image:
            assert image.size == (placement.width, placement.height)
        data = path.read_bytes()
        sidecar = json.loads(path.with_suffix(".json").read_text())
        assert sidecar.keys() >= SEED_FIELDS | ADDED_FIELDS
        assert sidecar["sha256"] == hashlib.sha256(data).hexdigest()
        assert sidecar["checksum_md5"] == hashlib.md5(data).hexdigest()
        assert sidecar["file_size_bytes"] == len(data)
        assert sidecar["provider"] == "local" and sidecar["reused"] is False
        assert sidecar["created_at"].endswith("Z")
        assert sidecar["dimensions"] == placement.dimensions
    manifest = json.loads((workdir / "out/summer-splash-eu-2025/manifest.json").read_text())
    listed = {(e["product_id"], e["aspect_ratio"], e["locale"]) for e in manifest["variants"]}
    assert listed == {(v["product_id"], v["aspect_ratio"], v["locale"]) for v in summary["variants"]}
    assert (workdir / "out/summer-splash-eu-2025/index.html").is_file()

    before = _files(workdir / "out")
    mtimes = {p: p.stat().st_mtime_ns for p in (workdir / "out").rglob("*") if p.is_file()}
    again = cli("run", str(EXAMPLES / "brief_multi_product.json"), "--provider", "local", "--output", "out", "--json")
    assert again.code == 0, again.stderr
    rerun = again.json()
    assert rerun["provider_calls"] == 0 and rerun["heroes_reused"] == 9 and rerun["status"] == "succeeded"
    assert _files(workdir / "out") == before
    assert {p: p.stat().st_mtime_ns for p in (workdir / "out").rglob("*") if p.is_file()} == mtimes

    db = sqlite3.connect(workdir / "creative_ai.db")
    assert db.execute("select count(*) from variants").fetchone()[0] == 9
    assert db.execute("select count(*) from generations where outcome='ok'").fetchone()[0] == 9
    assert db.execute("select count(*) from heroes").fetchone()[0] == 9


def test_changed_message_rerenders_text_without_provider_calls(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(aspect_ratios=["1x1", "9x16"])
    first = make_campaign(brief, output="out")
    assert first.status == "succeeded"
    old = {v["file_path"]: (workdir / v["file_path"]).read_bytes() for v in as_json(first)["variants"]}

    second = make_campaign({**brief, "campaign_message": "Brand New Words"}, output="out")
    assert second.status == "succeeded"
    summary = as_json(second)
    assert summary["provider_calls"] == 0
    for v in summary["variants"]:
        assert v["rendered"] is True
        sidecar = json.loads((workdir / v["file_path"]).with_suffix(".json").read_text())
        assert sidecar["message"] == "Brand New Words"
        assert sidecar["text"]["lines"] and " ".join(sidecar["text"]["lines"]) == "Brand New Words"
        assert (workdir / v["file_path"]).read_bytes() != old[v["file_path"]]


def _packshot(path: Path) -> None:
    image = Image.new("RGBA", (300, 500), (0, 0, 0, 0))
    for y in range(60, 480):
        for x in range(90, 210):
            image.putpixel((x, y), (40, 120, 200, 255))
    image.save(path)


def test_input_packshot_is_the_hero_and_costs_no_call(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    _packshot(workdir / "bottle.png")
    brief = base_brief(
        products=[
            {"id": "with_image", "name": "Bottle", "image": "bottle.png"},
            {"id": "without", "name": "Other"},
        ],
        aspect_ratios=["1x1", "16x9"],
    )
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    assert summary["provider_calls"] == 2  # only the product without an image: square + landscape
    for v in summary["variants"]:
        sidecar = json.loads((workdir / v["file_path"]).with_suffix(".json").read_text())
        if v["product_id"] == "with_image":
            assert v["reused"] is True and sidecar["reused"] is True
            assert sidecar["hero_sha256"] == hashlib.sha256((workdir / "bottle.png").read_bytes()).hexdigest()
        else:
            assert sidecar["reused"] is False


def test_assets_dir_packshot_found_by_product_id(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "assets" / "products").mkdir(parents=True)
    _packshot(workdir / "assets" / "products" / "prod_a.png")
    result = make_campaign(base_brief(), output="out")
    assert result.status == "succeeded"
    assert as_json(result)["provider_calls"] == 0
    assert as_json(result)["variants"][0]["reused"] is True


def test_message_too_long_for_one_placement_fails_only_that_variant(cli, workdir: Path) -> None:
    # 117 characters: three lines fit the full-width text block of 1x1 and 9x16 at the minimum size or above,
    # but not the narrower text column of 16x9.
    words = (
        "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
        " this summer"
    )
    brief = base_brief(campaign_message=words, aspect_ratios=["1x1", "9x16", "16x9"])
    result = cli("run", str(write_brief(workdir, brief)), "--output", "out", "--json")
    summary = result.json()
    statuses = {v["aspect_ratio"]: v for v in summary["variants"]}
    failed = [v for v in summary["variants"] if v["status"] == "failed"]
    assert failed, statuses
    assert any(v["status"] == "ok" for v in summary["variants"]), statuses
    assert result.code == 1
    assert summary["status"] == "partial"
    for v in failed:
        assert "does not fit" in v["reason"] and "minimum size" in v["reason"]
        assert v["file_path"] is None
        stem = f"{v['product_id']}_{v['aspect_ratio']}_{v['locale']}"
        assert not list((workdir / "out").rglob(f"{stem}.*"))


def test_locales_use_brief_copy_and_flag_missing_translation(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(locales=["en", "de", "fr"], messages={"de": "Hallo Welt"})
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    by_locale = {v["locale"]: v for v in as_json(result)["variants"]}
    assert set(by_locale) == {"en", "de", "fr"}
    de = json.loads((workdir / by_locale["de"]["file_path"]).with_suffix(".json").read_text())
    fr = json.loads((workdir / by_locale["fr"]["file_path"]).with_suffix(".json").read_text())
    assert de["message"] == "Hallo Welt" and de["needs_translation"] is False
    assert fr["message"] == "Hello World" and fr["needs_translation"] is True
    assert by_locale["fr"]["file_path"].endswith("prod_a_1x1_fr.png")


def test_formats_jpg_and_webp(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    # jpg through the command's --format flag, webp in-process: both encodings, and the flag reaches the pipeline
    result = cli("run", str(write_brief(workdir, base_brief())), "--output", "out-jpg", "--format", "jpg", "--json")
    assert result.code == 0, result.stderr
    made = {"jpg": result.json(), "webp": as_json(make_campaign(base_brief(), output="out-webp", image_format="webp"))}
    for fmt, magic in (("jpg", b"\xff\xd8"), ("webp", b"RIFF")):
        assert made[fmt]["status"] == "succeeded"
        path = workdir / made[fmt]["variants"][0]["file_path"]
        assert path.suffix == f".{fmt}" and path.read_bytes().startswith(magic)


def test_glyphs_the_font_cannot_cover_fail_the_variant_by_locale(make_campaign) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(locales=["en", "ja", "am"], messages={"ja": "夏を楽しもう", "am": "ሰላም በጋ"})
    result = make_campaign(brief, output="out")
    assert result.status == "partial"  # the command's exit code 1
    by_locale = {v["locale"]: v for v in as_json(result)["variants"]}
    assert by_locale["en"]["status"] == "ok" and by_locale["ja"]["status"] == "ok"
    assert by_locale["am"]["status"] == "failed" and "locale am" in by_locale["am"]["reason"]
    assert "ሰላም" in by_locale["am"]["reason"] or "ሰ" in by_locale["am"]["reason"]


def test_two_runs_at_once_leave_consistent_files(workdir: Path) -> None:
    import os
    import subprocess
    import sys

    brief = write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16", "16x9"], locales=["en", "de"]))
    cmd = [sys.executable, "-m", "creative_ai", "run", str(brief), "--output", "out", "--json"]
    procs = [
        subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
        for _ in range(2)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert json.loads(out)["status"] == "succeeded"
    for sidecar_path in (workdir / "out").rglob("prod_a_*.json"):
        sidecar = json.loads(sidecar_path.read_text())
        data = (workdir / sidecar["file_path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sidecar["sha256"]
    assert not list((workdir / "out").rglob("*.tmp"))
    db = sqlite3.connect(workdir / "creative_ai.db")
    assert db.execute("select count(*) from variants").fetchone()[0] == 6


def test_single_hero_strategy_makes_one_generation_per_product(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = make_campaign(base_brief(aspect_ratios=["1x1", "9x16", "16x9", "4x5"]), output="out", hero="single")
    assert result.status == "succeeded"
    summary = as_json(result)
    assert summary["provider_calls"] == 1 and summary["variants_ok"] == 4
    heroes = {
        json.loads((workdir / v["file_path"]).with_suffix(".json").read_text())["hero_sha256"]
        for v in summary["variants"]
    }
    assert len(heroes) == 1


def test_variant_that_now_fails_loses_its_older_creative(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_campaign(base_brief(aspect_ratios=["16x9"]), output="out")
    assert first.status == "succeeded"
    old = workdir / as_json(first)["variants"][0]["file_path"]
    assert old.is_file()
    too_long = "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy "
    second = make_campaign(
        base_brief(aspect_ratios=["16x9"], campaign_message=too_long + "together this summer"), output="out"
    )
    assert as_json(second)["status"] == "failed"
    assert not old.exists() and not old.with_suffix(".json").exists()
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    assert manifest["variants"][0]["status"] == "failed" and manifest["variants"][0]["file"] is None
