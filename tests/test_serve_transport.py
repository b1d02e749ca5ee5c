"""The connection ``serve`` speaks on: Nagle's algorithm off on every TCP connection, also on the listening socket
``--workers`` binds (made with protocol number 0, which asyncio does not treat as TCP), and a keep-alive longer
than common clients' idle expiry. Read back from the accepted sockets of a real uvicorn server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from creative_ai.api.transport import KEEP_ALIVE_SECONDS, NoDelayHttpProtocol, server_options
from tests.servers import free_port


def _listening_socket_as_workers_binds_it(port: int) -> socket.socket:
    sock = socket.socket(family=socket.AF_INET)  # what uvicorn's Config.bind_socket does: protocol 0
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.set_inheritable(True)
    return sock


def _server_side_nodelay(protocol: type[asyncio.Protocol]) -> int:
    """TCP_NODELAY as set on the server's end of a kept-alive connection."""
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"ok": "yes"}

    port = free_port()
    sock = _listening_socket_as_workers_binds_it(port)
    # The standard library's loop (uvloop, where installed, turns the option on itself; not every platform has it).
    config = uvicorn.Config(app, http=protocol, loop="asyncio", log_config=None, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        with httpx.Client() as client:
            assert client.get(f"http://127.0.0.1:{port}/ping").status_code == 200
            (connection,) = list(server.server_state.connections)
            accepted = connection.transport.get_extra_info("socket")  # type: ignore[attr-defined]
            return int(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_the_plain_protocol_leaves_nagle_on_for_a_protocol_zero_socket() -> None:
    # The fault this module exists for: every kept-alive answer waited for the client's delayed ACK.
    assert _server_side_nodelay(HttpToolsProtocol) == 0


def test_serve_turns_nagle_off_on_every_connection() -> None:
    assert _server_side_nodelay(NoDelayHttpProtocol) != 0


@pytest.mark.parametrize("key", ["http", "timeout_keep_alive", "access_log"])
def test_serve_hands_uvicorn_the_protocol_and_keep_alive(key: str) -> None:
    options = server_options()
    expected = {"http": NoDelayHttpProtocol, "timeout_keep_alive": KEEP_ALIVE_SECONDS, "access_log": False}
    assert options[key] == expected[key]
    assert KEEP_ALIVE_SECONDS > 60  # above httpx's 5 s and a load balancer's usual 60 s idle expiry
