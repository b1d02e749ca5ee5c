"""``run --dry-run``: what a run would make and spend, before anything is spent or written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.pipeline.heroes import HeroSet, HeroStats, campaign_slots, find_recorded
from creative_ai.pipeline.outpaint import Outpainter
from creative_ai.pipeline.plan import CampaignPlan, ProductPlan
from creative_ai.pipeline.render import fill_jobs, plan_work
from creative_ai.placements import HERO_SIZES
from creative_ai.providers import ImageProvider
from creative_ai.providers.prices import estimate_usd
from creative_ai.providers.retry import RetryPolicy
from creative_ai.render.text import FontBook
from creative_ai.storage import Store


def dry_run_report(
    plan: CampaignPlan,
    *,
    chain: Sequence[ImageProvider],
    repo: Repository,
    store: Store,
    settings: Settings,
    book: FontBook,
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
    fills = _fills(plan, chain=chain, repo=repo, look_up=lookup, store=store, settings=settings, book=book)
    fill_cost = sum(estimate_usd(p.name, p.model, w, h) for p, (_, w, h) in fills)
    by_product: dict[str, int] = {}
    for _, (product, _w, _h) in fills:
        by_product[product.product.id] = by_product.get(product.product.id, 0) + 1
    for row in products:
        row["outpaint_calls"] = by_product.get(str(row["product_id"]), 0)
    generated = [p.product.id for p in plan.products if p.packshot is None and p.size_classes]
    return {
        "campaign_id": plan.brief.campaign_id,
        "provider_chain": [f"{p.name}/{p.model}" for p in chain],
        "variants_total": len(plan.variants),
        "variants_blocked": [v.preflight_error for v in plan.variants if v.preflight_error],
        "provider_calls_planned": calls + len(fills),
        "hero_calls_planned": calls,
        "outpaint_calls_planned": len(fills),
        "outpaint_note": (
            "fills of generated heroes are known only once they are generated (a crop needs none unless the "
            f"subject would be cut): not counted for {', '.join(generated)}"
            if generated and settings.outpaint
            else None
        ),
        "heroes_reused": reused,
        "estimated_cost_usd": round(cost + fill_cost, 4),
        "products": products,
        "locales": plan.locales,
        "aspect_ratios": plan.ratios,
    }


def _fills(
    plan: CampaignPlan,
    *,
    chain: Sequence[ImageProvider],
    repo: Repository,
    look_up: bool,
    store: Store,
    settings: Settings,
    book: FontBook,
) -> list[tuple[ImageProvider, tuple[ProductPlan, int, int]]]:
    """The outpaint fills the run would pay for on the products' own packshots (framed exactly as the run frames
    them), each with the provider that would be asked first."""
    painter = Outpainter.for_run(
        plan,
        chain=chain,
        store=store,
        repo=repo,
        policy=RetryPolicy(1, 0, 0),
        stats=HeroStats(),
        settings=settings,
    )
    if not painter.chain:
        return []
    shots = {
        p.product.id: HeroSet(packshot=p.packshot, subjects={p.packshot.sha256: p.subject} if p.subject else {})
        for p in plan.products
        if p.packshot is not None
    }
    if not shots:
        return []
    known = replace(plan, variants=[v for v in plan.variants if v.product.id in shots])
    work = plan_work(known, shots, outpainter=painter, fmt=settings.image_format, settings=settings, book=book)
    jobs = fill_jobs(known, work, store=store, book=book)
    return [(painter.chain[0], fill) for fill in painter.planned(jobs, look_up=look_up)]
