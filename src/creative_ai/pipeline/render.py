"""Stages 3–5 over the whole plan: each variant's keys (once), the canvases to paint first, then every variant
rendered, checked and stored in plan order (unchanged ones are kept as they are)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import RenderError
from creative_ai.pipeline.campaign_state import failed_outcome
from creative_ai.pipeline.heroes import HeroSet
from creative_ai.pipeline.keys import VariantKeys, keys_for, other_format_keys, size_class_for, variant_key
from creative_ai.pipeline.layout import region_key, shared_regions
from creative_ai.pipeline.outpaint import FillJob, Outpainter
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan
from creative_ai.pipeline.record import record_variant_failure
from creative_ai.pipeline.variant import needs_render, produce_variant, stage_for
from creative_ai.placements import Box
from creative_ai.records import CreativeRecord, VariantOutcome
from creative_ai.render.text import FontBook
from creative_ai.storage import Store, layout


@dataclass(frozen=True)
class Work:
    """One variant to make: its heroes, and either its keys or why it cannot be made."""

    variant: VariantPlan
    heroes: HeroSet
    keys: VariantKeys | None
    reason: str | None
    region: Box | None = None  # where the product stands (the same in every locale)


def plan_work(
    plan: CampaignPlan,
    heroes: dict[str, HeroSet],
    *,
    outpainter: Outpainter,
    fmt: str,
    settings: Settings,
    book: FontBook,
) -> list[Work]:
    """3. Every variant's keys, computed once for the whole run (with the product box it shares with its locales)."""
    extension = {p.product.id: outpainter.identity_for(p) for p in plan.products}
    regions = shared_regions(plan)
    work = []
    for variant in plan.variants:
        hero_set = heroes[variant.product.id]
        reason = variant.preflight_error or hero_set.failure_for(size_class_for(hero_set, variant))
        keys = None
        placement = variant.placement
        region = regions.get(region_key(variant.product.id, placement.ratio, placement.text_side, variant.locale))
        if reason is None:
            keys = keys_for(
                plan,
                variant,
                hero_set,
                fmt=fmt,
                settings=settings,
                book=book,
                extension=extension[variant.product.id],
                region=region.as_tuple() if region else None,
            )
        work.append(Work(variant, hero_set, keys, reason, region))
    return work


def paint_canvases(
    plan: CampaignPlan,
    work: list[Work],
    *,
    outpainter: Outpainter,
    store: Store,
    concurrency: int,
    book: FontBook,
) -> None:
    """4. The canvases framing must extend, painted by an edit-capable provider first, concurrently."""
    if not outpainter.chain:
        return
    outpainter.warm(fill_jobs(plan, work, store=store, book=book), concurrency=concurrency)


def fill_jobs(plan: CampaignPlan, work: list[Work], *, store: Store, book: FontBook) -> list[FillJob]:
    """The pictures the variants about to be rendered frame (each may need its canvas extended)."""
    products = {p.product.id: p for p in plan.products}
    jobs = []
    for item in work:
        if item.keys is None or not needs_render(store, item.keys):
            continue
        try:
            _text, stage = stage_for(plan, item.variant, item.heroes, region=item.region, book=book)
        except RenderError:
            continue  # the render of that variant meets it again and reports it
        if stage.product_box is None:  # a cut-out is set on art of the placement's own size: never extended
            placement = item.variant.placement
            target = stage.target
            jobs.append(
                FillJob(products[item.variant.product.id], stage.image, stage.sha256, placement, stage.subject, target)
            )
    return jobs


def render_variants(
    plan: CampaignPlan,
    work: list[Work],
    *,
    outpainter: Outpainter,
    store: Store,
    repo: Repository,
    settings: Settings,
    book: FontBook,
    fmt: str,
    display_root: str,
    checks: CheckSuite,
    progress: Callable[[str, int, int], None],
) -> list[tuple[VariantOutcome, CreativeRecord | None]]:
    """5. Render, check and store every variant; a variant that fails leaves no older creative behind."""
    fills = {p.product.id: outpainter.for_product(p) for p in plan.products}
    history = repo.version_history(plan.brief.campaign_id)
    made: list[tuple[VariantOutcome, CreativeRecord | None]] = []
    for i, item in enumerate(work):
        progress("render", i, len(work))
        reason = item.reason
        if item.keys is not None:
            try:
                made.append(
                    produce_variant(
                        plan,
                        item.variant,
                        item.heroes,
                        item.keys,
                        store=store,
                        settings=settings,
                        book=book,
                        fmt=fmt,
                        display_root=display_root,
                        checks=checks,
                        fill=fills[item.variant.product.id],
                        region=item.region,
                        history=history,
                    )
                )
                continue
            except RenderError as exc:
                reason = str(exc)
        outcome = failed_outcome(item.variant, reason or "failed")
        image = variant_key(plan, item.variant, fmt)
        stale = (image, layout.sidecar_key(image), *other_format_keys(plan, item.variant, fmt))
        for key in stale:  # an older creative (with older copy, in any format) must not look current
            store.delete(key)
        record_variant_failure(plan.brief.campaign_id, outcome, repo=repo)
        made.append((outcome, None))
    progress("render", len(work), len(work))
    return made
