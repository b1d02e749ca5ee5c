"""A reviewer's queue: what waits for the signed-in person's roles, with bulk approve per product × locale."""

from __future__ import annotations

from pathlib import PurePosixPath

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from creative_ai.api.auth import PrincipalDep
from creative_ai.api.deps import Protected, RepoDep
from creative_ai.api.schemas import UNAUTHORIZED, as_json
from creative_ai.db.repository import Repository

router = APIRouter(tags=["gallery"])


@router.get("/gallery/queue", response_class=HTMLResponse, dependencies=Protected, responses=as_json(UNAUTHORIZED))
async def queue_page(repo: RepoDep, principal: PrincipalDep) -> HTMLResponse:
    """The creatives whose sign-off waits for one of your roles, by campaign, product and locale."""
    from creative_ai.api.routes.gallery import _page
    from creative_ai.approvals import queue_for

    groups = await run_in_threadpool(queue_for, repo, principal)
    files = await run_in_threadpool(_files, repo, sorted({g.campaign_id for g in groups}))
    return _page("gallery_queue.html", groups=groups, principal=principal, files=files)


def _files(repo: Repository, campaigns: list[str]) -> dict[str, str]:
    """``campaign/product/locale/ratio`` → the creative's file name (under its product and ratio folder)."""
    return {
        f"{c}/{v.product_id}/{v.locale}/{v.aspect_ratio}": PurePosixPath(v.file_path).name
        for c in campaigns
        for v in repo.variants(c)
        if v.file_path
    }
