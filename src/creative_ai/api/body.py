"""Reading a JSON brief from a request body, within the size limit."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request

from creative_ai.errors import BriefError, FieldIssue


async def read_json(request: Request, *, limit: int) -> Any:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise HTTPException(status_code=413, detail=f"request body over {limit} bytes")
    try:
        return json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BriefError([FieldIssue("", f"malformed JSON{where}")], source="(request body)") from exc
