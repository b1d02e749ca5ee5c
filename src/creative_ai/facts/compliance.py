"""The compliance report of a campaign: every check of every creative, counts per check, and a score (the share
of checks passed).

One reading of the stored checks serves two views: ``report`` (every variant on record, sorted, for
``creative-ai report`` as JSON, CSV or HTML) and ``summary`` (the variants the current brief still asks for,
with their failing checks, for the MCP tool and the agent's compliance rule).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.facts import models as m
from creative_ai.facts.select import find_campaign, in_brief

EVIDENCE_LIMIT = 300


@dataclass(frozen=True)
class CheckedVariant:
    """One variant's stored checks; ``current`` when the campaign's current brief still asks for it."""

    product_id: str
    locale: str
    aspect_ratio: str
    status: str
    file_path: str | None
    checks: list[dict[str, Any]]
    current: bool


@dataclass(frozen=True)
class Checked:
    campaign: t.Campaign
    variants: list[CheckedVariant]


def checked(repo: Repository, campaign_id: str) -> Checked:
    """Every variant of the campaign with its checks, in the repository's order."""
    campaign = find_campaign(repo, campaign_id)
    asked = in_brief(campaign)
    variants = [
        CheckedVariant(
            product_id=v.product_id,
            locale=v.locale,
            aspect_ratio=v.aspect_ratio,
            status=v.status,
            file_path=v.file_path,
            checks=[dict(c) for c in v.checks or []],
            current=asked(v),
        )
        for v in repo.variants(campaign_id)
    ]
    return Checked(campaign, variants)


def score(checks: list[dict[str, Any]]) -> float | None:
    """Share of checks passed (None when there is none)."""
    if not checks:
        return None
    return round(sum(1 for c in checks if c.get("status") == "pass") / len(checks), 3)


def by_check(checks: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many times each check ended in each status, both sorted by name."""
    counts: dict[str, Counter[str]] = {}
    for c in checks:
        counts.setdefault(str(c.get("name")), Counter())[str(c.get("status"))] += 1
    return {name: dict(sorted(statuses.items())) for name, statuses in sorted(counts.items())}


def report(repo: Repository, campaign_id: str) -> dict[str, Any]:
    """The full report: every variant on record (sorted by product, locale, ratio) with all its checks."""
    found = checked(repo, campaign_id)
    rows = sorted(found.variants, key=lambda v: (v.product_id, v.locale, v.aspect_ratio))
    every = [c for v in rows for c in v.checks]
    return {
        "campaign_id": campaign_id,
        "name": found.campaign.name,
        "status": found.campaign.status,
        "compliance_score": score(every),
        "checks_total": len(every),
        "checks_passed": sum(1 for c in every if c.get("status") == "pass"),
        "by_check": by_check(every),
        "variants": [
            {
                "product_id": v.product_id,
                "locale": v.locale,
                "aspect_ratio": v.aspect_ratio,
                "status": v.status,
                "file_path": v.file_path,
                "checks": [{k: c.get(k) for k in ("name", "status", "evidence")} for c in v.checks],
            }
            for v in rows
        ],
    }


def summary(repo: Repository, campaign_id: str) -> m.ComplianceReport:
    """The current brief's checked variants: counts per check, warnings, and every failing check."""
    variants = [v for v in checked(repo, campaign_id).variants if v.current and v.checks]
    every = [c for v in variants for c in v.checks]
    failing = [
        m.ComplianceLine(
            product_id=v.product_id,
            locale=v.locale,
            aspect_ratio=v.aspect_ratio,
            check=str(c.get("name")),
            status="fail",
            evidence=str(c.get("evidence", ""))[:EVIDENCE_LIMIT],
        )
        for v in variants
        for c in v.checks
        if str(c.get("status")) == "fail"
    ]
    return m.ComplianceReport(
        campaign_id=campaign_id,
        variants_checked=len(variants),
        by_check=by_check(every),
        failing=failing,
        warnings=sum(1 for c in every if str(c.get("status")) == "warn"),
    )


def render(report: dict[str, Any], fmt: str, *, thumbnails: Mapping[str, str] | None = None) -> str:
    """The full report as ``json``, ``csv`` (one row per check) or ``html``; the HTML shows each creative's picture
    from ``thumbnails`` (``product/locale/ratio`` → image URI, see :mod:`creative_ai.report.thumbnails`)."""
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
    return env.get_template("compliance.html").render(report=report, thumbnails=thumbnails or {})
