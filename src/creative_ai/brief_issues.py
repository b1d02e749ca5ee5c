"""A brief's validation errors as field-level issues that name the field (``products[1].id: …``)."""

from __future__ import annotations

import re

from pydantic import ValidationError

from creative_ai.errors import FieldIssue


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def issues_from(exc: ValidationError) -> list[FieldIssue]:
    issues = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after",))
        path = _loc_to_path(loc)
        kind = err["type"]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if kind == "extra_forbidden":
            msg = "unknown field; check its spelling (see the brief format in the README)"
        elif kind == "missing":
            msg = "is required"
        elif kind == "too_short" and path == "products":
            msg = "is empty; list at least one product"
        elif kind in ("string_too_short",):
            msg = "is empty"
        elif kind.endswith("_type") or kind == "model_type":
            msg = f"{msg} (got {type(err.get('input')).__name__})"
        # model-level errors carry their own path in the message
        head, sep, tail = msg.partition(": ")
        if not path and sep and re.fullmatch(r"[A-Za-z_][\w.\[\]-]*", head):
            issues.append(FieldIssue(head, tail))
            continue
        issues.append(FieldIssue(path, msg))
    return issues
