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
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
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
    """Numeric values, and numbers written in the evidence's texts (not the parts of its timestamps)."""
    numbers = [float(n) for n in NUMBER.findall(TIMESTAMP.sub(" ", evidence_text))]

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
    """A whole number must be in the evidence as such; a decimal may be an evidence value rounded to its places."""
    value = float(token)
    if "." not in token:
        return any(value == n for n in numbers)
    decimals = len(token.split(".", 1)[1])
    return any(value == n or value == round(n, decimals) for n in numbers)


def fact_check(text: str, evidence: Any) -> FactCheck:
    """Verify every id-like token and every number of ``text`` against ``evidence`` (tool results and facts)."""
    evidence_text = json.dumps(evidence, ensure_ascii=False, default=str)
    known = set(TOKEN.findall(evidence_text))
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
        if token not in known and not (TIMESTAMP.fullmatch(token) or _date_in(token, evidence_text)):
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


def _date_in(token: str, evidence_text: str) -> bool:
    """A date (2026-11-25) is verified when a timestamp of the evidence falls on it."""
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", token)) and any(
        stamp.startswith(token) for stamp in TIMESTAMP.findall(evidence_text)
    )
