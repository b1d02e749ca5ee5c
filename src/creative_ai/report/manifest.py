"""``manifest.json``: every variant of a campaign with its status, file and checks. Stable across reruns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from creative_ai.brief import CampaignBrief, Product
from creative_ai.placements import get_placement
from creative_ai.providers import placeholder
from creative_ai.records import CreativeRecord, VariantOutcome
from creative_ai.storage import layout

NOT_MADE = "not_made"  # the status of a variant of the brief that no run has made yet


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
    """The manifest of every variant of ``products`` × ``locales`` × ``ratios``, in plan order: each with its
    outcome, or listed ``not_made`` (not made yet) when ``outcomes`` has none for it."""
    prefix = layout.campaign_prefix(brief.campaign_id)
    made = {(o.product_id, o.locale, o.aspect_ratio): (o, s) for o, s in zip(outcomes, sidecars, strict=True)}
    entries = [
        _entry(*found, prefix=prefix, asked=provider)
        if (found := made.get((p.id, locale, ratio)))
        else _not_made(p.id, locale, ratio)
        for p in products
        for locale in locales
        for ratio in ratios
    ]
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
        "variants_not_made": sum(1 for e in entries if e["status"] == NOT_MADE),
        "compliance_score": _score(outcomes),
        "placements": {r: _placement(r) for r in ratios},
        "locale_names": {loc: _locale_name(loc) for loc in locales},
        "variants": entries,
    }


def _entry(outcome: VariantOutcome, sidecar: CreativeRecord | None, *, prefix: str, asked: str) -> dict[str, Any]:
    """One made variant; ``asked`` is the campaign's provider (a hero from another came from a fallback)."""
    rel = None
    drawn = sidecar is not None and sidecar.hero_source != "input"  # not the product's own packshot
    if outcome.file_path and sidecar is not None:
        rel = outcome.file_path.split(prefix, 1)[-1]
    return {
        "product_id": outcome.product_id,
        "locale": outcome.locale,
        "aspect_ratio": outcome.aspect_ratio,
        "status": outcome.status,
        "reason": outcome.reason,
        "file": rel,
        "sidecar": rel.rsplit(".", 1)[0] + ".json" if rel else None,
        "sha256": sidecar.sha256 if sidecar else None,
        "ad_name": sidecar.ad_name if sidecar else None,
        "version": sidecar.version if sidecar else None,
        "previous_ad_name": sidecar.previous_ad_name if sidecar else None,
        "message": sidecar.message if sidecar else None,
        "needs_translation": outcome.needs_translation,
        "machine_translated": sidecar.machine_translated if sidecar else False,
        "checks": {c["name"]: c["status"] for c in outcome.checks},
        "evidence": {c["name"]: c.get("evidence", "") for c in outcome.checks if c["status"] != "pass"},
        "created_at": sidecar.created_at if sidecar else None,
        "hero": f"{sidecar.provider}/{sidecar.model}" if sidecar and drawn else None,
        "hero_fallback": bool(sidecar and drawn and sidecar.provider != asked),
        "hero_placeholder": bool(sidecar and drawn and placeholder(sidecar.provider, asked)),
    }


def _not_made(product_id: str, locale: str, ratio: str) -> dict[str, Any]:
    """A variant of the brief no run has made yet (a run of part of the brief leaves the rest for later)."""
    return {
        "product_id": product_id,
        "locale": locale,
        "aspect_ratio": ratio,
        "status": NOT_MADE,
        "reason": "not made yet",
        "file": None,
        "sidecar": None,
        "sha256": None,
        "ad_name": None,
        "version": None,
        "previous_ad_name": None,
        "message": None,
        "needs_translation": False,
        "machine_translated": False,
        "checks": {},
        "evidence": {},
        "created_at": None,
        "hero": None,
        "hero_fallback": False,
        "hero_placeholder": False,
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
