"""Settings: the only module that reads the environment (prefix ``CREATIVE_AI_``, ``.env`` supported)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from creative_ai.choices import HeroStrategy as HeroStrategy
from creative_ai.choices import ImageFormat as ImageFormat
from creative_ai.errors import ConfigurationError


class Settings(BaseSettings):
    """Every knob of creative-ai, validated once at start and passed down explicitly."""

    model_config = SettingsConfigDict(
        env_prefix="CREATIVE_AI_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    output_dir: Path = Field(default=Path("outputs"), description="Root folder of the creatives.")
    database_url: str = Field(default="sqlite:///creative_ai.db", description="SQLAlchemy URL.")
    assets_dir: Path = Field(default=Path("assets"), description="Holds products/<product_id>.<ext>.")
    provider: str = Field(default="local", description="Image provider used when none is given.")
    model: str | None = Field(default=None, description="Provider model; the provider's default if unset.")
    image_format: ImageFormat = Field(default="png", description="Encoding of the creatives.")
    png_compress_level: int = Field(default=1, ge=0, le=9)
    jpeg_quality: int = Field(default=90, ge=1, le=100)
    webp_quality: int = Field(default=85, ge=1, le=100)
    hero_strategy: HeroStrategy = "per-orientation"
    outpaint: bool = Field(
        default=True,
        description="When framing extends a canvas, let an edit-capable provider of the chain paint the new area "
        "(one paid call per distinct canvas, kept and reused); else the offline edge-blur extension is used.",
    )
    max_cost: float | None = Field(
        default=None,
        ge=0,
        description="Spend cap in USD (0: no paid call at all): a run whose estimate (heroes and outpaint "
        "fills) is over it is refused before any provider call.",
    )
    max_image_pixels: int = Field(default=50_000_000, gt=0, description="Input images with more pixels are refused.")

    # Generation: concurrency, retries, timeouts (all providers).
    concurrency: int = Field(default=4, ge=1, le=64, description="Provider calls in flight across a campaign.")
    max_attempts: int = Field(default=4, ge=1, le=10, description="Tries per call for 429 / 5xx / timeouts.")
    retry_base_delay: float = Field(default=1.0, ge=0, description="First backoff in seconds (doubles each try).")
    retry_max_delay: float = Field(default=60.0, ge=0, description="Longest single wait, Retry-After included.")
    request_timeout: float = Field(default=120.0, gt=0, description="Seconds per provider call.")
    generation_lease: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a run's claim on a hero or fill it is paying for lasts unless renewed (it renews it "
        "every third of that while it works); a concurrent run that needs the same picture waits and reuses it.",
    )

    # Jobs: a Redis URL turns on Celery workers; without one, jobs run inside the serving process.
    broker_url: str | None = Field(default=None, description="e.g. redis://127.0.0.1:6379/0")
    fan_out: bool = Field(
        default=True, description="Split a job with several products into one part per product, run by any worker."
    )
    job_visibility_timeout: int = Field(
        default=120,
        ge=1,
        description="Seconds before an unacknowledged job (its worker died) is delivered again; a part whose "
        "worker stopped beating is taken over after half of it, and work the broker lost is sent again after it.",
    )
    reconcile_interval: float = Field(
        default=15.0, gt=0, description="Seconds between two looks for work the broker lost or never got."
    )

    # Storage: the output folder by default; an S3-compatible bucket with CREATIVE_AI_STORE_URL=s3://bucket/prefix.
    store_url: str | None = Field(default=None, description="s3://bucket[/prefix] to store creatives in a bucket.")
    s3_endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint (MinIO, moto, …).")

    # HTTP API.
    api_key: SecretStr | None = Field(default=None, description="X-API-Key required on data and mutating routes.")
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="Largest request body the API accepts.")
    api_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Threads per API process for the routes' database and broker calls (more threads contend "
        "for the interpreter: on 2 cores, 4 served 1.6× the requests of 40). Whole campaign runs have their own.",
    )
    gallery_session_seconds: int = Field(
        default=8 * 3600, gt=0, le=30 * 86400, description="How long a review-gallery sign-in lasts."
    )

    # OpenAI Images API.
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CREATIVE_AI_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CREATIVE_AI_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_models: tuple[str, ...] = ("gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2", "gpt-image-1.5")
    openai_model: str = "gpt-image-2.5-flare"
    openai_quality: Literal["low", "medium", "high", "auto"] = "medium"

    # Gemini (google-genai).
    gemini_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "CREATIVE_AI_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_AI_API_KEY"
        ),
    )
    gemini_base_url: str | None = Field(default=None, validation_alias=AliasChoices("CREATIVE_AI_GEMINI_BASE_URL"))
    gemini_models: tuple[str, ...] = ("gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-2.5-flash-image")
    gemini_model: str = "gemini-3.1-flash-image"

    # People: how long a token made by `creative-ai users token` lasts.
    user_token_days: int = Field(default=90, ge=1, le=730, description="Days a person's API token lasts.")

    # Results from the ad platforms (Meta Marketing API Insights, through the facebook-business SDK).
    meta_access_token: SecretStr | None = Field(
        default=None, description="Meta Marketing API token for `results pull --from meta` (ads_read)."
    )
    meta_ad_account: str | None = Field(default=None, description="The ad account to read, e.g. act_1234567890.")
    meta_graph_url: str | None = Field(
        default=None, description="Another Graph API address (a proxy); default https://graph.facebook.com."
    )
    results_min_impressions: int = Field(
        default=1000, ge=1, description="Impressions each side needs before a CTR difference is called."
    )
    results_min_clicks: int = Field(default=20, ge=1, description="Clicks each side needs before a CVR one is.")
    results_alpha: float = Field(
        default=0.05, gt=0, lt=1, description="A difference counts when its Holm-adjusted p-value is below this."
    )

    # Checks: which failed checks fail the creative, and the brand-colour thresholds.
    blocking_checks: list[str] = Field(
        default_factory=lambda: ["legal", "legibility", "logo_placement", "logo", "framing"],
        description="Checks whose failure fails the creative (others are recorded and scored).",
    )
    brand_max_delta_e: float = Field(default=20.0, gt=0, description="CIEDE2000 distance that counts as on-brand.")
    brand_min_share: float = Field(default=0.15, ge=0, le=1, description="Share of the picture near a brand colour.")

    # Machine translation of copy a brief does not give for a locale.
    translator: Literal["none", "openai"] = Field(
        default="none", description="openai: translate missing copy (marked machine_translated); none: flag it."
    )
    translator_model: str = Field(default="gpt-5.2-mini", description="Model that translates copy.")

    # MCP server.
    mcp_token: SecretStr | None = Field(
        default=None, description="Bearer token the MCP server requires over HTTP (required off loopback)."
    )
    mcp_actions: bool = Field(default=False, description="Expose the action tools submit_brief and rerun_campaign.")

    # Monitoring agent.
    agent_interval: float = Field(default=60.0, gt=0, description="Seconds between two agent passes.")
    agent_inbox: Path = Field(default=Path("inbox"), description="Folder the agent watches for new briefs.")
    agent_cooldown: float = Field(default=3600.0, ge=0, description="Seconds before an open alert is sent again.")
    agent_digest_interval: float = Field(
        default=86400.0, ge=0, description="Seconds between two digests of info alerts (notes are never sent alone)."
    )
    agent_min_distinct: int = Field(default=3, ge=1, description="Fewer distinct variants per product alerts.")
    agent_burst_errors: int = Field(default=5, ge=1, description="More errors than this within the window alert.")
    agent_burst_window: float = Field(default=900.0, gt=0, description="Seconds of the failure-burst window.")
    agent_job_sla: float = Field(default=1800.0, gt=0, description="A job running longer than this is stalled.")
    agent_signoff_sla: float = Field(
        default=86400.0,
        gt=0,
        description="Seconds a creative may wait for a sign-off before its reviewers are reminded.",
    )
    agent_duplicate_distance: int = Field(
        default=12, ge=0, le=256, description="Perceptual-hash distance (of 256 bits) at which creatives look alike."
    )
    agent_llm: Literal["auto", "openai", "template"] = Field(
        default="auto",
        description="Who drafts alerts: the OpenAI Responses API when a key is set (auto), or templates.",
    )
    agent_llm_model: str = Field(default="gpt-5.2-mini", description="Model that drafts alerts and e-mails.")
    agent_llm_max_turns: int = Field(default=8, ge=1, le=32, description="Tool-calling rounds per draft.")
    agent_lease: float | None = Field(
        default=None,
        gt=0,
        description="Seconds the leading agent's lease lasts unless renewed (it renews at every pass and before "
        "each alert it sends); another agent takes over once it lapses. Default: 3 × the interval, at least 30.",
    )
    public_url: str | None = Field(
        default=None,
        description="Public base URL of the service (e.g. https://creatives.example.com): alerts and e-mails link "
        "to its review gallery at <url>/gallery/<campaign>. Unset: they give the gallery file under output_dir.",
    )
    agent_contact_name: str | None = Field(
        default=None, description="Person named in stakeholder e-mails as the owner to contact about a campaign."
    )
    agent_contact_email: str | None = Field(
        default=None, description="E-mail address given with agent_contact_name in stakeholder e-mails."
    )

    # Alert delivery.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "creative-ai@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    alert_email_to: list[str] = Field(default_factory=list, description="Default alert recipients.")
    legal_email_to: list[str] = Field(default_factory=list, description="Recipients of compliance alerts.")
    it_email_to: list[str] = Field(default_factory=list, description="Recipients of provider alerts.")
    slack_webhook_url: SecretStr | None = Field(default=None, description="Slack incoming webhook for alerts.")
    delivery_attempts: int = Field(default=3, ge=1, le=10)
    delivery_retry_delay: float = Field(default=0.5, ge=0)
    delivery_backoff: float | None = Field(
        default=None,
        gt=0,
        description="Seconds before a channel that refused an alert is tried again by a later pass, doubled after "
        "each failed pass. Default: the agent interval (the next pass).",
    )
    delivery_backoff_max: float = Field(
        default=3600.0, gt=0, description="The longest wait between two passes' tries of a channel."
    )

    @field_validator("database_url")
    @classmethod
    def _url_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


def get_settings(**overrides: object) -> Settings:
    """Build the settings from the environment plus explicit overrides; bad values raise ConfigurationError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"CREATIVE_AI_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from exc
