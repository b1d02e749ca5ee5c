"""The ``openai`` provider: the official SDK's Images API. Sizes divisible by 16, then cropped to the exact size.

The SDK is imported when the first call is made, not when the provider is looked up or built: a rerun that reuses
every hero never pays for importing it."""

from __future__ import annotations

import base64
import binascii
import importlib
import threading
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from creative_ai.errors import (
    BadResponse,
    ContentRefused,
    GenerationFailed,
    ProviderAuthError,
    RateLimited,
    TransientProviderError,
)
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.providers._images import exact_png, size_divisible_by
from creative_ai.providers.prices import estimate_usd

if TYPE_CHECKING:
    import openai

    from creative_ai.config import Settings

REFUSAL_CODES = {"moderation_blocked", "content_policy_violation", "content_filter"}


@cache
def sdk() -> Any:
    """The ``openai`` package, imported on first use."""
    return importlib.import_module("openai")


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _code(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    return str(error.get("code") or error.get("type") or "") if isinstance(error, dict) else ""


def map_error(exc: Exception) -> Exception:
    """One of our errors for an SDK error. Messages never quote the vendor's text for auth failures (it can
    echo part of the key)."""
    openai = sdk()
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderAuthError(
            f"OpenAI refused the API key (HTTP {exc.status_code}); set a valid OPENAI_API_KEY or use --provider local"
        )
    if isinstance(exc, openai.RateLimitError):
        if _code(exc) == "insufficient_quota":
            return GenerationFailed("OpenAI quota exhausted (HTTP 429 insufficient_quota); check the account's billing")
        return RateLimited("OpenAI rate limit (HTTP 429)", retry_after=_retry_after(exc))
    if isinstance(exc, openai.APITimeoutError):
        return TransientProviderError("OpenAI did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return TransientProviderError("cannot reach the OpenAI API")
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return TransientProviderError(f"OpenAI server error (HTTP {exc.status_code})")
        if _code(exc) in REFUSAL_CODES:
            return ContentRefused(f"OpenAI refused the prompt ({_code(exc)})")
        return GenerationFailed(f"OpenAI rejected the request (HTTP {exc.status_code} {_code(exc)})".rstrip())
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        return BadResponse("OpenAI answered with a malformed response")
    return exc


class OpenAIProvider(ImageProvider):
    name = "openai"
    models: ClassVar[tuple[str, ...]] = ()
    default_model = ""
    native_ratios = ("1x1", "9x16", "16x9", "4x5")
    supports_edit = True
    needs_key = True

    def __init__(self, *, settings: Settings, model: str | None = None) -> None:
        super().__init__(settings=settings, model=model)
        assert settings.openai_api_key is not None  # is_available() guards construction
        self._made: Any = None
        self._making = threading.Lock()  # heroes are asked for from several threads: one client for all

    @property
    def _client(self) -> openai.OpenAI:
        """The SDK client, made on the first call."""
        with self._making:
            if self._made is None:
                key = self.settings.openai_api_key
                assert key is not None
                self._made = sdk().OpenAI(
                    api_key=key.get_secret_value(),
                    base_url=self.settings.openai_base_url,
                    max_retries=0,
                    timeout=self.settings.request_timeout,
                )
        return self._made  # type: ignore[no-any-return]

    @classmethod
    def known_models(cls, settings: Settings) -> tuple[str, ...]:
        return settings.openai_models

    @classmethod
    def default_model_for(cls, settings: Settings) -> str:
        return settings.openai_model

    @classmethod
    def is_available(cls, settings: Settings) -> tuple[bool, str]:
        if settings.openai_api_key is None or not settings.openai_api_key.get_secret_value():
            return False, "no OpenAI key: set OPENAI_API_KEY or use --provider local"
        return True, "key set"

    def _result(self, response: Any, request: GenerationRequest, size: tuple[int, int]) -> GenerationResult:
        data = getattr(response, "data", None) or []
        b64 = getattr(data[0], "b64_json", None) if data else None
        if not b64:
            raise BadResponse("OpenAI answered without image data (data[0].b64_json)")
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadResponse("OpenAI image data is not valid base64") from exc
        return GenerationResult(
            image=exact_png(raw, request.width, request.height, vendor="OpenAI"),
            width=request.width,
            height=request.height,
            provider=self.name,
            model=self.model,
            seed=request.seed,
            cost_usd=estimate_usd(self.name, self.model, *size),
        )

    def generate(self, request: GenerationRequest) -> GenerationResult:
        size = size_divisible_by(request.width, request.height)
        client, openai = self._client, sdk()
        try:
            response = client.images.generate(
                model=self.model,
                prompt=request.prompt,
                size=f"{size[0]}x{size[1]}",
                quality=self.settings.openai_quality,
                n=1,
                output_format="png",
            )
        except (openai.OpenAIError, ValueError) as exc:
            raise map_error(exc) from None  # the SDK's error can carry the request and its Authorization header
        return self._result(response, request, size)

    def extend(self, image: bytes, request: GenerationRequest) -> GenerationResult:
        size = size_divisible_by(request.width, request.height)
        client, openai = self._client, sdk()
        try:
            response = client.images.edit(
                model=self.model,
                image=("canvas.png", image, "image/png"),
                mask=("mask.png", image, "image/png"),  # its transparent pixels are the ones to paint
                prompt=(
                    "Paint the transparent area as a seamless continuation of the picture; leave the product and "
                    f"everything already visible unchanged; no text, no logos. {request.prompt}"
                ),
                size=f"{size[0]}x{size[1]}",
                n=1,
            )
        except (openai.OpenAIError, ValueError) as exc:
            raise map_error(exc) from None  # the SDK's error can carry the request and its Authorization header
        return self._result(response, request, size)
