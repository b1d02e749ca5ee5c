"""``manifest.json``: every variant of a campaign with its status, file and checks. Stable across reruns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from creative_ai.brief import CampaignBrief, Product
from creative_ai.placements import get_placement
from creative_ai.records import CreativeRecord, VariantOutcome
from creative_ai.storage import layout


def build_manifest(
    brief: CampaignBrief,
    outcomes: Sequence[VariantOutcome],
    sidecars: Sequence[CreativeRecord | None],
    *,
    products: Sequence[Product],
    locales: Sequence[str],
    ratios: Sequence[str],
    status: str,
    provider: str,
    model: str,
) -> dict[str, Any]:
    """The manifest of the variants a run covers (``products`` × ``locales`` × ``ratios``), in plan order."""
    prefix = layout.campaign_prefix(brief.campaign_id)
    entries = []
    for outcome, sidecar in zip(outcomes, sidecars, strict=True):
        rel = None
        if outcome.file_path and sidecar is not None:
            rel = outcome.file_path.split(prefix, 1)[-1]
        entries.append(
            {
                "product_id": outcome.product_id,
                "locale": outcome.locale,
                "aspect_ratio": outcome.aspect_ratio,
                "status": outcome.status,
                "reason": outcome.reason,
                "file": rel,
                "sidecar": rel.rsplit(".", 1)[0] + ".json" if rel else None,
                "sha256": sidecar.sha256 if sidecar else None,
                "message": sidecar.message if sidecar else None,
                "needs_translation": outcome.needs_translation,
                "machine_translated": sidecar.machine_translated if sidecar else False,
                "checks": {c["name"]: c["status"] for c in outcome.checks},
                "evidence": {c["name"]: c.get("evidence", "") for c in outcome.checks if c["status"] != "pass"},
                "created_at": sidecar.created_at if sidecar else None,
            }
        )
    stamps: list[str] = [str(e["created_at"]) for e in entries if e["created_at"]]
    return {
        "campaign_id": brief.campaign_id,
        "name": brief.name,
        "target_market": brief.target_market,
        "target_audience": brief.target_audience,
        "campaign_message": brief.campaign_message,
        "brand_colors": brief.brand_colors,
        "locales": list(locales),
        "aspect_ratios": list(ratios),
        "products": [{"id": p.id, "name": p.name} for p in products],
        "status": status,
        "provider": provider,
        "model": model,
        "updated_at": max(stamps) if stamps else None,
        "variants_total": len(entries),
        "variants_ok": sum(1 for e in entries if e["status"] == "ok"),
        "compliance_score": _score(outcomes),
        "placements": {r: _placement(r) for r in ratios},
        "locale_names": {loc: _locale_name(loc) for loc in locales},
        "variants": entries,
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"


def _placement(ratio: str) -> dict[str, Any]:
    placement = get_placement(ratio)
    safe = placement.safe_box()
    return {
        "width": placement.width,
        "height": placement.height,
        "platform": placement.platform,
        "safe_box": list(safe.as_tuple()),
        "zones": [
            {
                "name": z.name,
                "keep_clear": {
                    "top": z.insets.top,
                    "right": z.insets.right,
                    "bottom": z.insets.bottom,
                    "left": z.insets.left,
                },
            }
            for z in placement.zones
        ],
    }


def _locale_name(locale: str) -> dict[str, str]:
    """The locale's own name for itself and its writing direction (CLDR, through babel)."""
    from babel import Locale, UnknownLocaleError

    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return {"name": locale, "direction": "ltr"}
    return {"name": str(parsed.display_name or locale), "direction": str(parsed.text_direction)}


def _score(outcomes: Sequence[VariantOutcome]) -> float | None:
    from creative_ai.facts.compliance import score

    return score([c for o in outcomes for c in o.checks])
