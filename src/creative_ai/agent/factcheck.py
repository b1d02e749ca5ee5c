"""Before a draft is sent: every number and id in it must come from the facts the drafter was given."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SLUG = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+(?![\w-])")
NAMED_ID = re.compile(r"(?i)\b(?:campaign|product|job|alert)\s+[`'\"]?([A-Za-z0-9][A-Za-z0-9_\-]*)")
HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
RATIO = re.compile(r"\b\d+x\d+\b")
LIST_MARKER = re.compile(r"(?m)^\s*\d+[.)]\s")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")
WORDS_AFTER_KEYWORD = {"is", "has", "was", "the", "a", "an", "and", "or", "id", "ids", "for", "of", "to", "in"}


@dataclass(frozen=True)
class FactCheck:
    ok: bool
    numbers_checked: int
    ids_checked: int
    unverified: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "numbers_checked": self.numbers_checked,
            "ids_checked": self.ids_checked,
            "unverified": self.unverified,
        }


def _evidence_numbers(evidence_text: str, evidence: Any) -> list[float]:
    numbers = [float(n) for n in NUMBER.findall(evidence_text)]

    def walk(value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            numbers.append(float(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(evidence)
    return numbers


def _matches(token: str, numbers: list[float]) -> bool:
    value = float(token)
    decimals = len(token.split(".", 1)[1]) if "." in token else 0
    return any(value == n or value == round(n, decimals) for n in numbers)


def fact_check(text: str, evidence: Any) -> FactCheck:
    """Verify every id-like token and every number of ``text`` against ``evidence`` (tool results and facts)."""
    evidence_text = json.dumps(evidence, ensure_ascii=False, default=str)
    unverified: list[str] = []
    ids: set[str] = set()
    for match in SLUG.finditer(text):
        token = match.group(0)
        if any(ch.isdigit() for ch in token) or "_" in token:
            ids.add(token)
    for match in NAMED_ID.finditer(text):
        token = match.group(1).rstrip("-_")
        if token.lower() not in WORDS_AFTER_KEYWORD and len(token) > 1:
            ids.add(token)
    ids |= set(HEX_ID.findall(text))
    for token in sorted(ids):
        if token not in evidence_text:
            unverified.append(token)
    stripped = LIST_MARKER.sub(" ", text)
    for token in sorted(ids, key=len, reverse=True):
        stripped = stripped.replace(token, " ")
    stripped = RATIO.sub(" ", stripped)
    numbers = _evidence_numbers(evidence_text, evidence)
    found = NUMBER.findall(stripped)
    for token in found:
        if not _matches(token, numbers) and token not in unverified:
            unverified.append(token)
    return FactCheck(ok=not unverified, numbers_checked=len(found), ids_checked=len(ids), unverified=unverified)
