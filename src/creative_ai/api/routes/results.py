"""Results from the ad platforms: upload a report for a campaign, read what works (``creative-ai results``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from creative_ai.api.auth import requires
from creative_ai.api.deps import Protected, RepoDep, SettingsDep
from creative_ai.api.schemas import FORBIDDEN, NOT_FOUND, TOO_LARGE, UNAUTHORIZED, ErrorMessage, _Answer
from creative_ai.db.repository import Repository
from creative_ai.facts.models import Grouping, Performance
from creative_ai.people import OPERATE

router = APIRouter(tags=["results"], dependencies=Protected, responses=UNAUTHORIZED)
MAX_REPORT_BYTES = 50_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnmatchedAd(_Answer):
    ad_name: str
    lines: list[int]


class StoredCounts(_Answer):
    added: int = Field(description="Rows of ads and periods not stored before.")
    replaced: int = Field(description="Stored rows an overlapping period of this report replaced.")
    unchanged: int = Field(description="Rows already stored with the same numbers (a second import of a file).")


class Totals(_Answer):
    impressions: int
    clicks: int
    conversions: float
    spend: float


class ImportAnswer(_Answer):
    """What an uploaded report held, matched to the campaign's creatives by ad name, and stored."""

    source: str
    origin: str
    import_id: int | None
    rows: int
    matched: int
    unmatched: list[UnmatchedAd] = Field(description="Ad names no creative of this campaign has, with their lines.")
    skipped: list[str] = Field(description="Rows not used (a totals row, a value that is not a number), with why.")
    notes: list[str] = Field(description="How the report's columns were read, where a reader should know.")
    stored: StoredCounts
    campaigns: list[str]
    file_totals: Totals = Field(description="Every data row of the report (its totals row is not one).")
    matched_totals: Totals = Field(description="The rows that matched a creative of this campaign.")
    stored_totals: Totals = Field(description="What the database holds of this report now.")
    currencies: list[str] = Field(description='The currencies of the rows ("" for rows that name none).')


def _known(repo: Repository, campaign_id: str) -> None:
    if repo.campaign(campaign_id) is None:
        raise HTTPException(status_code=404, detail=f"no campaign {campaign_id!r}")


@router.post(
    "/campaigns/{campaign_id}/results",
    response_model=ImportAnswer,
    dependencies=[requires(OPERATE)],
    responses={
        **NOT_FOUND,
        **FORBIDDEN,
        **TOO_LARGE,
        422: {"model": ErrorMessage, "description": "Not a report this tool reads (the reason says why)."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A report export as it was downloaded: CSV or XLSX.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def upload_results(
    campaign_id: str,
    request: Request,
    repo: RepoDep,
    source: Annotated[Literal["meta", "tiktok", "google", "generic"] | None, Query()] = None,
    filename: Annotated[str, Query(max_length=200)] = "upload",
) -> ImportAnswer:
    """Import a Meta, TikTok, Google Ads or generic report for this campaign (the source told from its headers
    unless ``source`` says): rows are matched to the campaign's creatives by ad name or utm_content; the same
    report twice changes nothing, and a period stored before is replaced."""
    from creative_ai.results.ingest import import_results
    from creative_ai.results.sources import parse_report

    _known(repo, campaign_id)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_REPORT_BYTES:
            raise HTTPException(status_code=413, detail=f"request body over {MAX_REPORT_BYTES} bytes")

    def work() -> dict[str, Any]:
        report = parse_report(bytes(data), filename=filename, source=source)
        summary = import_results(report, repo=repo, origin=filename, data=bytes(data), campaign_id=campaign_id)
        return summary.to_dict()

    return ImportAnswer.model_validate(await run_in_threadpool(work))


@router.get(
    "/campaigns/{campaign_id}/performance",
    response_model=Performance,
    responses={**NOT_FOUND, 422: {"model": ErrorMessage, "description": "An unknown group_by value."}},
)
async def campaign_performance(
    campaign_id: str,
    repo: RepoDep,
    settings: SettingsDep,
    group_by: Annotated[list[Grouping] | None, Query()] = None,
) -> Performance:
    """Per creative impressions, clicks, CTR, conversions, CVR, spend, CPC, CPA with 95% intervals and a badge;
    per attribute better / worse / no clear difference / not enough data yet, with the rule and thresholds."""
    from creative_ai.results.performance import performance, rule_from

    _known(repo, campaign_id)
    found = await run_in_threadpool(performance, repo, campaign_id, rule=rule_from(settings), group_by=group_by)
    return Performance.model_validate(found)
