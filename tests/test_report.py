"""`creative-ai report`: every check of every creative, counts per check and the compliance score."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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
