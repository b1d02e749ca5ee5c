"""The ``creative-ai`` command line: thin commands over the core, errors mapped to exit codes in one place."""

from __future__ import annotations

from creative_ai.cli.app import main

__all__ = ["main"]
