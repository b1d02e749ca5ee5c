"""``creative-ai worker``: a Celery worker running campaign jobs (``--check``: whether this host's worker answers)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors
from creative_ai.errors import ConfigurationError


class Pool(StrEnum):
    prefork = "prefork"
    solo = "solo"
    threads = "threads"


@app.command()
@handles_errors
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs this worker runs at once.")] = 1,
    pool: Annotated[Pool, typer.Option(help="Celery pool (solo answers --check only between jobs).")] = Pool.prefork,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 0 if this host's worker answers through the broker, 3 if not (health)."),
    ] = False,
) -> None:
    """Run campaign jobs from the broker (needs CREATIVE_AI_BROKER_URL)."""
    from creative_ai.config import get_settings
    from creative_ai.logs import configure_logging

    settings = get_settings()
    configure_logging()
    if not settings.broker_url:
        raise ConfigurationError("no broker: set CREATIVE_AI_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    from creative_ai.jobs.worker_check import worker_node, worker_stats

    if check:
        stats = worker_stats(settings.broker_url, worker_node(), timeout=5.0)
        typer.echo(f"{worker_node()} answers (pool {stats.get('pool', {}).get('implementation', 'unknown')})")
        return
    from creative_ai.jobs.celery_app import make_celery

    celery_app = make_celery(settings)
    celery_app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--pool={pool.value}",
            f"--hostname={worker_node()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
