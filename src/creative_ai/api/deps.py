"""Request-scoped access to the app's components, and the API-key check.

These are ``async def`` on purpose: none of them blocks (the one database call, the first migration, goes to a
worker thread), and a plain ``def`` dependency costs a hop to the thread pool on every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from creative_ai.api.auth import authenticate, get_runtime
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import ConfigurationError
from creative_ai.jobs.queue import JobQueue
from creative_ai.runtime import Runtime
from creative_ai.storage import Store


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_repo(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Repository:
    return runtime.repo


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.runtime.store
    return store


async def get_display_root(request: Request) -> str:
    root: str = request.app.state.runtime.display_root
    return root


async def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


MIN_KEY_LENGTH = 16


def check_api_key(settings: Settings) -> None:
    """ConfigurationError for a key set but too short to protect anything (an empty value included: a blank
    ``CREATIVE_AI_API_KEY=`` line is a mistake, not a way to say "no key")."""
    if settings.api_key is None:
        return
    length = len(settings.api_key.get_secret_value().strip())
    if length < MIN_KEY_LENGTH:
        said = "is empty" if length == 0 else f"has {length} characters"
        raise ConfigurationError(
            f"CREATIVE_AI_API_KEY {said}; set a key of at least {MIN_KEY_LENGTH} characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'), or unset it to serve without one"
        )


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
RepoDep = Annotated[Repository, Depends(get_repo)]
StoreDep = Annotated[Store, Depends(get_store)]
DisplayRootDep = Annotated[str, Depends(get_display_root)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
Protected = [Depends(authenticate)]
