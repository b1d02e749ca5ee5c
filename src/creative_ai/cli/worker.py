"""``creative-ai worker``: a Celery worker running campaign jobs."""

from __future__ import annotations

from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors
from creative_ai.errors import ConfigurationError


@app.command()
@handles_errors
def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs this worker runs at once.")] = 1,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, solo or threads.")] = "prefork",
) -> None:
    """Run campaign jobs from the broker (needs CREATIVE_AI_BROKER_URL)."""
    from creative_ai.config import get_settings
    from creative_ai.logs import configure_logging

    settings = get_settings()
    configure_logging()
    if not settings.broker_url:
        raise ConfigurationError("no broker: set CREATIVE_AI_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    from creative_ai.jobs.celery_app import make_celery

    celery_app = make_celery(settings)
    celery_app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
        ]
    )
