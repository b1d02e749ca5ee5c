"""What the API answers, as schemas: each JSON answer's model (in the order its keys are sent), the error bodies,
the declared error answers per route, and the brief's request body."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from creative_ai.brief import CampaignBrief
from creative_ai.records import CAMPAIGN_STATUS

# A number sent as it was computed: an integer stays an integer (no 60 -> 60.0).
Number = Annotated[int | float, WithJsonSchema({"type": "number"})]
Responses = dict[int | str, dict[str, Any]]


class _Answer(BaseModel):
    """An answer's keys are exactly its fields: a key the route sends and the schema lacks is a bug, not a drop."""

    model_config = ConfigDict(extra="forbid")


# -- errors ------------------------------------------------------------------------------------------------------


class ErrorMessage(_Answer):
    detail: str = Field(examples=["no campaign 'summer-splash-eu-2025'"])


class FieldProblem(BaseModel):
    """One problem: ``loc`` is the field's path in a brief (``products[0].id``), a list for a bad parameter."""

    model_config = ConfigDict(extra="allow")

    loc: str | list[str | int]
    msg: str


class FieldErrors(_Answer):
    detail: list[FieldProblem]


# -- system ------------------------------------------------------------------------------------------------------


Reachable = Literal["up", "down"]


class HealthDetail(_Answer):
    """What each dependency is, or why it failed (only with a valid X-API-Key)."""

    database: str = Field(examples=["postgresql", "sqlite", "OperationalError"])
    broker: str = Field(examples=["redis", "in-process jobs (no broker configured)"])


class HealthStatus(_Answer):
    status: Literal["ok", "degraded", "down"] = Field(
        description="ok: every dependency up (200); degraded: some down, down: all down (503)."
    )
    database: Reachable
    broker: Reachable
    detail: HealthDetail | None = Field(description="Given only to a request with a valid X-API-Key.")


class ModelSelection(_Answer):
    provider: str = Field(examples=["local", "openai,local"])
    model: str | None
    source: str = Field(description="Where the choice comes from: flag, database or settings.")


class AgentStatus(_Answer):
    status: Literal["running", "stale", "stopped", "not_running"]
    last_heartbeat: str | None = Field(description="UTC time of the last beat (ISO 8601).")
    interval_s: Number | None
    drafter: str | None
    watching: int
    open_alerts: int
    open_alerts_by_severity: dict[str, int]


# -- campaigns ---------------------------------------------------------------------------------------------------


class VariantReport(BaseModel):
    """One creative of a run (``VariantOutcome``)."""

    model_config = ConfigDict(extra="allow")

    product_id: str
    locale: str
    aspect_ratio: str
    status: Literal["ok", "failed"]
    reason: str | None
    file_path: str | None
    reused: bool
    rendered: bool = False
    sidecar_path: str | None = None
    checks: list[dict[str, Any]] = Field(default_factory=list)
    needs_translation: bool = False
    machine_translated: bool = False
    hero: str | None = None


class RunReport(BaseModel):
    """A run's ``RunSummary``: every creative of the run accounted for; ``campaign_*`` count the whole campaign it
    published (every variant of the brief, made by this run or an earlier one) and ``removed`` names the creatives
    deleted because the brief no longer has them (``product/locale/ratio``). ``heroes_fallback`` counts the heroes
    a provider after the chain's first made, ``heroes_placeholder`` those of them that are offline art standing in
    for an image model's picture (the run is then ``partial``)."""

    model_config = ConfigDict(extra="allow")

    campaign_id: str
    status: Literal["succeeded", "partial", "failed"]
    variants_total: int
    variants_ok: int
    variants_failed: int
    heroes_generated: int
    heroes_reused: int
    provider_calls: int
    cost_estimate_usd: Number
    duration_s: Number
    output_dir: str
    provider: str
    model: str
    manifest_path: str | None
    gallery_path: str | None
    variants: list[VariantReport] = Field(default_factory=list)
    campaign_status: Literal["succeeded", "partial", "failed"] | None = None
    campaign_variants_total: int | None = None
    campaign_variants_ok: int | None = None
    campaign_variants_not_made: int | None = None
    removed: list[str] = Field(default_factory=list)
    heroes_fallback: int = 0
    heroes_placeholder: int = 0


class BlockedVariant(_Answer):
    variant: str
    product_id: str
    locale: str
    aspect_ratio: str
    reason: str


class BriefCheck(_Answer):
    valid: bool
    campaign_id: str
    variants_total: int
    blocked: list[BlockedVariant]


class CampaignOverview(_Answer):
    campaign_id: str
    name: str | None
    status: str = Field(description=CAMPAIGN_STATUS)
    target_market: str
    updated_at: str = Field(description="UTC time (ISO 8601).")


class VariantRecord(_Answer):
    product_id: str
    locale: str
    aspect_ratio: str
    status: str
    reason: str | None
    file_path: str | None
    sha256: str | None
    reused: bool
    checks: list[dict[str, Any]]


class CampaignDetail(CampaignOverview):
    variants: list[VariantRecord]


# -- jobs --------------------------------------------------------------------------------------------------------


class JobAccepted(_Answer):
    job_id: str
    status: str = Field(description="queued, or the status of the job an Idempotency-Key already named.")


class Progress(_Answer):
    done: int
    total: int


class VariantError(_Answer):
    product_id: str | None
    locale: str | None
    aspect_ratio: str | None
    reason: str | None


class JobPartStatus(_Answer):
    product_id: str
    status: str = Field(description="queued, running, done or failed.")
    worker: str | None
    attempts: int
    progress: Progress
    error: str | None


class JobStatus(_Answer):
    job_id: str
    campaign_id: str
    status: str = Field(description="queued, running, succeeded, partial or failed.")
    progress: Progress
    errors: list[VariantError]
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    parts: list[JobPartStatus]
    summary: RunReport | None


# -- declared error answers --------------------------------------------------------------------------------------

UNAUTHORIZED: Responses = {401: {"model": ErrorMessage, "description": "Missing or wrong X-API-Key."}}
NOT_FOUND: Responses = {404: {"model": ErrorMessage, "description": "Not found."}}
TOO_LARGE: Responses = {413: {"model": ErrorMessage, "description": "Request body over the size limit."}}
BAD_BRIEF: Responses = {
    **TOO_LARGE,
    422: {
        "model": FieldErrors | ErrorMessage,
        "description": "A bad brief: each field named (or an asset path outside the assets folder).",
    },
}
BYTES: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}


def as_json(responses: Responses) -> Responses:
    """``responses`` with their models referenced as JSON content, for a route whose own answer is not JSON
    (FastAPI would list the models under the route's media type). The models are components through the routes
    that answer with them."""
    return {
        status: {
            "description": spec["description"],
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{spec['model'].__name__}"}}},
        }
        for status, spec in responses.items()
    }


# -- the brief body ----------------------------------------------------------------------------------------------

EXAMPLE_BRIEF: dict[str, Any] = {
    "campaign_id": "summer-splash-eu-2025",
    "products": [
        {
            "id": "prod_beach_towel_001",
            "name": "Premium Beach Towel",
            "description": "Luxurious oversized beach towel with vibrant patterns",
        },
        {
            "id": "prod_sunscreen_spf50",
            "name": "Ultra Protection Sunscreen SPF 50",
            "description": "Dermatologist-tested sunscreen for all skin types",
        },
        {
            "id": "prod_water_bottle_003",
            "name": "Insulated Water Bottle",
            "description": "Keeps drinks ice-cold for 24 hours at the beach",
        },
    ],
    "target_market": "EU",
    "target_audience": "Active families aged 25-45",
    "campaign_message": "Make Waves This Summer!",
    "brand_colors": ["#FF6B35", "#004E89", "#F4F4F4"],
    "locale": "en",
}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``#/$defs/...`` reference replaced by its definition (the brief has no cycles)."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    rest = {k: _inline(v, defs) for k, v in node.items() if k not in ("$ref", "$defs")}
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**_inline(defs[ref.removeprefix("#/$defs/")], defs), **rest}
    return rest


def brief_body(*, example: bool = False) -> dict[str, Any]:
    """``openapi_extra`` for a route reading a brief itself: the CampaignBrief schema as its request body."""
    full = CampaignBrief.model_json_schema()
    schema = _inline(full, full.get("$defs", {}))
    schema["description"] = "A campaign brief (SPEC §1)."
    media: dict[str, Any] = {"schema": schema}
    if example:
        media["examples"] = {"multi_product": {"summary": "Three products, EU", "value": EXAMPLE_BRIEF}}
    return {"requestBody": {"required": True, "content": {"application/json": media}}}
