"""Synchronous processing, validation, campaign listing and detail, creative files."""

from __future__ import annotations

import mimetypes
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from creative_ai.api.auth import requires
from creative_ai.api.body import read_json
from creative_ai.api.deps import Protected, RepoDep, RuntimeDep, SettingsDep, StoreDep
from creative_ai.api.errors import public_data, server_roots
from creative_ai.api.schemas import (
    BAD_BRIEF,
    BYTES,
    FORBIDDEN,
    NOT_FOUND,
    UNAUTHORIZED,
    BriefCheck,
    CampaignDetail,
    CampaignOverview,
    ErrorMessage,
    FieldErrors,
    RunReport,
    brief_body,
)
from creative_ai.api.seed import seed_keys
from creative_ai.config import Settings
from creative_ai.errors import StorageError
from creative_ai.jobs.intake import preflight
from creative_ai.jobs.outcome import confined_brief
from creative_ai.people import SUBMIT
from creative_ai.records import RunSummary
from creative_ai.runtime import Runtime
from creative_ai.storage import layout, safe_key

router = APIRouter(tags=["campaigns"], dependencies=Protected, responses=UNAUTHORIZED)
CAMPAIGN_RUNS = CapacityLimiter(8)  # whole runs at once in one API process (each has its own pool of calls)
HTTP_FOR_STATUS = {"succeeded": 200, "partial": 207, "failed": 422}
# What a campaign folder holds: creatives, their JSON sidecars and the manifest, the HTML gallery.
FILE_MEDIA_TYPES = (
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/json",
    "text/html",
    "application/octet-stream",
)


@router.post(
    "/campaigns/process",
    response_model=RunReport,
    dependencies=[requires(SUBMIT)],
    responses={
        **BAD_BRIEF,
        **FORBIDDEN,
        207: {"model": RunReport, "description": "Some creatives failed (each with its reason)."},
        422: {
            "model": RunReport | FieldErrors | ErrorMessage,
            "description": "No creative made (the summary), or a bad brief (each field named).",
        },
    },
    openapi_extra=brief_body(example=True),
)
async def process(request: Request, settings: SettingsDep, runtime: RuntimeDep) -> JSONResponse:
    """Run a campaign now and answer with its RunSummary (and the seed system's keys beside it): 200 all ok,
    207 some failed, 422 none made."""
    data = await read_json(request, limit=settings.max_body_bytes)
    # Everything after the body (the brief's checks, the stored selection, the run) blocks: off the event loop,
    # on threads of its own, so runs that last minutes never hold the threads the quick routes answer from.
    summary = await to_thread.run_sync(_run_now, data, settings, runtime, limiter=CAMPAIGN_RUNS)
    answer = summary.to_dict()
    public = public_data({**answer, **seed_keys(answer)}, server_roots(settings))
    return JSONResponse(public, status_code=HTTP_FOR_STATUS[summary.status])


def _run_now(data: Any, settings: Settings, runtime: Runtime) -> RunSummary:
    brief = confined_brief(data, assets_dir=settings.assets_dir)
    return runtime.run(brief, chain=runtime.chain())


@router.post("/briefs/validate", response_model=BriefCheck, responses=BAD_BRIEF, openapi_extra=brief_body(example=True))
async def validate(request: Request, settings: SettingsDep) -> dict[str, Any]:
    """Check a brief and its assets without making anything."""
    data = await read_json(request, limit=settings.max_body_bytes)
    return await to_thread.run_sync(_check_brief, data, settings)  # the assets are read from disk


def _check_brief(data: Any, settings: Settings) -> dict[str, Any]:
    brief = confined_brief(data, assets_dir=settings.assets_dir)
    plan, blocked = preflight(brief, settings)
    return {
        "valid": True,
        "campaign_id": brief.campaign_id,
        "variants_total": len(plan.variants),
        "blocked": [b.__dict__ for b in blocked],
    }


@router.get("/campaigns", response_model=list[CampaignOverview])
def list_campaigns(repo: RepoDep) -> list[dict[str, Any]]:
    return [
        {
            "campaign_id": c.id,
            "name": c.name,
            "status": c.status,
            "target_market": c.target_market,
            "updated_at": c.updated_at.isoformat(),
        }
        for c in repo.campaigns()
    ]


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetail, responses=NOT_FOUND)
def campaign_detail(campaign_id: str, repo: RepoDep) -> dict[str, Any]:
    campaign = repo.campaign(campaign_id)
    if campaign is None:
        raise HTTPException(status_code=404, detail=f"no campaign {campaign_id!r}")
    variants = [
        {
            "product_id": v.product_id,
            "locale": v.locale,
            "aspect_ratio": v.aspect_ratio,
            "status": v.status,
            "reason": v.reason,
            "file_path": v.file_path,
            "sha256": v.sha256,
            "reused": v.reused,
            "checks": v.checks,
        }
        for v in repo.variants(campaign_id)
    ]
    return {
        "campaign_id": campaign.id,
        "name": campaign.name,
        "status": campaign.status,
        "target_market": campaign.target_market,
        "updated_at": campaign.updated_at.isoformat(),
        "variants": variants,
    }


@router.get(
    "/campaigns/{campaign_id}/files/{path:path}",
    response_class=Response,
    responses={
        200: {
            "description": "The file's bytes; its media type follows its name.",
            "content": dict.fromkeys(FILE_MEDIA_TYPES, BYTES),
        },
        **NOT_FOUND,
    },
)
def creative_file(campaign_id: str, path: str, store: StoreDep, repo: RepoDep) -> Response:
    """A stored creative, sidecar, manifest or gallery of the campaign (paths cannot leave its folder)."""
    if repo.campaign(campaign_id) is None:
        raise HTTPException(status_code=404, detail="no such file")
    try:
        key = safe_key(layout.campaign_prefix(campaign_id) + path)
        if not key.startswith(layout.campaign_prefix(safe_key(campaign_id))) or not store.exists(key):
            raise HTTPException(status_code=404, detail="no such file")
        data = store.read(key)
    except (StorageError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise HTTPException(status_code=404, detail="no such file") from exc
    media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return Response(data, media_type=media_type)
