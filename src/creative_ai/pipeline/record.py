"""What a run writes to the database: the campaign (stage 1, or its refusal), failed variants (stage 5) and every
variant (stage 6)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from creative_ai.brief import CampaignBrief
from creative_ai.db.repository import Repository
from creative_ai.errors import ComplianceError
from creative_ai.pipeline.plan import CampaignPlan
from creative_ai.records import CreativeRecord, VariantOutcome
from creative_ai.storage import Store, layout


def _brief_json(brief: CampaignBrief) -> tuple[dict[str, Any], str]:
    """The brief as stored, and its sha256."""
    brief_json: dict[str, Any] = brief.model_dump(mode="json", exclude_none=True)
    return brief_json, hashlib.sha256(json.dumps(brief_json, sort_keys=True).encode()).hexdigest()


def record_campaign(plan: CampaignPlan, *, repo: Repository, store: Store, display_root: str) -> None:
    """The campaign row, marked running, with its brief and products; the run starts clean: the temp files of
    writes a killed earlier run never finished are removed from the campaign's folder."""
    brief = plan.brief
    store.sweep_temp(layout.campaign_prefix(brief.campaign_id))
    brief_json, brief_sha256 = _brief_json(brief)
    repo.save_campaign(
        campaign_id=brief.campaign_id,
        name=brief.name,
        status="running",
        brief=brief_json,
        brief_sha256=brief_sha256,
        target_market=brief.target_market,
        output_dir=display_root,
        products=[(p.product.id, p.product.name, str(p.packshot.path) if p.packshot else None) for p in plan.products],
    )


def refusal_of(refused: ComplianceError) -> dict[str, Any]:
    """What refused a campaign, as stored: the error and every prohibited term found (field, locale, term, rule,
    source file)."""
    hits = [
        {"field": h.field, "locale": h.locale, "term": h.term, "rule": h.rule, "source": h.source} for h in refused.hits
    ]
    return {"error": str(refused), "hits": hits}


def record_refusal(brief: CampaignBrief, refused: ComplianceError, *, repo: Repository, display_root: str) -> None:
    """The campaign marked refused with the prohibited terms that refused it (see ``Repository.refuse_campaign``)."""
    _mark_stopped(brief, refusal_of(refused), "refused", repo=repo, display_root=display_root)


def record_plan_failure(brief: CampaignBrief, error: str, *, repo: Repository, display_root: str) -> None:
    """The campaign marked failed with what stopped its run before anything was made (an asset missing or
    unreadable, copy that fits no layout): its facts then say why, not what an earlier run made."""
    _mark_stopped(brief, {"error": error, "hits": []}, "failed", repo=repo, display_root=display_root)


def _mark_stopped(
    brief: CampaignBrief, refusal: dict[str, Any], status: str, *, repo: Repository, display_root: str
) -> None:
    brief_json, brief_sha256 = _brief_json(brief)
    repo.refuse_campaign(
        campaign_id=brief.campaign_id,
        name=brief.name,
        brief=brief_json,
        brief_sha256=brief_sha256,
        target_market=brief.target_market,
        output_dir=display_root,
        refusal=refusal,
        status=status,
    )


def record_variant_failure(campaign_id: str, outcome: VariantOutcome, *, repo: Repository) -> None:
    repo.record_error(
        campaign_id=campaign_id,
        product_id=outcome.product_id,
        locale=outcome.locale,
        aspect_ratio=outcome.aspect_ratio,
        stage="render",
        error_type="VariantFailed",
        message=outcome.reason or "failed",
    )


def record_variants(
    campaign_id: str, made: Sequence[tuple[VariantOutcome, CreativeRecord | None]], *, repo: Repository
) -> None:
    for outcome, sidecar in made:
        repo.save_variant(
            campaign_id=campaign_id,
            product_id=outcome.product_id,
            locale=outcome.locale,
            aspect_ratio=outcome.aspect_ratio,
            status=outcome.status,
            reason=outcome.reason,
            message=sidecar.message if sidecar else "",
            file_path=outcome.file_path,
            sha256=sidecar.sha256 if sidecar else None,
            hero_sha256=sidecar.hero_sha256 if sidecar else None,
            render_key=sidecar.render_key if sidecar else None,
            reused=outcome.reused,
            checks=outcome.checks,
            ad_name=sidecar.ad_name if sidecar else None,
        )
        if sidecar is not None:
            repo.record_version(
                ad_name=sidecar.ad_name,
                campaign_id=campaign_id,
                product_id=outcome.product_id,
                locale=outcome.locale,
                aspect_ratio=outcome.aspect_ratio,
                version=sidecar.version,
                sha256=sidecar.sha256,
                previous_ad_name=sidecar.previous_ad_name,
                message=sidecar.message,
                cta=sidecar.cta,
                hero="packshot" if sidecar.hero_source == "input" else f"{sidecar.provider}/{sidecar.model}",
                terms=sidecar.terms,
            )
