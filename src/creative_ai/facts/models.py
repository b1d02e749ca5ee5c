"""What the MCP tools return: typed, so clients get structured content and an output schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from creative_ai.records import CAMPAIGN_STATUS

Cause = Literal["auth_or_licence", "quota", "outage", "refused_content", "bad_input", "render", "none", "unknown"]


class CampaignItem(BaseModel):
    campaign_id: str
    name: str | None
    status: str = Field(description=CAMPAIGN_STATUS)
    target_market: str
    variants_total: int
    variants_ok: int
    updated_at: str


class CampaignList(BaseModel):
    campaigns: list[CampaignItem]


class ProductLine(BaseModel):
    product_id: str
    name: str
    has_input_asset: bool
    variants_ok: int
    variants_failed: int


class JobLine(BaseModel):
    job_id: str
    status: str
    progress_done: int
    progress_total: int
    created_at: str
    started_at: str | None
    finished_at: str | None


class CampaignDetails(BaseModel):
    campaign_id: str
    name: str | None
    status: str = Field(description=CAMPAIGN_STATUS)
    target_market: str
    locales: list[str]
    aspect_ratios: list[str]
    products: list[ProductLine]
    variants_total: int
    variants_ok: int
    variants_failed: int
    provider_calls: int
    provider_errors: int
    heroes_generated: int
    cost_usd: float
    jobs: list[JobLine]
    open_alerts: int
    updated_at: str
    manifest_uri: str
    stopped_by: str | None = Field(
        default=None,
        description="When the latest run was refused or failed before making anything (status refused or failed): "
        "why. The creatives counted above are then what an earlier run made.",
    )


class DuplicatePair(BaseModel):
    a: str = Field(description="A creative of this product, as product/locale/ratio.")
    b: str = Field(description="The creative it looks like: of this product, or of another one when across_products.")
    distance: int = Field(description="Perceptual-hash distance (of 256 bits); 0 when the very same hero is used.")
    across_products: bool = Field(
        default=False,
        description="b is another product's creative (same locale and ratio): two products that look the same, "
        "the diversity problem; otherwise two ratios or heroes of this product that look alike.",
    )
    compared: Literal["hero", "creative"] = Field(
        default="creative",
        description="What was compared: the hero under the copy (the same picture, or stored heroes that look "
        "alike), or the finished creatives with their copy.",
    )


class ProductVariants(BaseModel):
    campaign_id: str
    product_id: str
    total: int
    ok: int
    failed: int
    by_ratio: dict[str, int]
    by_locale: dict[str, int]
    distinct: int = Field(
        description="Distinct looks among the ok creatives: one look per aspect ratio and hero (its locales differ "
        "only by their copy and count once), looks within the perceptual-hash distance of another counted once; "
        "at most the ratios times the heroes made."
    )
    near_duplicates: list[DuplicatePair] = Field(
        description="Pairs that look nearly the same: this product's looks across ratios and heroes (never two "
        "locales of one hero at one ratio), and its creatives that look like another product's at the same ratio."
    )
    missing_ratios: list[str]
    missing_locales: list[str]


class CampaignVariants(BaseModel):
    campaign_id: str
    products: list[ProductVariants] = Field(description="One entry per product asked for (all when none was named).")


class ErrorLine(BaseModel):
    campaign_id: str
    product_id: str | None
    locale: str | None
    aspect_ratio: str | None
    stage: str
    error_type: str
    message: str
    at: str


class RecentErrors(BaseModel):
    window_minutes: int
    total: int
    errors: list[ErrorLine]


class AlertLine(BaseModel):
    alert_id: int
    campaign_id: str
    rule: str
    severity: str
    status: str
    summary: str
    first_seen: str
    last_seen: str
    notified_at: str | None
    resolved_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    snoozed_until: str | None


class AlertList(BaseModel):
    open: int = Field(description="Alerts listed that are not resolved yet (open, acknowledged, snoozed or muted).")
    alerts: list[AlertLine]


class RootCause(BaseModel):
    campaign_id: str
    cause: Cause
    errors_considered: int = Field(description="Failures counted once each (as the failure alert counts them).")
    counts: dict[str, int]
    evidence: list[str]
    advice: str


class ComplianceLine(BaseModel):
    product_id: str
    locale: str
    aspect_ratio: str
    check: str
    status: str
    evidence: str


class RefusalHit(BaseModel):
    field: str = Field(description="The brief's field the term is in, e.g. campaign_message or messages.de.")
    locale: str
    term: str
    rule: str
    source: str = Field(description="The rule file that lists the term.")


class Refusal(BaseModel):
    error: str
    hits: list[RefusalHit]


class ComplianceReport(BaseModel):
    campaign_id: str
    status: str = Field(description=CAMPAIGN_STATUS)
    variants_checked: int
    compliance_score: float | None = Field(
        description="Checks passed over the checks that applied (skipped ones left out); None when none applied."
    )
    by_check: dict[str, dict[str, int]] = Field(description="Per check, how many creatives ended in each status.")
    failing: list[ComplianceLine]
    warnings: int
    skipped: int = Field(description="Checks that did not apply to their creative (not defects).")
    refusal: Refusal | None = Field(default=None, description="What refused the campaign, when it was refused.")


class Submitted(BaseModel):
    job_id: str
    status: str
    campaign_id: str
    created: bool


Grouping = Literal["locale", "ratio", "product", "copy", "hero"]


class Performance(BaseModel):
    """What works in a campaign, from the results the ad platforms reported: per creative (each version that ran,
    by ad name) its numbers with 95% intervals and a badge (winner, underperformer, no clear difference, not enough
    data yet), per attribute each value against the others (pair by pair) with a verdict, and the rule that
    decided them."""

    campaign_id: str
    rule: dict[str, Any] = Field(description="The statistical rule and its thresholds, in words and as numbers.")
    currency: str | None = Field(description="The spend's currency; 'mixed' when rows differ (no spend is added).")
    period: dict[str, str | None]
    totals: dict[str, Any]
    creatives: list[dict[str, Any]]
    badges: dict[str, int] = Field(description="How many current creatives carry each badge.")
    attributes: dict[str, list[dict[str, Any]]]
    without_results: list[str] = Field(description="Ad names of current creatives no imported report mentions.")


class SignOffLine(BaseModel):
    product_id: str
    locale: str
    aspect_ratio: str
    status: Literal["approved", "rejected", "pending"]
    required: list[str] = Field(description="The roles that must sign it off (market:<locale> for its market).")
    pending: list[str] = Field(description="Those still to sign, for its current bytes.")
    comment: str = Field(description="A rejection's comment (or the latest approval's).")


class ApprovalState(BaseModel):
    """Where each creative's sign-off stands, counts by status, and every decision in order. People sign off;
    no tool approves."""

    campaign_id: str
    counts: dict[str, int]
    creatives: list[SignOffLine]
    decisions: list[dict[str, str]] = Field(description="The audit trail: at, creative, by, role, decision, sha256.")
