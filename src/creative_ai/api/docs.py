"""/docs and /redoc on a closed network: their scripts and styles come from the server (fastapi-offline), and a
Content-Security-Policy keeps the pages from asking anything of another origin (ReDoc's bundle would load its
logo from a CDN)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

DOCS_PATHS = ("/docs", "/redoc")
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)


def install_docs_policy(app: FastAPI) -> None:
    @app.middleware("http")
    async def _same_origin_only(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path in DOCS_PATHS:
            response.headers["Content-Security-Policy"] = DOCS_POLICY
        return response
