"""A fake Meta Graph API server on 127.0.0.1 answering the Marketing API Insights edge of an ad account.

``GET /v<N>.0/act_<id>/insights`` answers Graph's JSON shape (``{"data": [...], "paging": {"cursors": {"before",
"after"}, "next": ...}}``) for the rows a test gives, in pages of the size it chooses; the ``after`` cursor of a
page is the offset of the next one. A request without the expected ``access_token`` gets Graph's OAuth error
(HTTP 400, code 190). Every request is counted and its query parameters kept for the test to check; a test can
also script one Graph error answer (``fail``).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

INSIGHTS_PATH = re.compile(r"^/(?P<version>v\d+\.0)/(?P<account>act_\d+)/insights$")


@dataclass
class Received:
    """One request as the server got it: its path and its query parameters (each name's last value)."""

    path: str
    params: dict[str, str]
    status: int = 0


@dataclass
class Scripted:
    """An answer instead of data: HTTP status and Graph's ``error`` code, type and message, or a raw body."""

    status: int
    code: int
    message: str
    type: str = "OAuthException"
    is_transient: bool = False
    raw: str | None = None  # a body that is not Graph's JSON (a gateway's HTML page), sent as is
    on_request: int | None = None  # the request (1 = the first the server gets) it answers; None: the next one


@dataclass
class FakeGraph:
    access_token: str = "EAAtesttoken0123456789abcdef"
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # account id (act_…) → insights rows
    page_size: int = 25
    requests: list[Received] = field(default_factory=list)
    faults: list[Scripted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- control ------------------------------------------------------------------------------------------
    def serve(self, account: str, rows: list[dict[str, Any]], *, page_size: int | None = None) -> None:
        with self._lock:
            self.rows[account] = [dict(r) for r in rows]
            if page_size is not None:
                self.page_size = page_size

    def fail(
        self,
        *,
        status: int,
        code: int = 0,
        message: str = "",
        type: str = "OAuthException",
        transient: bool = False,
        raw: str | None = None,
        on_request: int | None = None,
    ) -> None:
        """Answer the next request (or request number ``on_request``) with this Graph error or ``raw`` body."""
        with self._lock:
            self.faults.append(Scripted(status, code, message, type, transient, raw, on_request))

    @property
    def count(self) -> int:
        return len(self.requests)

    # -- server -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeGraph:
        graph = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return None

            def do_GET(self) -> None:
                graph._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeGraph:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- handling -----------------------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        entry = Received(parts.path, params)
        with self._lock:
            self.requests.append(entry)
            number = len(self.requests)
            fault = next((f for f in self.faults if f.on_request in (None, number)), None)
            if fault is not None:
                self.faults.remove(fault)
        match = INSIGHTS_PATH.match(parts.path)
        if match is None:
            self._error(h, entry, 400, 2500, f"Unknown path components: {parts.path}", "OAuthException")
        elif params.get("access_token") != self.access_token:
            self._error(h, entry, 400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
        elif fault is not None and fault.raw is not None:
            self._send(h, entry, fault.status, fault.raw.encode(), content_type="text/html")
        elif fault is not None:
            self._error(h, entry, fault.status, fault.code, fault.message, fault.type, transient=fault.is_transient)
        else:
            self._page(h, entry, match["version"], match["account"], params)

    def _page(
        self, h: BaseHTTPRequestHandler, entry: Received, version: str, account: str, params: dict[str, str]
    ) -> None:
        with self._lock:
            rows = list(self.rows.get(account, []))
            size = self.page_size
        offset = _decode_cursor(params.get("after", ""))
        limit = min(size, int(params.get("limit") or size))
        chunk = rows[offset : offset + limit]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            paging: dict[str, Any] = {"cursors": {"before": _cursor(offset), "after": _cursor(offset + len(chunk))}}
            if offset + len(chunk) < len(rows):
                # Graph's next link repeats every parameter, the token included, with the new cursor.
                following = {**params, "after": _cursor(offset + len(chunk))}
                paging["next"] = f"{self.url}/{version}/{account}/insights?{urlencode(following)}"
            body["paging"] = paging
        self._send(h, entry, 200, body)

    def _error(
        self,
        h: BaseHTTPRequestHandler,
        entry: Received,
        status: int,
        code: int,
        message: str,
        type_: str,
        *,
        transient: bool = False,
    ) -> None:
        error: dict[str, Any] = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
        if transient:
            error["is_transient"] = True
        self._send(h, entry, status, {"error": error})

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        entry: Received,
        status: int,
        body: dict[str, Any] | bytes,
        *,
        content_type: str = "application/json; charset=UTF-8",
    ) -> None:
        entry.status = status
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("content-type", content_type)
        h.send_header("content-length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    return int(text.removeprefix("offset:"))
