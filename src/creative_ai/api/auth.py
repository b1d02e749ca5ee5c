"""Who a request comes from, and whether they may do what it asks.

A request is signed by the server's API key (``X-API-Key``: an admin, for automation), a person's token
(``Authorization: Bearer`` or ``X-API-Key``), or a gallery session. A server with neither a key nor any person is
open (every request an admin), as before people existed; once a key or a person exists, every protected route
needs one. Each mutating route names the roles it needs (``creative_ai.people``); a viewer only reads.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Cookie, Depends, Header, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from creative_ai.api.session import COOKIE, session_token_id
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.people import Principal
from creative_ai.runtime import Runtime

SECRET_SETTING = "gallery_session_secret"  # noqa: S105  (the name of the settings row)
ANYONE = Principal("anyone", frozenset({"admin"}), "open")
API_KEY = Principal("api key", frozenset({"admin"}), "key")


def key_configured(settings: Settings, given: str | None) -> bool:
    """Whether a key is configured and ``given`` is it (constant-time); an empty value never is."""
    if settings.api_key is None or not given:
        return False
    return hmac.compare_digest(given.encode(), settings.api_key.get_secret_value().encode())


def key_ok(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured key (constant-time); always true when no key is configured."""
    return settings.api_key is None or key_configured(settings, given)


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    if not runtime.repo.migrated:  # once per process, off the event loop
        await to_thread.run_sync(runtime.repo.migrate)
    return runtime


def server_secret(repo: Repository) -> bytes:
    """The secret gallery sessions are signed with on a server without an API key (made once, kept in the
    database so every server process shares it)."""
    stored = repo.get_setting(SECRET_SETTING)
    if stored and isinstance(stored.get("hex"), str):
        return bytes.fromhex(stored["hex"])
    value = secrets.token_hex(32)
    repo.set_setting(SECRET_SETTING, {"hex": value})
    return bytes.fromhex(value)


def secret_for(settings: Settings, repo: Repository) -> bytes | None:
    """The stored session secret when sessions are not signed with the API key."""
    return None if settings.api_key is not None else server_secret(repo)


def identify(settings: Settings, repo: Repository, *, given: str | None, session: str | None) -> Principal | None:
    """The principal behind a key or token (``given``) or a gallery session; None when neither signs anyone in.
    Blocking (it reads the database)."""
    if settings.api_key is None and not repo.has_users():
        return ANYONE
    if given:
        if key_configured(settings, given):
            return API_KEY
        holder = repo.holder_of(given)
        if holder is not None:
            return Principal(holder.name, holder.roles, "token")
    if session:
        token_id = session_token_id(settings, session, secret=secret_for(settings, repo))
        if token_id == 0:
            return API_KEY
        if token_id is not None:
            holder = repo.holder_by_token_id(token_id)
            if holder is not None:
                return Principal(holder.name, holder.roles, "session")
    return None


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="The server's API key or your token.")] = None,
    authorization: Annotated[str | None, Header(description="Bearer <your token>.")] = None,
    session: Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)] = None,
) -> Principal:
    """401 unless the request is signed in (see the module docstring); the principal otherwise."""
    settings: Settings = request.app.state.settings
    runtime = await get_runtime(request)
    given = x_api_key or _bearer(authorization)
    principal = await run_in_threadpool(identify, settings, runtime.repo, given=given, session=session)
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="missing or wrong X-API-Key (the server's key, or your token; or Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def requires(needed: tuple[str, ...]) -> Any:
    """A dependency: 403 unless the signed-in principal holds one of ``needed`` (admin holds all)."""

    async def check(principal: PrincipalDep) -> Principal:
        if not principal.may(needed):
            held = ", ".join(sorted(principal.roles)) or "no role"
            raise HTTPException(
                status_code=403,
                detail=f"{principal.name} ({held}) may not do this: it needs one of {', '.join(needed)}",
            )
        return principal

    return Depends(check)
