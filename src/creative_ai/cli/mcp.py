"""``creative-ai mcp``: the MCP server over stdio (for a local client) or streamable HTTP (token required)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors
from creative_ai.errors import ConfigurationError


class Transport(StrEnum):
    stdio = "stdio"
    http = "http"


@app.command("mcp")
@handles_errors
def mcp_command(
    transport: Annotated[Transport, typer.Option(help="stdio, or http (streamable HTTP at /mcp).")] = Transport.stdio,
    host: Annotated[str, typer.Option(help="Address for http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for http.")] = 8765,
) -> None:
    """Serve campaign facts to MCP clients (LLM agents, IDEs)."""
    from creative_ai.config import get_settings
    from creative_ai.jobs import make_queue
    from creative_ai.jobs.handover import hand_over_on_stop
    from creative_ai.jobs.queue import JobQueue
    from creative_ai.logs import configure_logging
    from creative_ai.mcp_server.server import build_server
    from creative_ai.runtime import Runtime

    settings = get_settings()
    configure_logging(level="WARNING")
    if transport is Transport.http and settings.mcp_token is None:
        raise ConfigurationError("the MCP server over HTTP needs a bearer token: set CREATIVE_AI_MCP_TOKEN")
    runtime = Runtime.open(settings)
    repo = runtime.repo
    queues: list[JobQueue] = []

    def queue() -> JobQueue:
        if not queues:
            queues.append(make_queue(settings, repo))
        return queues[0]

    server = build_server(settings=settings, repo=repo, store=runtime.store, queue=queue)
    # The session's end (stdin closed, or the HTTP server stopped) waits below for the jobs it submitted; a client
    # that stops the process instead (SIGTERM: the stdio client does a moment after closing stdin) gets them handed
    # over to the next process, back to queued.
    hand_over_on_stop(lambda: list(queues))
    try:
        if transport is Transport.stdio:
            server.run("stdio")
        else:
            import uvicorn

            from creative_ai.mcp_server.http import http_app

            assert settings.mcp_token is not None
            app_ = http_app(server, token=settings.mcp_token.get_secret_value(), host=host)
            uvicorn.run(app_, host=host, port=port, log_level="warning")
    finally:
        for q in queues:
            q.close()
