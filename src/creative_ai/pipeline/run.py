"""``run_campaign``: the one core every front door calls. Its body is the numbered stages of SPEC §3."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

from creative_ai.brief import CampaignBrief
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import HeroStrategy, ImageFormat, Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import RenderError
from creative_ai.localize.copy import Translator
from creative_ai.pipeline.heroes import HeroStats, make_all_heroes
from creative_ai.pipeline.outpaint import Outpainter
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan, plan_campaign
from creative_ai.pipeline.variant import needs_render, produce_variant, read_sidecar, size_class_for, variant_key
from creative_ai.providers import ImageProvider
from creative_ai.providers.retry import RetryPolicy
from creative_ai.records import RunSummary, VariantOutcome, overall_status
from creative_ai.render.text import FontBook
from creative_ai.report.gallery import render_gallery
from creative_ai.report.manifest import build_manifest, manifest_bytes
from creative_ai.storage import Store

Progress = Callable[[str, int, int], None]


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def _failed(variant: VariantPlan, reason: str) -> VariantOutcome:
    return VariantOutcome(
        product_id=variant.product.id,
        locale=variant.locale,
        aspect_ratio=variant.placement.ratio,
        status="failed",
        reason=reason,
        file_path=None,
        reused=False,
        needs_translation=variant.copy.needs_translation,
    )


def _remove_stale(store: Store, plan: CampaignPlan, variant: VariantPlan, fmt: str) -> None:
    """A variant that failed now must not leave an older creative (with older copy) looking current."""
    image_key = variant_key(plan, variant, fmt)
    for key in (image_key, str(PurePosixPath(image_key).with_suffix(".json"))):
        store.delete(key)


def run_campaign(
    brief: CampaignBrief,
    *,
    provider: ImageProvider | Sequence[ImageProvider],
    store: Store,
    repo: Repository,
    settings: Settings,
    display_root: str,
    ratios: Sequence[str] = (),
    locales: Sequence[str] = (),
    products: Sequence[str] = (),
    publish: bool = True,
    hero_strategy: HeroStrategy | None = None,
    image_format: ImageFormat | None = None,
    translator: Translator | None = None,
    book: FontBook | None = None,
    checks: CheckSuite | None = None,
    progress: Progress = _noop,
) -> RunSummary:
    """Turn a brief into checked, stored, recorded creatives; returns an honest RunSummary.

    ``provider`` is one provider or a fallback chain tried in order for each hero. ``publish=False`` makes and
    records the variants but leaves the campaign's manifest, gallery and status to :func:`publish_campaign`
    (a campaign fanned out over workers publishes once, when its last part is done).
    """
    started = time.perf_counter()
    chain = [provider] if isinstance(provider, ImageProvider) else list(provider)
    if not chain:
        raise ValueError("run_campaign needs at least one provider")
    primary = chain[0]
    book = book or FontBook.default()
    checks = checks or CheckSuite.from_settings(settings)
    fmt = image_format or settings.image_format
    if translator is None:
        from creative_ai.localize.translators import make_translator

        translator = make_translator(settings, repo)

    # 1. Plan: expand variants, load input assets, preflight copy and fonts (raises before any write).
    plan = plan_campaign(
        brief,
        assets_dir=settings.assets_dir,
        max_pixels=settings.max_image_pixels,
        book=book,
        ratios=ratios,
        locales=locales,
        only_products=products,
        hero_strategy=hero_strategy or settings.hero_strategy,
        translator=translator,
    )
    repo.migrate()
    brief_json: dict[str, Any] = brief.model_dump(mode="json", exclude_none=True)
    repo.save_campaign(
        campaign_id=brief.campaign_id,
        name=brief.name,
        status="running",
        brief=brief_json,
        brief_sha256=hashlib.sha256(json.dumps(brief_json, sort_keys=True).encode()).hexdigest(),
        target_market=brief.target_market,
        output_dir=display_root,
        products=[(p.product.id, p.product.name, str(p.packshot.path) if p.packshot else None) for p in plan.products],
    )

    # 2. Heroes: input asset → recorded hero with the same key → generate (bounded pool, retries, fallback).
    stats = HeroStats()
    policy = RetryPolicy(settings.max_attempts, settings.retry_base_delay, settings.retry_max_delay)
    heroes = make_all_heroes(
        plan.products,
        campaign_id=brief.campaign_id,
        palette=tuple(brief.brand_colors),
        chain=chain,
        store=store,
        repo=repo,
        policy=policy,
        concurrency=settings.concurrency,
        stats=stats,
        progress=lambda done, total: progress("heroes", done, total),
    )
    for product_id, hero_set in heroes.items():
        for size_class, failure in hero_set.failures.items():
            repo.record_error(
                campaign_id=brief.campaign_id,
                product_id=product_id,
                locale=None,
                aspect_ratio=size_class,
                stage="hero",
                error_type="GenerationFailed",
                message=failure,
            )

    # 3a. Canvases framing must extend are painted by an edit-capable provider first, concurrently.
    outpainter = Outpainter(
        campaign_id=brief.campaign_id,
        chain=chain if settings.outpaint else [],
        store=store,
        repo=repo,
        policy=policy,
        stats=stats,
        palette=tuple(brief.brand_colors),
    )
    extension = {p.product.id: outpainter.identity_for(p) for p in plan.products}
    if outpainter.chain:
        todo = [
            (variant, heroes[variant.product.id])
            for variant in plan.variants
            if variant.preflight_error is None
            and heroes[variant.product.id].failure_for(size_class_for(heroes[variant.product.id], variant)) is None
            and needs_render(
                plan,
                variant,
                heroes[variant.product.id],
                store=store,
                settings=settings,
                book=book,
                fmt=fmt,
                extension=extension[variant.product.id],
            )
        ]
        by_product = {p.product.id: p for p in plan.products}
        outpainter.warm(by_product, todo, concurrency=settings.concurrency)
    fills = {p.product.id: outpainter.for_product(p) for p in plan.products}

    # 3–5. Render, check and store every variant (unchanged ones are kept as they are).
    outcomes: list[VariantOutcome] = []
    sidecars: list[dict[str, Any] | None] = []
    for i, variant in enumerate(plan.variants):
        progress("render", i, len(plan.variants))
        hero_set = heroes[variant.product.id]
        reason = variant.preflight_error or hero_set.failure_for(size_class_for(hero_set, variant))
        outcome: VariantOutcome
        sidecar: dict[str, Any] | None = None
        if reason is None:
            try:
                outcome, sidecar = produce_variant(
                    plan,
                    variant,
                    hero_set,
                    store=store,
                    settings=settings,
                    book=book,
                    fmt=fmt,
                    display_root=display_root,
                    checks=checks,
                    fill=fills[variant.product.id],
                    extension=extension[variant.product.id],
                )
            except RenderError as exc:
                reason = str(exc)
        if reason is not None:
            outcome = _failed(variant, f"{variant.placement.ratio}/{variant.locale}: {reason}")
            _remove_stale(store, plan, variant, fmt)
            repo.record_error(
                campaign_id=brief.campaign_id,
                product_id=variant.product.id,
                locale=variant.locale,
                aspect_ratio=variant.placement.ratio,
                stage="render",
                error_type="VariantFailed",
                message=outcome.reason or reason,
            )
        outcomes.append(outcome)
        sidecars.append(sidecar)
    progress("render", len(plan.variants), len(plan.variants))

    # 6. Record every variant.
    for outcome, sidecar in zip(outcomes, sidecars, strict=True):
        repo.save_variant(
            campaign_id=brief.campaign_id,
            product_id=outcome.product_id,
            locale=outcome.locale,
            aspect_ratio=outcome.aspect_ratio,
            status=outcome.status,
            reason=outcome.reason,
            message=(sidecar or {}).get("message", ""),
            file_path=outcome.file_path,
            sha256=(sidecar or {}).get("sha256"),
            hero_sha256=(sidecar or {}).get("hero_sha256"),
            render_key=(sidecar or {}).get("render_key"),
            reused=outcome.reused,
            checks=outcome.checks,
        )
    ok = sum(1 for o in outcomes if o.status == "ok")
    status = overall_status(ok, len(outcomes))
    if publish:
        _publish(
            plan, outcomes, sidecars, store=store, repo=repo, status=status, provider=primary.name, model=primary.model
        )

    root = display_root.rstrip("/")
    return RunSummary(
        campaign_id=brief.campaign_id,
        status=status,
        variants_total=len(outcomes),
        variants_ok=ok,
        variants_failed=len(outcomes) - ok,
        heroes_generated=stats.generated,
        heroes_reused=stats.reused,
        provider_calls=stats.provider_calls,
        cost_estimate_usd=round(stats.cost_usd, 4),
        duration_s=round(time.perf_counter() - started, 3),
        output_dir=root,
        provider=primary.name,
        model=primary.model,
        manifest_path=f"{root}/{brief.campaign_id}/manifest.json" if publish else None,
        gallery_path=f"{root}/{brief.campaign_id}/index.html" if publish else None,
        variants=outcomes,
    )


def _publish(
    plan: CampaignPlan,
    outcomes: list[VariantOutcome],
    sidecars: list[dict[str, Any] | None],
    *,
    store: Store,
    repo: Repository,
    status: str,
    provider: str,
    model: str,
) -> None:
    """5b. Manifest and gallery at the campaign root (rewritten only when their content changes), and status."""
    campaign_id = plan.brief.campaign_id
    manifest = build_manifest(plan, outcomes, sidecars, status=status, provider=provider, model=model)
    store.write_if_changed(f"{campaign_id}/manifest.json", manifest_bytes(manifest))
    store.write_if_changed(f"{campaign_id}/index.html", render_gallery(manifest))
    repo.set_campaign_status(campaign_id, status)


def publish_campaign(
    brief: CampaignBrief,
    parts: Sequence[RunSummary],
    *,
    failed_parts: dict[str, str],
    provider: str,
    model: str,
    store: Store,
    repo: Repository,
    settings: Settings,
    display_root: str,
    duration_s: float,
    book: FontBook | None = None,
) -> RunSummary:
    """Publish a campaign made in parts (``run_campaign(products=[...], publish=False)`` per product).

    ``failed_parts`` maps a product id to the error that stopped its part; its variants are reported failed
    with that reason. Returns the summary of the whole campaign, in plan order.
    """
    plan = plan_campaign(
        brief,
        assets_dir=settings.assets_dir,
        max_pixels=settings.max_image_pixels,
        book=book or FontBook.default(),
        hero_strategy=settings.hero_strategy,
    )
    made = {(v.product_id, v.locale, v.aspect_ratio): v for part in parts for v in part.variants}
    outcomes: list[VariantOutcome] = []
    sidecars: list[dict[str, Any] | None] = []
    for variant in plan.variants:
        outcome = made.get((variant.product.id, variant.locale, variant.placement.ratio))
        if outcome is None:
            reason = failed_parts.get(variant.product.id, "not made")
            outcome = _failed(variant, f"{variant.placement.ratio}/{variant.locale}: {reason}")
        sidecar = None
        if outcome.status == "ok" and outcome.file_path:
            key = str(PurePosixPath(variant_key(plan, variant, _suffix(outcome.file_path))).with_suffix(".json"))
            sidecar = read_sidecar(store, key)
            if sidecar is None:  # removed or damaged since its part made it
                outcome = _failed(variant, f"{variant.placement.ratio}/{variant.locale}: its stored sidecar is missing")
        outcomes.append(outcome)
        sidecars.append(sidecar)
    ok = sum(1 for o in outcomes if o.status == "ok")
    status = overall_status(ok, len(outcomes))
    _publish(plan, outcomes, sidecars, store=store, repo=repo, status=status, provider=provider, model=model)
    root = display_root.rstrip("/")
    return RunSummary(
        campaign_id=brief.campaign_id,
        status=status,
        variants_total=len(outcomes),
        variants_ok=ok,
        variants_failed=len(outcomes) - ok,
        heroes_generated=sum(p.heroes_generated for p in parts),
        heroes_reused=sum(p.heroes_reused for p in parts),
        provider_calls=sum(p.provider_calls for p in parts),
        cost_estimate_usd=round(sum(p.cost_estimate_usd for p in parts), 4),
        duration_s=round(duration_s, 3),
        output_dir=root,
        provider=provider,
        model=model,
        manifest_path=f"{root}/{brief.campaign_id}/manifest.json",
        gallery_path=f"{root}/{brief.campaign_id}/index.html",
        variants=outcomes,
    )


def _suffix(file_path: str) -> str:
    ext = PurePosixPath(file_path).suffix.lstrip(".")
    return "jpg" if ext == "jpeg" else ext
