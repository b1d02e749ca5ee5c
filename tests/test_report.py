"""`creative-ai report`: every check of every creative, counts per check and the compliance score."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from PIL import Image

from creative_ai import get_provider, get_settings, parse_brief, run_campaign
from creative_ai.db.repository import Repository
from creative_ai.mcp_server.server import build_server
from creative_ai.storage.local import LocalStore
from tests import ssim
from tests.conftest import base_brief
from tests.report_html import creative_rows, decode


def test_report_in_json_csv_and_html(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(
        aspect_ratios=["1x1", "9x16"],
        locales=["en", "de"],
        messages={"de": "Gratis Wellen"},
        messages_terms={"de": "Solange der Vorrat reicht."},  # an EU free offer carries its terms (market-eu.yaml)
    )
    assert make_campaign(brief, output="out").status == "succeeded"
    result = cli("report", "test-campaign")
    assert result.code == 0, result.stderr
    report = result.json()
    checks = [c for v in report["variants"] for c in v["checks"]]
    assert len(report["variants"]) == 4 and report["checks_total"] == len(checks)
    counted = [c for c in checks if c["status"] != "skipped"]  # no logo in this brief: logo checks are skipped
    assert report["compliance_score"] == round(sum(c["status"] == "pass" for c in counted) / len(counted), 3)
    assert report["checks_applied"] == len(counted) < len(checks) and report["by_check"]["logo"] == {"skipped": 4}
    assert report["by_check"]["legal"] == {"pass": 2, "warn": 2}  # "gratis" is restricted in German
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    assert manifest["compliance_score"] == report["compliance_score"]
    rows = list(csv.DictReader(io.StringIO(cli("report", "test-campaign", "--format", "csv").stdout)))
    assert len(rows) == len(checks) and {r["check"] for r in rows} >= {"legal", "legibility", "brand_colors"}
    html = cli("report", "test-campaign", "--format", "html", "--output", str(workdir / "r.html"))
    assert html.code == 0 and "Score:" in (workdir / "r.html").read_text()
    missing = cli("report", "nope")
    assert missing.code == 2 and "no campaign 'nope'" in missing.stderr


def test_cli_report_and_mcp_tool_give_the_same_figures(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=workdir / "out")
    repo = Repository.from_url(settings.database_url)
    store = LocalStore(settings.output_dir)
    provider = get_provider("local", settings=settings)
    brief = base_brief(
        aspect_ratios=["1x1", "9x16"],
        locales=["en", "de"],
        messages={"de": "Gratis Wellen"},
        messages_terms={"de": "Solange der Vorrat reicht."},
    )
    run_campaign(parse_brief(brief), provider=provider, store=store, repo=repo, settings=settings, display_root="out")

    def both() -> tuple[dict[str, Any], dict[str, Any]]:
        result = cli("report", "test-campaign")
        assert result.code == 0, result.stderr

        async def tool() -> dict[str, Any]:
            async with Client(build_server(settings=settings, repo=repo, store=store)) as client:
                answer = await client.call_tool("get_compliance_report", {"campaign_id": "test-campaign"})
                assert not answer.is_error and answer.structured_content is not None
                return dict(answer.structured_content)

        return result.json(), anyio.run(tool)

    def figures(variants: list[dict[str, Any]]) -> dict[str, Any]:
        """The tool's figures counted afresh from the CLI report's rows."""
        pairs = [(v, c) for v in variants for c in v["checks"]]
        by_check: dict[str, Counter[str]] = {}
        for _, c in pairs:
            by_check.setdefault(c["name"], Counter())[c["status"]] += 1
        failing = [
            (v["product_id"], v["locale"], v["aspect_ratio"], c["name"]) for v, c in pairs if c["status"] == "fail"
        ]
        return {
            "variants_checked": sum(1 for v in variants if v["checks"]),
            "by_check": {name: dict(counts) for name, counts in by_check.items()},
            "warnings": sum(c["status"] == "warn" for _, c in pairs),
            "failing": sorted(failing),
        }

    def of_tool(tool: dict[str, Any]) -> dict[str, Any]:
        failing = sorted((f["product_id"], f["locale"], f["aspect_ratio"], f["check"]) for f in tool["failing"])
        return {k: tool[k] for k in ("variants_checked", "by_check", "warnings")} | {"failing": failing}

    report, tool = both()
    assert tool["variants_checked"] == len(report["variants"]) == 4 and tool["warnings"] > 0
    assert tool["by_check"] == report["by_check"] and tool["by_check"]["legal"] == {"pass": 2, "warn": 2}
    assert of_tool(tool) == figures(report["variants"])
    # A brief that drops a ratio: its creatives are removed from the record, so both count what is left.
    narrowed = dict(brief, aspect_ratios=["1x1"])
    run_campaign(
        parse_brief(narrowed), provider=provider, store=store, repo=repo, settings=settings, display_root="out"
    )
    report, tool = both()
    assert len(report["variants"]) == tool["variants_checked"] == 2
    assert {v["aspect_ratio"] for v in report["variants"]} == {"1x1"}
    assert of_tool(tool) == figures(report["variants"])


def _variant_id(v: dict[str, Any]) -> str:
    return f"{v['product_id']}/{v['locale']}/{v['aspect_ratio']}"


def test_html_report_shows_each_creative_beside_its_row(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    long = "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
    brief = base_brief(
        products=[
            {"id": "prod_a", "name": "Product A"},
            {"id": "long_one", "name": "Long", "message": long + " this summer"},
        ],
        aspect_ratios=["1x1", "9x16", "16x9"],
        locales=["en", "de"],
        messages={"de": "Hallo Welt"},
    )
    assert make_campaign(brief, output="out").status == "partial"
    assert make_campaign(brief, output="elsewhere", ratios=["16x9"]).status == "partial"  # another root
    variants = cli("report", "test-campaign").json()["variants"]
    files = {_variant_id(v): workdir / v["file_path"] for v in variants if v["status"] == "ok"}
    assert {p.parts[len(workdir.parts)] for p in files.values()} == {"out", "elsewhere"}
    failed = [_variant_id(v) for v in variants if v["status"] == "failed"]
    assert failed and len(files) >= 6
    gone = sorted(files)[0]
    files.pop(gone).unlink()  # deleted from the folder since the run
    result = cli("report", "test-campaign", "--format", "html")
    assert result.code == 0, result.stderr
    rows = creative_rows(result.stdout)
    assert set(rows) == {_variant_id(v) for v in variants}
    assert not rows[gone].images and "file not found in the store" in rows[gone].text
    assert all(not rows[v].images and "no file" in rows[v].text for v in failed)
    pictures = {path.read_bytes(): variant for variant, path in files.items()}  # distinct pictures (en = de here)
    for variant, path in files.items():
        (src,) = rows[variant].images
        thumb = decode(src)
        assert thumb.format == "JPEG" and max(thumb.size) == 200
        likeness = {}  # the thumbnail is most like its own picture of all those of the same ratio
        for picture, other in pictures.items():
            with Image.open(io.BytesIO(picture)) as creative:
                if abs(creative.width / creative.height - thumb.width / thumb.height) < 0.02:
                    small = creative.convert("RGB").resize(thumb.size, Image.Resampling.LANCZOS)
                    likeness[picture] = (ssim.compare(small, thumb.convert("RGB")).mean, other)
        best = max(likeness, key=lambda p: likeness[p][0])
        assert best == path.read_bytes() and likeness[best][0] > 0.9, (variant, list(likeness.values()))
    written = cli("report", "test-campaign", "--format", "html", "--output", str(workdir / "r.html"))
    assert written.code == 0 and (workdir / "r.html").read_text() == result.stdout  # the same page wherever it goes
