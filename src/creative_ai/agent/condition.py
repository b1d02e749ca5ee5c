"""What a rule reports: a condition that deserves an alert right now."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Condition:
    """Something wrong now. ``campaign_id`` is "" when it concerns no single campaign."""

    campaign_id: str
    rule: str
    severity: str
    summary: str
    facts: dict[str, Any] = field(default_factory=dict)
