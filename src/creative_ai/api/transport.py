"""The HTTP protocol ``serve`` hands uvicorn: httptools' parser (several times h11's speed) with Nagle's algorithm
off on every TCP connection.

asyncio turns TCP_NODELAY on only for sockets whose protocol number is TCP; the listening socket uvicorn binds for
``--workers`` is made with protocol 0, so its connections kept Nagle on, and a response written in two sends waited
for the client's delayed ACK (about 40 ms) on every kept-alive request.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


# Longer than the idle expiry of common clients and load balancers (httpx 5 s, ALB 60 s): a server that drops an
# idle connection first races the client's next request on it, which then fails with a connection reset.
KEEP_ALIVE_SECONDS = 75


def server_options() -> dict[str, object]:
    """uvicorn's settings for ``serve``: this protocol, the keep-alive above, and no access log of its own (the
    app logs one JSON ``request`` line per request, with its correlation id); the server's own lines go through
    the JSON handler ``configure_logging`` set."""
    return {
        "http": NoDelayHttpProtocol,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "access_log": False,
        "log_level": "info",
        "log_config": None,
    }
