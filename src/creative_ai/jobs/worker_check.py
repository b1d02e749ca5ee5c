"""Whether this host's Celery worker answers through the broker (``creative-ai worker --check``, a healthcheck):
celery alone, none of the pipeline, so a check every few seconds stays cheap."""

from __future__ import annotations

import socket
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError

from creative_ai.errors import ConfigurationError


def worker_node() -> str:
    """This host's worker name (``creative-ai worker`` takes it; ``--check`` asks for it)."""
    return f"celery@{socket.gethostname()}"


def worker_stats(broker_url: str, node: str, *, timeout: float) -> dict[str, Any]:
    """The worker ``node``'s own report (its pool among it) through the broker. ConfigurationError when the broker
    is unreachable or the worker does not answer within ``timeout`` seconds."""
    app = Celery("creative_ai", broker=broker_url)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        replies = app.control.inspect(destination=[node], timeout=timeout).stats() or {}
    except (OSError, OperationalError) as exc:
        raise ConfigurationError(f"broker unreachable ({exc.__class__.__name__})") from None
    finally:
        app.close()
    if node not in replies:
        raise ConfigurationError(f"worker {node} does not answer through the broker")
    stats: dict[str, Any] = replies[node]
    return stats
