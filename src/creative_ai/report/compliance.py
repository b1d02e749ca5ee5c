"""The compliance report of a campaign: every check of every creative, counts per check, and a score (the share
of checks passed), as JSON, CSV or HTML."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from creative_ai.db.repository import Repository
from creative_ai.errors import InputError


def score(checks: list[dict[str, Any]]) -> float | None:
    """Share of checks passed (None when there is none)."""
    if not checks:
        return None
    return round(sum(1 for c in checks if c.get("status") == "pass") / len(checks), 3)


def build(repo: Repository, campaign_id: str) -> dict[str, Any]:
    campaign = repo.campaign(campaign_id)
    if campaign is None:
        known = ", ".join(c.id for c in repo.campaigns()[:20]) or "none yet"
        raise InputError(f"no campaign {campaign_id!r} (known: {known})")
    rows: list[dict[str, Any]] = []
    every: list[dict[str, Any]] = []
    for v in sorted(repo.variants(campaign_id), key=lambda v: (v.product_id, v.locale, v.aspect_ratio)):
        checks = [dict(c) for c in v.checks or []]
        every += checks
        rows.append(
            {
                "product_id": v.product_id,
                "locale": v.locale,
                "aspect_ratio": v.aspect_ratio,
                "status": v.status,
                "file_path": v.file_path,
                "checks": [{k: c.get(k) for k in ("name", "status", "evidence")} for c in checks],
            }
        )
    by_check: dict[str, Counter[str]] = {}
    for c in every:
        by_check.setdefault(str(c.get("name")), Counter())[str(c.get("status"))] += 1
    return {
        "campaign_id": campaign_id,
        "name": campaign.name,
        "status": campaign.status,
        "compliance_score": score(every),
        "checks_total": len(every),
        "checks_passed": sum(1 for c in every if c.get("status") == "pass"),
        "by_check": {name: dict(sorted(counts.items())) for name, counts in sorted(by_check.items())},
        "variants": rows,
    }


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["campaign_id", "product_id", "locale", "aspect_ratio", "variant_status", "check", "status",
                         "evidence"])  # fmt: skip
        for row in report["variants"]:
            for check in row["checks"] or [{"name": "", "status": "", "evidence": ""}]:
                writer.writerow([report["campaign_id"], row["product_id"], row["locale"], row["aspect_ratio"],
                                 row["status"], check["name"], check["status"], check["evidence"]])  # fmt: skip
        return out.getvalue()
    env = Environment(loader=PackageLoader("creative_ai.report", "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("compliance.html").render(report=report)
