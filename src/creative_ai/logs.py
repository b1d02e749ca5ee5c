"""Structured JSON logs with a correlation id carried from the HTTP request to the job that serves it.

Events are rendered as JSON by structlog and written through the standard ``logging`` module (logger
``creative_ai``), so a library user sees nothing below WARNING unless they configure logging, and the CLI's
stdout stays clean for ``--json``. Never log settings or vendor responses: keys live there.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

log = structlog.wrap_logger(
    logging.getLogger("creative_ai"),
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(),
    ],
    wrapper_class=structlog.stdlib.BoundLogger,
)


class JsonLines(logging.Formatter):
    """Every log record as one JSON line: our events as they are, anyone else's (the server's, the worker's, a
    library's) as ``{"event": message, "level", "logger", "timestamp"}``, a traceback inside it, never on lines of
    its own."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("{") and not record.exc_info:
            try:
                json.loads(message)
            except ValueError:
                pass
            else:
                return message
        event: dict[str, Any] = {
            "event": without_url_paths(message),  # another library's line: what it says of a request stops at its host
            "level": record.levelname.lower(),
            "logger": record.name,
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + "Z",
        }
        if record.exc_info:
            event["exception"] = without_url_paths(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False, default=str)

    converter = time.gmtime  # type: ignore[assignment]


# Libraries whose INFO lines carry whole request URLs (query strings can hold keys), or chatter: warnings only.
QUIETED = (
    "httpx",
    "httpcore",
    "httpx2",
    "httpcore2",
    "openai",
    "google_genai",
    "urllib3",
    "botocore",
    "boto3",
    "alembic",
)
URL = re.compile(r"\b([a-z][a-z0-9+.-]*://)(?:[^/\s\"'?#@]*@)?([^/\s\"'?#@]+)([^\s\"']*)", re.IGNORECASE)


def without_url_paths(text: str) -> str:
    """``text`` with every URL cut to its scheme and host: a path or query string can carry a key or a file name,
    the part before ``@`` a password."""
    return URL.sub(lambda m: m.group(1) + m.group(2) + ("/…" if m.group(3) else ""), text)


def configure_logging(*, level: str = "INFO") -> None:
    """Every log line of a service process (ours, the web server's, the worker's, libraries') as a JSON line on
    stderr from ``level`` up (``serve``, ``worker``, ``agent`` and ``mcp`` call this)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    ours = logging.getLogger("creative_ai")
    ours.handlers[:] = []
    ours.setLevel(level)
    ours.propagate = True
    for name in QUIETED:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # a library's warning is a JSON line too, not lines of its own


QUIET = ("event", "level", "timestamp", "correlation_id")


class Readable(logging.Formatter):
    """One line a person reads (``warning: provider attempt failed — provider openai, attempt 1, …``) from a
    JSON event: for a terminal; logs and pipes keep the JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        try:
            event = json.loads(message)
        except ValueError:
            return message
        if not isinstance(event, dict):
            return message
        details = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in event.items() if k not in QUIET and v is not None)
        head = f"{record.levelname.lower()}: {str(event.get('event', '')).replace('_', ' ')}"
        return f"{head} — {details}" if details else head


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a progress bar redirects it to print above itself)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def readable_warnings() -> None:
    """Warnings and errors of a command run on a terminal, as readable lines on stderr."""
    handler = _CurrentStderr(sys.stderr)
    handler.setFormatter(Readable())
    logger = logging.getLogger("creative_ai")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def correlation(correlation_id: str | None, **extra: Any) -> Iterator[str]:
    """Bind a correlation id (and extra fields) to every log event in this context."""
    cid = correlation_id or new_correlation_id()
    with structlog.contextvars.bound_contextvars(correlation_id=cid, **extra):
        yield cid
