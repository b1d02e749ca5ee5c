"""Stage 7: the campaign's manifest and gallery (rewritten only when their content changes), its status, and the
summary of the whole run. What is published is always the whole campaign (:mod:`.campaign_state`): a run of part of
the brief publishes it beside what earlier runs made. A campaign made in parts publishes from its parts' outcomes
and stored sidecars, without planning again."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from creative_ai.brief import CampaignBrief
from creative_ai.db.repository import Repository
from creative_ai.pipeline.campaign_state import (
    CampaignState,
    failed_outcome,
    stored_sidecar,
    whole_campaign,
    with_campaign,
)
from creative_ai.pipeline.hero_set import HeroStats
from creative_ai.pipeline.plan import outline
from creative_ai.providers import placeholder
from creative_ai.records import CreativeRecord, RunSummary, VariantOutcome, overall_status
from creative_ai.report.gallery import render_gallery
from creative_ai.report.manifest import build_manifest, manifest_bytes
from creative_ai.report.review import review_states
from creative_ai.storage import Store, layout


def write_campaign(
    brief: CampaignBrief,
    made: Sequence[tuple[VariantOutcome, CreativeRecord | None]],
    *,
    store: Store,
    repo: Repository,
    provider: str,
    model: str,
    display_root: str,
) -> CampaignState:
    """Manifest, gallery and status of the whole campaign: the variants a run ``made`` (outcome and sidecar) beside
    what earlier runs made; variants dropped from the brief are removed. Returns the campaign's state.

    The summary of a run still lists the run's variants only, with the campaign's totals beside them (see
    :func:`creative_ai.pipeline.campaign_state.with_campaign`)."""
    campaign_id = brief.campaign_id
    state = whole_campaign(brief, made, store=store, repo=repo, display_root=display_root)
    stand_ins = sum(
        1 for s in state.sidecars if s is not None and s.status == "ok" and placeholder(s.provider, provider)
    )
    state = dataclasses.replace(state, status=overall_status(state.ok, state.total, placeholders=stand_ins))
    grid = state.grid
    manifest = build_manifest(
        brief,
        state.outcomes,
        state.sidecars,
        products=grid.products,
        locales=grid.locales,
        ratios=grid.ratios,
        status=state.status,
        provider=provider,
        model=model,
    )
    store.write_if_changed(layout.manifest_key(campaign_id), manifest_bytes(manifest))
    page = render_gallery(manifest, reviews=review_states(repo, campaign_id) or None)  # decisions made still show
    store.write_if_changed(layout.gallery_key(campaign_id), page)
    repo.set_campaign_status(campaign_id, state.status)
    return state


def summarize(
    brief: CampaignBrief,
    outcomes: list[VariantOutcome],
    *,
    counts: HeroStats,
    provider: str,
    model: str,
    display_root: str,
    duration_s: float,
    published: bool,
) -> RunSummary:
    """``counts``: the run's heroes generated, reused, from a fallback and placeholders, its calls and cost."""
    ok = sum(1 for o in outcomes if o.status == "ok")
    root = display_root.rstrip("/")
    return RunSummary(
        campaign_id=brief.campaign_id,
        status=overall_status(ok, len(outcomes), placeholders=counts.placeholders),
        variants_total=len(outcomes),
        variants_ok=ok,
        variants_failed=len(outcomes) - ok,
        heroes_generated=counts.generated,
        heroes_reused=counts.reused,
        provider_calls=counts.provider_calls,
        cost_estimate_usd=round(counts.cost_usd, 4),
        duration_s=round(duration_s, 3),
        output_dir=root,
        provider=provider,
        model=model,
        manifest_path=f"{root}/{layout.manifest_key(brief.campaign_id)}" if published else None,
        gallery_path=f"{root}/{layout.gallery_key(brief.campaign_id)}" if published else None,
        variants=outcomes,
        heroes_fallback=counts.fallback,
        heroes_placeholder=counts.placeholders,
    )


def publish_campaign(
    brief: CampaignBrief,
    parts: Sequence[RunSummary],
    *,
    failed_parts: dict[str, str],
    provider: str,
    model: str,
    store: Store,
    repo: Repository,
    display_root: str,
    duration_s: float,
) -> RunSummary:
    """Publish a campaign made in parts (``run_campaign(products=[...], publish=False)`` per product).

    ``failed_parts`` maps a product id to the error that stopped its part; its variants are reported failed
    with that reason. Returns the summary of the whole campaign, in plan order.
    """
    grid = outline(brief)
    made = {(v.product_id, v.locale, v.aspect_ratio): v for part in parts for v in part.variants}
    whole: list[tuple[VariantOutcome, CreativeRecord | None]] = []
    for variant in grid.variants:
        outcome = made.get((variant.product.id, variant.locale, variant.placement.ratio))
        if outcome is None:
            outcome = failed_outcome(variant, failed_parts.get(variant.product.id, "not made"))
        sidecar = None
        if outcome.file_path:
            sidecar = stored_sidecar(store, brief.campaign_id, variant)
            if sidecar is None and outcome.status == "ok":  # removed or damaged since its part made it
                outcome = failed_outcome(variant, "its stored sidecar is missing")
        whole.append((outcome, sidecar))
    state = write_campaign(
        brief, whole, store=store, repo=repo, provider=provider, model=model, display_root=display_root
    )
    counts = HeroStats(
        generated=sum(p.heroes_generated for p in parts),
        reused=sum(p.heroes_reused for p in parts),
        provider_calls=sum(p.provider_calls for p in parts),
        cost_usd=sum(p.cost_estimate_usd for p in parts),
        fallback=sum(p.heroes_fallback for p in parts),
        placeholders=sum(p.heroes_placeholder for p in parts),
    )
    summary = summarize(
        brief,
        [outcome for outcome, _ in whole],
        counts=counts,
        provider=provider,
        model=model,
        display_root=display_root,
        duration_s=duration_s,
        published=True,
    )
    return with_campaign(summary, state)
