"""Where our exceptions become HTTP answers (one place), the request-size limit, and the answer to a bug."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creative_ai.config import Settings
from creative_ai.errors import (
    BriefError,
    ConfigurationError,
    CreativeAIError,
    InputError,
    NotAllowed,
    ProviderUnavailable,
    StorageError,
)
from creative_ai.logs import log


def status_for(exc: CreativeAIError) -> int:
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, InputError | ProviderUnavailable):
        return 422
    if isinstance(exc, ConfigurationError | StorageError):
        return 503
    return 500


def server_roots(settings: Settings) -> list[tuple[str, str]]:
    """The server's folders a message may name, longest first, each with the relative name a client sees."""
    return list(_roots(settings.assets_dir, settings.output_dir))


@functools.lru_cache(maxsize=16)
def _roots(*folders: Path) -> tuple[tuple[str, str], ...]:  # resolved once per process: a few system calls each time
    roots: dict[str, str] = {}
    for folder in folders:
        name = folder.name or str(folder)
        for form in (folder, folder.absolute(), folder.resolve()):
            if form.is_absolute():
                roots[str(form)] = name
    return tuple(sorted(roots.items(), key=lambda item: -len(item[0])))


def public_text(text: str, roots: Sequence[tuple[str, str]]) -> str:
    """``text`` with the server's absolute folders (assets, output) replaced by their relative names."""
    for absolute, name in roots:
        text = text.replace(absolute + "/", name + "/").replace(absolute, name)
    return text


def public_data(data: Any, roots: Sequence[tuple[str, str]]) -> Any:
    """``data`` (JSON-like) with :func:`public_text` applied to every string in it: an answer names files and
    folders by their names under the output or assets folder, never by where they are on the server."""
    if isinstance(data, str):
        return public_text(data, roots)
    if isinstance(data, dict):
        return {key: public_data(value, roots) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [public_data(value, roots) for value in data]
    return data


def server_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: one JSON log line (no message: it may carry data or secrets), a 500 naming the correlation id."""
    cid = getattr(request.state, "correlation_id", None) or ""
    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    log.error(
        "unhandled_exception",
        exception=f"{type(exc).__module__}.{type(exc).__qualname__}",
        method=request.method,
        path=request.url.path[:200],
        where=f"{Path(frame[0].filename).name}:{frame[0].lineno} in {frame[0].name}" if frame else None,
    )
    return JSONResponse(
        {"detail": f"internal error; quote correlation id {cid} when reporting it", "correlation_id": cid},
        status_code=500,
    )


def install_error_handlers(app: FastAPI, *, settings: Settings) -> None:
    roots = server_roots(settings)

    @app.exception_handler(CreativeAIError)
    async def _ours(request: Request, exc: CreativeAIError) -> JSONResponse:
        if isinstance(exc, BriefError):
            detail = [{"loc": issue.path, "msg": public_text(issue.message, roots)} for issue in exc.issues]
            return JSONResponse({"detail": detail}, status_code=422)
        status = status_for(exc)
        if status == 500:
            return server_error(request, exc)
        return JSONResponse({"detail": public_text(str(exc), roots)}, status_code=status)

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(status_code=413, detail=f"request body over {limit} bytes")


class BodyLimit:
    """Refuse a body over ``limit`` bytes: at once when Content-Length says so, else (chunked) as soon as the
    bytes read pass it, so a streamed body is never held beyond the limit. A path holding NUL is refused too."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await JSONResponse({"detail": _too_large(self.limit).detail}, status_code=413)(scope, receive, send)
            return
        if "\x00" in scope["path"]:
            await JSONResponse({"detail": "the path holds a NUL character"}, status_code=400)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _too_large(self.limit)  # an HTTPException: the route's handler answers 413
            return message

        await self.app(scope, limited, send)
