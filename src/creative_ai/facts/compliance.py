"""The compliance report of a campaign: every check of every creative, counts per check, its defects, and a score.

The score counts real defects: the share of the checks that applied which passed. A check that does not apply to
a creative (``skipped``: no logo in the brief, no brand colours, no product in brand art) is counted on its own and
left out of the score, so it neither lowers nor raises it. Every ``fail`` or ``warn`` is a defect, listed with its
creative, check and evidence. A campaign refused before anything was made (a prohibited term in its brief) reports
what refused it: each term with its field, locale, rule and rule file.

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

from creative_ai.approvals import audit_trail
from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.facts import models as m
from creative_ai.facts.select import find_campaign, in_brief

EVIDENCE_LIMIT = 300
SKIPPED = "skipped"
DEFECTS = ("fail", "warn")
STATUSES = ("pass", "warn", "fail", SKIPPED)  # those of ``checks.base.Status``, in the order the page lists them


@dataclass(frozen=True)
class CheckedVariant:
    """One variant's stored checks; ``current`` when the campaign's current brief still asks for it."""

    product_id: str
    locale: str
    aspect_ratio: str
    status: str
    reason: str | None
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
            reason=v.reason,
            file_path=v.file_path,
            checks=[dict(c) for c in v.checks or []],
            current=asked(v),
        )
        for v in repo.variants(campaign_id)
    ]
    return Checked(campaign, variants)


def applied(checks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks that applied to their creative (every status but ``skipped``)."""
    return [c for c in checks if c.get("status") != SKIPPED]


def score(checks: list[dict[str, Any]]) -> float | None:
    """Share of the checks that applied which passed (None when none applied); skipped checks are left out."""
    counted = applied(checks)
    if not counted:
        return None
    return round(sum(1 for c in counted if c.get("status") == "pass") / len(counted), 3)


def by_check(checks: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many times each check ended in each status, both sorted by name."""
    counts: dict[str, Counter[str]] = {}
    for c in checks:
        counts.setdefault(str(c.get("name")), Counter())[str(c.get("status"))] += 1
    return {name: dict(sorted(statuses.items())) for name, statuses in sorted(counts.items())}


def variant_name(v: CheckedVariant) -> str:
    """How a creative is named in the report and its thumbnails: ``product/locale/ratio``."""
    return f"{v.product_id}/{v.locale}/{v.aspect_ratio}"


def defects(rows: Iterable[CheckedVariant]) -> list[dict[str, Any]]:
    """One entry per failing or warning check of each creative, failures first, each with its evidence; a creative
    that failed with no failing check (it could not be rendered) is one entry with its reason and no check."""
    found = []
    for v in rows:
        creative: dict[str, Any] = {
            "variant": variant_name(v),
            "product_id": v.product_id,
            "locale": v.locale,
            "aspect_ratio": v.aspect_ratio,
            "variant_status": v.status,
            "file_path": v.file_path,
        }
        bad = [c for c in v.checks if c.get("status") in DEFECTS]
        for c in bad:
            said = {"check": str(c.get("name")), "status": str(c.get("status")), "evidence": str(c.get("evidence", ""))}
            found.append(creative | said)
        if v.status == "failed" and not any(c.get("status") == "fail" for c in bad):
            found.append(creative | {"check": None, "status": "fail", "evidence": v.reason or "the creative failed"})
    return sorted(found, key=lambda d: d["status"] != "fail")  # stable: creatives and checks keep their order


def refusal(campaign: t.Campaign) -> dict[str, Any] | None:
    """What refused the campaign (its error and the prohibited terms found), when it was refused."""
    kept: dict[str, Any] = dict(campaign.refusal or {})
    if campaign.status != "refused" or not kept:
        return None
    fields = ("field", "locale", "term", "rule", "source")
    hits = [{k: str(h.get(k, "")) for k in fields} for h in kept.get("hits", []) if isinstance(h, dict)]
    return {"error": str(kept.get("error", "")), "hits": hits}


def report(repo: Repository, campaign_id: str) -> dict[str, Any]:
    """The full report: every variant on record (sorted by product, locale, ratio) with all its checks, the
    defects, (for a refused campaign) what refused it, and the sign-off audit trail (every decision, in order)."""
    found = checked(repo, campaign_id)
    rows = sorted(found.variants, key=lambda v: (v.product_id, v.locale, v.aspect_ratio))
    every = [c for v in rows for c in v.checks]
    return {
        "campaign_id": campaign_id,
        "name": found.campaign.name,
        "status": found.campaign.status,
        "refusal": refusal(found.campaign),
        "compliance_score": score(every),
        "checks_total": len(every),
        "checks_applied": len(applied(every)),
        "checks_passed": sum(1 for c in every if c.get("status") == "pass"),
        "checks_skipped": sum(1 for c in every if c.get("status") == SKIPPED),
        "by_check": by_check(every),
        "defects": defects(rows),
        "variants": [
            {
                "product_id": v.product_id,
                "locale": v.locale,
                "aspect_ratio": v.aspect_ratio,
                "status": v.status,
                "reason": v.reason,
                "file_path": v.file_path,
                "checks": [{k: c.get(k) for k in ("name", "status", "evidence")} for c in v.checks],
            }
            for v in rows
        ],
        "approvals": audit_trail(repo, campaign_id),
    }


def summary(repo: Repository, campaign_id: str) -> m.ComplianceReport:
    """The current brief's checked variants: counts per check, warnings, and every failing check."""
    found = checked(repo, campaign_id)
    variants = [v for v in found.variants if v.current and v.checks]
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
    refused = refusal(found.campaign)
    return m.ComplianceReport(
        campaign_id=campaign_id,
        status=found.campaign.status,
        variants_checked=len(variants),
        compliance_score=score(every),
        by_check=by_check(every),
        failing=failing,
        warnings=sum(1 for c in every if str(c.get("status")) == "warn"),
        skipped=sum(1 for c in every if str(c.get("status")) == SKIPPED),
        refusal=m.Refusal.model_validate(refused) if refused else None,
    )


def render(report: dict[str, Any], fmt: str, *, thumbnails: Mapping[str, str] | None = None) -> str:
    """The full report as ``json``, ``csv`` (one row per check; a refused campaign's rows are its prohibited terms,
    variant status ``refused``) or ``html``; the HTML shows each creative's picture, beside its row and its defects,
    from ``thumbnails`` (``product/locale/ratio`` → image URI, see :mod:`creative_ai.report.thumbnails`)."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        cid = report["campaign_id"]
        writer.writerow(["campaign_id", "product_id", "locale", "aspect_ratio", "variant_status", "check", "status",
                         "evidence", "file_path"])  # fmt: skip
        for hit in (report.get("refusal") or {}).get("hits", []):
            said = f"{hit['field']}: prohibited term {hit['term']!r} (rule {hit['rule']}, {hit['source']})"
            writer.writerow([cid, "", hit["locale"], "", "refused", "legal", "fail", said, ""])
        for row in report["variants"]:
            creative = [cid, row["product_id"], row["locale"], row["aspect_ratio"], row["status"]]
            for check in row["checks"] or [{"name": "", "status": "", "evidence": ""}]:
                writer.writerow([*creative, check["name"], check["status"], check["evidence"], row["file_path"] or ""])
        return out.getvalue()
    env = Environment(loader=PackageLoader("creative_ai.report", "templates"), autoescape=select_autoescape(["html"]))
    page = env.get_template("compliance.html")
    return page.render(report=report, thumbnails=thumbnails or {}, statuses=STATUSES)
