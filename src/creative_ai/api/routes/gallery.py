"""The review gallery: server-rendered pages, approve / reject with a comment, approved creatives as a zip."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from creative_ai.api.auth import PrincipalDep, key_ok, requires, secret_for
from creative_ai.api.deps import Protected, RepoDep, SettingsDep, StoreDep
from creative_ai.api.schemas import BYTES, FORBIDDEN, NOT_FOUND, UNAUTHORIZED, ErrorMessage, Responses, as_json
from creative_ai.api.session import COOKIE, issue_token
from creative_ai.approvals import signoff_states
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.facts import variant_store_key
from creative_ai.people import REVIEW, Principal
from creative_ai.report.review import refresh_gallery
from creative_ai.results.performance import performance, rule_from
from creative_ai.storage import Store

router = APIRouter(tags=["gallery"], include_in_schema=True)
_env = Environment(loader=PackageLoader("creative_ai.api", "templates"), autoescape=select_autoescape(["html"]))
PROTECTED_PAGE: Responses = {**UNAUTHORIZED, **NOT_FOUND}


def _redirect(to: str) -> Responses:
    return {303: {"description": f"See {to}.", "headers": {"Location": {"schema": {"type": "string"}}}}}


def _page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body())[:100_000].decode(errors="replace")
    form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    if named := next((k for k, v in form.items() if "\x00" in k or "\x00" in v), None):
        raise HTTPException(status_code=422, detail=f"form field {named!r} holds a NUL character")
    return form


@router.get("/gallery/login", response_class=HTMLResponse)
def login_page() -> HTMLResponse:
    return _page("login.html")


@router.post(
    "/gallery/login",
    response_class=RedirectResponse,
    status_code=303,
    responses={
        **_redirect("/gallery, signed in by an expiring session token in an HttpOnly cookie"),
        401: {
            "description": "The login page again, with the error.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        422: {"model": ErrorMessage, "description": "A form field holds a NUL character."},
    },
)
async def login(request: Request, settings: SettingsDep, repo: RepoDep) -> Response:
    key = (await _form(request)).get("key", "").strip()
    session = await run_in_threadpool(_session_for, settings, repo, key)
    if session is None:
        return _page("login.html", status_code=401, error="That is neither the server's key nor a valid token.")
    response = RedirectResponse("/gallery", status_code=303)
    if session:  # the cookie holds a signed expiry and the token's id, never the key or the token
        response.set_cookie(
            COOKIE,
            session,
            max_age=settings.gallery_session_seconds,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


def _session_for(settings: Settings, repo: Repository, given: str) -> str | None:
    """The session cookie for the server's key or a person's live token ("" on an open server); None for
    anything else."""
    if settings.api_key is None and not repo.has_users():
        return ""
    if given and key_ok(settings, given) and settings.api_key is not None:
        return issue_token(settings)
    holder = repo.holder_of(given) if given else None
    if holder is None:
        return None
    return issue_token(settings, token_id=holder.token_id, secret=secret_for(settings, repo))


@router.post(
    "/gallery/logout",
    response_class=RedirectResponse,
    status_code=303,
    responses=_redirect("/gallery/login, the session cookie removed from the browser"),
)
def logout(request: Request) -> Response:
    response = RedirectResponse("/gallery/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get("/gallery", response_class=HTMLResponse, dependencies=Protected, responses=as_json(UNAUTHORIZED))
def index(repo: RepoDep) -> HTMLResponse:
    return _page("gallery_index.html", campaigns=repo.campaigns())


def _grid(repo: Repository, campaign_id: str, *, settings: Settings | None = None) -> dict[str, Any]:
    """The campaign's creatives with their review decisions (and, given ``settings``, their results)."""
    campaign = repo.campaign(campaign_id)
    if campaign is None:
        raise HTTPException(status_code=404, detail=f"no campaign {campaign_id!r}")
    approvals = signoff_states(repo, campaign_id)
    results: dict[str, dict[str, Any]] = {}
    if settings is not None:
        found = performance(repo, campaign_id, rule=rule_from(settings))
        results = {c["ad_name"]: c for c in found["creatives"] if c["current"]}
    rows = []
    for v in sorted(repo.variants(campaign_id), key=lambda v: (v.product_id, v.locale, v.aspect_ratio)):
        decision = approvals.get((v.product_id, v.locale, v.aspect_ratio))
        key = variant_store_key(v) if v.status == "ok" else None
        rows.append({"v": v, "key": key, "decision": decision, "results": results.get(v.ad_name or "")})
    return {"campaign": campaign, "rows": rows}


@router.get(
    "/gallery/{campaign_id}", response_class=HTMLResponse, dependencies=Protected, responses=as_json(PROTECTED_PAGE)
)
def campaign_page(campaign_id: str, repo: RepoDep, settings: SettingsDep) -> HTMLResponse:
    from creative_ai.approvals import audit_trail

    grid = _grid(repo, campaign_id, settings=settings)
    return _page("gallery_campaign.html", **grid, trail=audit_trail(repo, campaign_id))


@router.post(
    "/gallery/{campaign_id}/decisions",
    dependencies=[*Protected, requires(REVIEW)],
    response_class=RedirectResponse,
    status_code=303,
    responses={
        **_redirect("the creative on its campaign page"),
        **PROTECTED_PAGE,
        **FORBIDDEN,
        409: {"model": ErrorMessage, "description": "The creative changed since the page showed it: reload."},
        422: {
            "model": ErrorMessage,
            "description": "The decision is neither approved nor rejected, or a form field holds a NUL character.",
        },
    },
)
async def decide(
    campaign_id: str, request: Request, repo: RepoDep, store: StoreDep, principal: PrincipalDep
) -> Response:
    """Record the signed-in person's approve / reject (with a comment) on one creative, or on every creative of a
    product × locale group (no ``aspect_ratio``: bulk), for each required role they hold on it, tied to its current
    bytes; the campaign's static gallery is rewritten with the decision. 403 when they hold no role the creative
    needs (a market reviewer of another market)."""
    form = await _form(request)
    return await run_in_threadpool(_decide, campaign_id, form, repo, store, principal)


def _decide(campaign_id: str, form: dict[str, str], repo: Repository, store: Store, principal: Principal) -> Response:
    from creative_ai.approvals import DECISIONS, decide

    if form.get("decision", "") not in DECISIONS:
        raise HTTPException(status_code=422, detail="decision must be approved or rejected")
    product, locale, ratio = form.get("product_id", ""), form.get("locale", ""), form.get("aspect_ratio", "")
    made = [
        (v.product_id, v.locale, v.aspect_ratio)
        for v in repo.variants(campaign_id)
        if v.status == "ok" and (v.product_id, v.locale) == (product, locale) and ratio in ("", v.aspect_ratio)
    ]
    if not made:
        raise HTTPException(status_code=404, detail="no such creative in this campaign")
    _check_shown(form, {(v.product_id, v.locale, v.aspect_ratio): v.sha256 for v in repo.variants(campaign_id)}, made)
    done = decide(
        repo,
        campaign_id,
        sorted(made),
        principal=principal,
        decision=form.get("decision", ""),
        comment=form.get("comment", ""),
    )
    refresh_gallery(campaign_id, store=store, repo=repo)
    back = form.get("back", "")
    if back == "queue":
        return RedirectResponse("/gallery/queue", status_code=303)
    first = done[0]
    return RedirectResponse(f"/gallery/{campaign_id}#{first[0]}-{first[1]}-{first[2]}", status_code=303)


def _check_shown(form: dict[str, str], current: dict[tuple[str, str, str], str | None], made: list[Any]) -> None:
    """409 when the bytes the reviewer was shown (``sha256``, or ``sha256s``: ``ratio=sha,…`` for a group) are not
    the creatives' bytes now, or a group gained a creative since: a decision is on what was seen."""
    shown: dict[str, str] = {}
    if form.get("sha256"):
        shown = {form.get("aspect_ratio", ""): form["sha256"]}
    elif form.get("sha256s"):
        shown = dict(part.partition("=")[::2] for part in form["sha256s"].split(",") if "=" in part)
    else:
        return
    now = {key[2]: current.get(key) for key in made}
    if now != shown:
        raise HTTPException(
            status_code=409,
            detail="the creatives changed since the page was loaded (a rerun made new bytes): reload and look again",
        )


@router.get(
    "/gallery/{campaign_id}/approved.zip",
    dependencies=Protected,
    response_class=Response,
    responses={
        200: {"description": "The approved creatives, as a zip.", "content": {"application/zip": BYTES}},
        **PROTECTED_PAGE,
    },
)
def approved_zip(campaign_id: str, repo: RepoDep, store: StoreDep) -> Response:
    grid = _grid(repo, campaign_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for row in grid["rows"]:
            if row["decision"] is not None and row["decision"].decision == "approved" and row["key"]:
                archive.writestr(row["key"], store.read(row["key"]))
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{campaign_id}-approved.zip"'},
    )
