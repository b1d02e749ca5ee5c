"""Before a draft is sent: every number, id, link and address in it must come from the facts the drafter was given.

Only things an id's shape gives away are checked as ids (``summer-sale-2026``, ``towel_01``, ``b3``, a 32-digit
job id, a locale such as ``pt-BR``, a ratio such as ``9x16``): a plain word is never taken for an id, whatever
word stands before it. An incident is told with one count (the rule's), and a reader's text names no setting,
variable or command line option (those belong in an alert's operator notes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SLUG = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+(?![\w-])")
MIXED = re.compile(r"(?<![\w.-])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]+(?![\w-])")
ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
RATIO = re.compile(r"(?<![\w.:])(\d{1,2})[x:](\d{1,2})(?![\w:])")
LOCALE = re.compile(r"(?<![\w-])[a-z]{2,3}[-_][A-Z]{2}(?![\w-])")
LINK = re.compile(r"\b(?:https?|file)://[^\s<>\"')]+|(?<![\w./])/[\w.-]+(?:/[\w.@%+-]+)+")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LIST_MARKER = re.compile(r"(?m)^\s*\d+[.)]\s")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
# "6 failures", "12 errors", "4 provider failures", "3 failed": a count of the incident's failures.
FAILURE_COUNT = re.compile(r"(?i)\b(\d+)\s+(?:[a-z]+\s+){0,2}?(?:failures?|errors?|failed)\b")
# Engineering names a reader should not meet: CREATIVE_AI_CONCURRENCY, OPENAI_API_KEY, --provider.
VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")


@dataclass(frozen=True)
class FactCheck:
    ok: bool
    numbers_checked: int
    ids_checked: int
    unverified: list[str] = field(default_factory=list)
    jargon: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "numbers_checked": self.numbers_checked,
            "ids_checked": self.ids_checked,
            "unverified": self.unverified,
            "jargon": self.jargon,
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


def _ratios(text: str) -> set[str]:
    return {f"{a}x{b}" for a, b in RATIO.findall(TIMESTAMP.sub(" ", text))}


def fact_check(text: str, evidence: Any) -> FactCheck:
    """Verify the ids, ratios, links, addresses and numbers of ``text`` against ``evidence`` (tool results and
    facts)."""
    evidence_text = json.dumps(evidence, ensure_ascii=False, default=str)
    known = set(TOKEN.findall(evidence_text))
    unverified: list[str] = []
    stripped = TIMESTAMP.sub(lambda m: " " if _stamp_in(m.group(0), evidence_text) else m.group(0), text)
    for pattern in (LINK, ADDRESS):
        for match in pattern.finditer(stripped):
            token = match.group(0).rstrip(".,;:")
            if token not in evidence_text and token not in unverified:
                unverified.append(token)
        stripped = pattern.sub(" ", stripped)
    known_ratios = _ratios(evidence_text)
    for ratio in sorted(_ratios(stripped)):
        if ratio not in known_ratios:
            unverified.append(ratio)
    stripped = RATIO.sub(" ", stripped)
    ids: set[str] = set(HEX_ID.findall(stripped)) | set(LOCALE.findall(stripped))
    ids |= {m for m in SLUG.findall(stripped) if any(ch.isdigit() for ch in m) or "_" in m}
    ids |= {m for m in MIXED.findall(stripped) if not ORDINAL.fullmatch(m)}
    for token in sorted(ids):
        if token not in known and token.replace("-", "_") not in known and not _date_in(token, evidence_text):
            unverified.append(token)
    stripped = LIST_MARKER.sub(" ", stripped)
    for token in sorted(ids, key=len, reverse=True):
        stripped = stripped.replace(token, " ")
    stripped = re.sub(r"(\d+)(?:st|nd|rd|th)\b", r"\1", stripped)
    numbers = _evidence_numbers(evidence_text, evidence)
    found = NUMBER.findall(stripped)
    for token in found:
        if not _matches(token, numbers) and token not in unverified:
            unverified.append(token)
    return FactCheck(ok=not unverified, numbers_checked=len(found), ids_checked=len(ids), unverified=unverified)


def other_counts(text: str, incident_count: int) -> list[str]:
    """Counts of failures in ``text`` other than the incident's one count (``12 errors`` beside ``6 failures``)."""
    found = {int(n) for n in FAILURE_COUNT.findall(TIMESTAMP.sub(" ", text))} - {incident_count}
    return [f"{n} (the incident's count is {incident_count})" for n in sorted(found)]


def jargon(text: str, *, setting_names: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Setting, environment variable and command line option names in a reader's ``text`` (none is wanted)."""
    found = [*VARIABLE.findall(text), *OPTION.findall(text)]
    found += [w for w in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text) if w in setting_names]
    return sorted(set(found))


def _date_in(token: str, evidence_text: str) -> bool:
    """A date (2026-11-25) is verified when a timestamp of the evidence falls on it."""
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", token)) and any(
        stamp.startswith(token) for stamp in TIMESTAMP.findall(evidence_text)
    )


def _stamp_in(stamp: str, evidence_text: str) -> bool:
    """A timestamp is verified when the evidence has it, to the minute at least."""
    return stamp[:16].replace(" ", "T") in evidence_text.replace(" ", "T")
