"""Reading a JSON brief from a request body, within the size limit; hostile JSON is a 422, never a crash."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request

from creative_ai.errors import BriefError, FieldIssue


async def read_json(request: Request, *, limit: int) -> Any:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise HTTPException(status_code=413, detail=f"request body over {limit} bytes")
    try:
        data = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BriefError([FieldIssue("", f"malformed JSON{where}")], source="(request body)") from exc
    except RecursionError as exc:
        raise BriefError([FieldIssue("", "JSON nested too deep")], source="(request body)") from exc
    except ValueError as exc:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise BriefError([FieldIssue("", "a number in the JSON has too many digits")], source="(request body)") from exc
    if nul := _nul_field(data):
        # PostgreSQL stores no NUL in text: refused here, with the field named, rather than failing at the insert.
        raise BriefError([FieldIssue(nul, "holds a NUL character (U+0000)")], source="(request body)")
    return data


def _nul_field(data: Any) -> str | None:
    """The path (``products[0].name``) of a string or key holding U+0000, if any (walked without recursion)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "(body)"
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    return child.replace("\x00", "\\u0000")
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None
