"""How a tool answers: its result, or our error as a tool error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from creative_ai.errors import CreativeAIError

T = TypeVar("T")


def answer(call: Callable[[], T]) -> T:
    """Our errors reach the client as tool errors with their message (no traceback in the server log)."""
    try:
        return call()
    except CreativeAIError as exc:
        raise ToolError(str(exc)) from exc
