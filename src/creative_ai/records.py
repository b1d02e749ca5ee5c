"""The records a run produces: each creative's sidecar (``CreativeRecord``), each variant's outcome and the
``RunSummary``, with the JSON forms that scripts and the gallery rely on."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

RunStatus = Literal["succeeded", "partial", "failed"]
# A campaign's recorded status (``campaigns.status``), as the API and the MCP tools describe it.
CAMPAIGN_STATUS = (
    "running (a run is making it); succeeded, partial or failed (how its last run ended); interrupted (its run was "
    "stopped by Ctrl-C or SIGTERM: running it again resumes it); refused (its brief carried a prohibited term)."
)


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
    machine_translated: bool = False
    hero: str | None = None  # "provider/model" of the picture under the copy (None: the product's own packshot)


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
    # The whole campaign this run published (None when it published nothing: a part of a campaign made in parts).
    campaign_status: RunStatus | None = None
    campaign_variants_total: int | None = None
    campaign_variants_ok: int | None = None
    campaign_variants_not_made: int | None = None
    removed: list[str] = field(default_factory=list)  # product/locale/ratio deleted: no longer in the brief
    heroes_fallback: int = 0  # heroes a provider after the chain's first made
    heroes_placeholder: int = 0  # of those, offline art standing in for an image model's picture

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"copy_state": self.copy_state()}

    def copy_state(self) -> dict[str, dict[str, int]]:
        """Per locale, how many creatives carry the source copy untranslated and how many a machine translated."""
        state: dict[str, dict[str, int]] = {}
        for v in self.variants:
            counts = state.setdefault(v.locale, {"creatives": 0, "needs_translation": 0, "machine_translated": 0})
            counts["creatives"] += 1
            counts["needs_translation"] += int(v.needs_translation)
            counts["machine_translated"] += int(v.machine_translated)
        return state


def overall_status(ok: int, total: int, *, placeholders: int = 0) -> RunStatus:
    """``placeholders``: creatives (or heroes) standing on offline art where an image model's picture was asked
    for; a run or campaign with any is at best ``partial``."""
    if total and ok == total:
        return "partial" if placeholders else "succeeded"
    return "partial" if ok else "failed"


def summary_from_dict(data: dict[str, Any]) -> RunSummary:
    """A RunSummary back from its JSON form (as stored with a job)."""
    fields = {k: v for k, v in data.items() if k not in ("variants", "copy_state")}  # copy_state is derived
    return RunSummary(**fields, variants=[VariantOutcome(**v) for v in data.get("variants", [])])


class TextRecord(BaseModel):
    """How the copy was set: size, lines, colour and the contrast it reached."""

    model_config = ConfigDict(extra="forbid")

    font_size_px: int
    lines: list[str]
    color: str
    contrast_ratio: float | None
    scrim_strength: float
    cta_contrast_ratio: float | None
    direction: Literal["ltr", "rtl"]


class CreativeRecord(BaseModel):
    """The metadata sidecar stored beside every creative (SPEC §6); its JSON keeps this field order.

    Reading ignores keys it does not know (a sidecar is ours: those come from a newer or older release).
    """

    model_config = ConfigDict(extra="ignore")

    campaign_id: str
    product_id: str
    product_name: str
    aspect_ratio: str
    dimensions: str
    platform: str
    target_market: str
    target_audience: str
    campaign_message: str
    provider: str
    model: str
    reused: bool
    file_path: str
    file_size_bytes: int
    created_at: str
    checksum_md5: str
    locale: str
    message: str
    cta: str | None
    prompt: str | None
    terms: str | None = None  # the terms line set under the copy
    hero_sha256: str
    hero_source: str
    sha256: str
    seed: int | None
    format: str
    needs_translation: bool
    machine_translated: bool
    text: TextRecord
    framing: dict[str, Any]
    checks: list[dict[str, Any]]
    checks_overall: Literal["pass", "warn", "fail"]  # the worst check that applied (a skipped one never counts)
    status: Literal["ok", "failed"]
    reason: str | None
    render_key: str
    # Its identity on the ad platforms (see ``results.identity``); a sidecar written before these existed gets its
    # name on reading, as version 1.
    ad_name: str = ""
    version: int = 1
    previous_ad_name: str | None = None  # the version these bytes replaced

    @model_validator(mode="after")
    def _named(self) -> CreativeRecord:
        if not self.ad_name:
            from creative_ai.results.identity import ad_name

            self.ad_name = ad_name(
                campaign_id=self.campaign_id,
                product_id=self.product_id,
                locale=self.locale,
                aspect_ratio=self.aspect_ratio,
                sha256=self.sha256,
            )
        return self

    def to_json(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> CreativeRecord | None:
        """The record in ``data``, or None when it is damaged or not a sidecar of this shape."""
        try:
            return cls.model_validate_json(data)
        except (ValidationError, UnicodeDecodeError):
            return None
