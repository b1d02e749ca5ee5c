"""RunSummary: the honest result of a run, and its JSON form that scripts rely on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RunStatus = Literal["succeeded", "partial", "failed"]


@dataclass
class VariantOutcome:
    product_id: str
    locale: str
    aspect_ratio: str
    status: Literal["ok", "failed"]
    reason: str | None
    file_path: str | None
    reused: bool
    rendered: bool = False
    sidecar_path: str | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)
    needs_translation: bool = False


@dataclass
class RunSummary:
    campaign_id: str
    status: RunStatus
    variants_total: int
    variants_ok: int
    variants_failed: int
    heroes_generated: int
    heroes_reused: int
    provider_calls: int
    cost_estimate_usd: float
    duration_s: float
    output_dir: str
    provider: str
    model: str
    manifest_path: str | None
    gallery_path: str | None
    variants: list[VariantOutcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def overall_status(ok: int, total: int) -> RunStatus:
    if total and ok == total:
        return "succeeded"
    return "partial" if ok else "failed"


def summary_from_dict(data: dict[str, Any]) -> RunSummary:
    """A RunSummary back from its JSON form (as stored with a job)."""
    fields = {k: v for k, v in data.items() if k != "variants"}
    return RunSummary(**fields, variants=[VariantOutcome(**v) for v in data.get("variants", [])])
