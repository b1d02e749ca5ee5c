"""``run --dry-run``: what a run would make and spend, before anything is spent or written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from creative_ai.db.repository import Repository
from creative_ai.pipeline.heroes import campaign_slots, find_recorded
from creative_ai.pipeline.plan import CampaignPlan
from creative_ai.placements import HERO_SIZES
from creative_ai.providers import ImageProvider
from creative_ai.providers.prices import estimate_usd
from creative_ai.storage import Store


def dry_run_report(
    plan: CampaignPlan, *, chain: Sequence[ImageProvider], repo: Repository, store: Store
) -> dict[str, Any]:
    primary = chain[0]
    lookup = repo.exists()
    if lookup:
        repo.migrate()
    calls, reused, cost = 0, 0, 0.0
    products = []
    slots = campaign_slots(plan)
    for product in plan.products:
        if product.packshot is not None:
            reused += 1
            products.append({"product_id": product.product.id, "hero": "input packshot", "calls": 0})
            continue
        to_make = []
        for size_class in product.size_classes:
            slot = slots.get(product.product.id)
            if lookup and find_recorded(product, size_class, chain=chain, store=store, repo=repo, slot=slot):
                reused += 1
            else:
                to_make.append(size_class)
                cost += estimate_usd(primary.name, primary.model, *HERO_SIZES[size_class])
        calls += len(to_make)
        products.append(
            {
                "product_id": product.product.id,
                "hero": "generate" if to_make else "recorded",
                "calls": len(to_make),
                "size_classes": to_make,
            }
        )
    return {
        "campaign_id": plan.brief.campaign_id,
        "provider_chain": [f"{p.name}/{p.model}" for p in chain],
        "variants_total": len(plan.variants),
        "variants_blocked": [v.preflight_error for v in plan.variants if v.preflight_error],
        "provider_calls_planned": calls,
        "heroes_reused": reused,
        "estimated_cost_usd": round(cost, 4),
        "products": products,
        "locales": plan.locales,
        "aspect_ratios": plan.ratios,
    }
