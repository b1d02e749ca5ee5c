"""``creative-ai serve``: the HTTP API (with in-process jobs unless a broker is configured)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors
from creative_ai.errors import ConfigurationError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (above 1 needs CREATIVE_AI_BROKER_URL: jobs go to workers).")
    ] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs)."""
    from creative_ai.config import get_settings
    from creative_ai.logs import configure_logging

    settings = get_settings()
    configure_logging()
    if not is_loopback(host) and settings.api_key is None and not _people(settings.database_url):
        raise ConfigurationError(
            f"refusing to listen on {host} open to anyone: set CREATIVE_AI_API_KEY or add people "
            "(creative-ai users add), or serve on 127.0.0.1"
        )
    if workers > 1 and not settings.broker_url:
        raise ConfigurationError(
            "--workers above 1 needs a broker: set CREATIVE_AI_BROKER_URL (without one, jobs run inside the one "
            "serving process)"
        )
    import uvicorn

    from creative_ai.api.transport import server_options

    if workers > 1:  # each process builds its own app, so uvicorn gets the factory's name
        target = "creative_ai.api:app_from_environment"
        uvicorn.run(target, factory=True, workers=workers, host=host, port=port, **server_options())  # type: ignore[arg-type]
        return
    from creative_ai.api import create_app

    uvicorn.run(create_app(settings), host=host, port=port, **server_options())  # type: ignore[arg-type]


def _people(database_url: str) -> bool:
    """Whether people sign in to this server (then their tokens protect it, key or not)."""
    from creative_ai.db.repository import Repository

    return Repository.open(database_url).has_users()
