"""A campaign's sign-off: where each creative stands, and the audit trail of every decision (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from creative_ai.api.deps import Protected, RepoDep
from creative_ai.api.schemas import NOT_FOUND, UNAUTHORIZED, _Answer
from creative_ai.db.repository import Repository

router = APIRouter(tags=["approvals"], dependencies=Protected, responses=UNAUTHORIZED)


class CreativeSignOff(_Answer):
    product_id: str
    locale: str
    aspect_ratio: str
    status: Literal["approved", "rejected", "pending"]
    required: list[str] = Field(description="The roles that must sign it off (market:<locale> for its market).")
    pending: list[str] = Field(description="Those that have not yet, for its current bytes.")
    comment: str = Field(description="A rejection's comment.")
    sha256: str


class AuditEntry(_Answer):
    at: str
    campaign_id: str
    product_id: str
    locale: str
    aspect_ratio: str
    by: str
    role: str
    decision: str
    comment: str
    sha256: str = Field(description="The bytes the decision was made on.")


class Approvals(_Answer):
    """Each creative's sign-off and every decision on the campaign's creatives, oldest first."""

    campaign_id: str
    creatives: list[CreativeSignOff]
    decisions: list[AuditEntry]


def _read(repo: Repository, campaign_id: str) -> Approvals:
    from creative_ai.approvals import audit_trail, signoff_states

    if repo.campaign(campaign_id) is None:
        raise HTTPException(status_code=404, detail=f"no campaign {campaign_id!r}")
    states = signoff_states(repo, campaign_id)
    return Approvals(
        campaign_id=campaign_id,
        creatives=[
            CreativeSignOff(
                product_id=p,
                locale=loc,
                aspect_ratio=r,
                status=s.decision,
                required=s.required,
                pending=s.pending,
                comment=s.comment,
                sha256=s.sha256,
            )
            for (p, loc, r), s in sorted(states.items())
        ],
        decisions=[AuditEntry(**row) for row in audit_trail(repo, campaign_id)],
    )


@router.get(
    "/campaigns/{campaign_id}/approvals",
    response_model=Approvals,
    responses={**NOT_FOUND, 200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def approvals(
    campaign_id: str, repo: RepoDep, fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json"
) -> Response | Approvals:
    """Where each creative's sign-off stands, and the audit trail: who, for which role, decided what, with which
    comment, on which bytes (sha256), when; ``?format=csv`` gives the trail as CSV."""
    found = await run_in_threadpool(_read, repo, campaign_id)
    if fmt == "json":
        return found
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(AuditEntry.model_fields), lineterminator="\n")
    writer.writeheader()
    for entry in found.decisions:
        writer.writerow(entry.model_dump())
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{campaign_id}-approvals.csv"'},
    )
