"""The ``creative-ai`` command line: thin commands over the core, errors mapped to exit codes in one place."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["main"]


def main(argv: list[str] | None = None) -> Any:
    """Register every command group on the Typer app, then run it."""
    from creative_ai.cli import admin, agent, alerts, export, mcp, report, results, run, serve, users, worker  # noqa: F401  (registers the commands)
    from creative_ai.cli.app import app

    return app(args=argv if argv is not None else sys.argv[1:], prog_name="creative-ai")
