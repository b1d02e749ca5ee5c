"""Where our exceptions become HTTP answers (one place), and the request-size limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from creative_ai.errors import (
    BriefError,
    ConfigurationError,
    CreativeAIError,
    InputError,
    ProviderUnavailable,
    StorageError,
)


def status_for(exc: CreativeAIError) -> int:
    if isinstance(exc, InputError | ProviderUnavailable):
        return 422
    if isinstance(exc, ConfigurationError | StorageError):
        return 503
    return 500


def install_error_handlers(app: FastAPI, *, max_body_bytes: int) -> None:
    @app.exception_handler(CreativeAIError)
    async def _ours(_request: Request, exc: CreativeAIError) -> JSONResponse:
        if isinstance(exc, BriefError):
            detail = [{"loc": issue.path, "msg": issue.message} for issue in exc.issues]
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    @app.middleware("http")
    async def _body_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body_bytes):
            return JSONResponse({"detail": f"request body over {max_body_bytes} bytes"}, status_code=413)
        return await call_next(request)
