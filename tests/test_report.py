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

from creative_ai import get_provider, get_settings, parse_brief, run_campaign
from creative_ai.db.repository import Repository
from creative_ai.mcp_server.server import build_server
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief


def test_report_in_json_csv_and_html(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(aspect_ratios=["1x1", "9x16"], locales=["en", "de"], messages={"de": "Gratis Wellen"})
    assert make_campaign(brief, output="out").status == "succeeded"
    result = cli("report", "test-campaign")
    assert result.code == 0, result.stderr
    report = result.json()
    checks = [c for v in report["variants"] for c in v["checks"]]
    assert len(report["variants"]) == 4 and report["checks_total"] == len(checks)
    assert report["compliance_score"] == round(sum(c["status"] == "pass" for c in checks) / len(checks), 3)
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
    brief = base_brief(aspect_ratios=["1x1", "9x16"], locales=["en", "de"], messages={"de": "Gratis Wellen"})
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
    # A brief that drops a ratio: the CLI still reports every creative on record, the tool only the asked-for ones.
    narrowed = dict(brief, aspect_ratios=["1x1"])
    run_campaign(
        parse_brief(narrowed), provider=provider, store=store, repo=repo, settings=settings, display_root="out"
    )
    report, tool = both()
    assert len(report["variants"]) == 4 and tool["variants_checked"] == 2
    assert of_tool(tool) == figures([v for v in report["variants"] if v["aspect_ratio"] == "1x1"])
