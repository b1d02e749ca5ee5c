"""Request-scoped access to the app's components, and the API-key check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Cookie, Depends, Header, HTTPException, Request

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.queue import JobQueue
from creative_ai.runtime import Runtime
from creative_ai.storage import Store


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    runtime.repo.migrate()  # once per process: a no-op after the first success
    return runtime


def get_repo(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Repository:
    return runtime.repo


def get_store(request: Request) -> Store:
    store: Store = request.app.state.runtime.store
    return store


def get_display_root(request: Request) -> str:
    root: str = request.app.state.runtime.display_root
    return root


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


COOKIE = "creative_ai_key"


def key_ok(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured key (constant-time); always true when no key is configured."""
    if settings.api_key is None:
        return True
    return given is not None and hmac.compare_digest(given.encode(), settings.api_key.get_secret_value().encode())


def require_key(
    settings: Annotated[Settings, Depends(get_app_settings)],
    x_api_key: Annotated[str | None, Header(description="Required when the server has a key.")] = None,
    creative_ai_key: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> None:
    """401 unless the key came in X-API-Key (or the gallery's login cookie); open when no key is configured."""
    if not (key_ok(settings, x_api_key) or key_ok(settings, creative_ai_key)):
        raise HTTPException(
            status_code=401, detail="missing or wrong X-API-Key", headers={"WWW-Authenticate": "ApiKey"}
        )


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
RepoDep = Annotated[Repository, Depends(get_repo)]
StoreDep = Annotated[Store, Depends(get_store)]
DisplayRootDep = Annotated[str, Depends(get_display_root)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
Protected = [Depends(require_key)]
