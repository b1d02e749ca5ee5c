"""The ``gemini`` provider: google-genai ``generate_content`` with a native aspect ratio per orientation.

The key travels in the ``x-goog-api-key`` header (the SDK's way), never in a URL. The SDK is imported when the first
call is made, not when the provider is looked up or built.
"""

from __future__ import annotations

import importlib
import threading
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

import httpx2

from creative_ai.errors import (
    BadResponse,
    ContentRefused,
    GenerationFailed,
    ProviderAuthError,
    RateLimited,
    TransientProviderError,
)
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.providers._images import exact_png, flatten_png, nearest_ratio
from creative_ai.providers.prices import estimate_usd

if TYPE_CHECKING:
    from google.genai import errors as genai_errors

    from creative_ai.config import Settings

BLOCKED = {
    "SAFETY",
    "PROHIBITED_CONTENT",
    "IMAGE_SAFETY",
    "BLOCKLIST",
    "SPII",
    "RECITATION",
    "IMAGE_PROHIBITED_CONTENT",
}


@cache
def sdk() -> Any:
    """``genai``, its ``errors`` and ``types``, imported on first use."""
    return SimpleNamespace(
        genai=importlib.import_module("google.genai"),
        errors=importlib.import_module("google.genai.errors"),
        types=importlib.import_module("google.genai.types"),
    )


def _retry_after(exc: genai_errors.APIError) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def map_error(exc: Exception) -> Exception:
    """One of our errors for an SDK or transport error; vendor text about keys is never repeated."""
    if isinstance(exc, sdk().errors.APIError):
        code = exc.code or 0
        status = str(exc.status or "")
        if code in (401, 403) or (code == 400 and "API_KEY" in str(exc.details).upper()):
            return ProviderAuthError(
                f"Gemini refused the API key (HTTP {code}); set a valid GEMINI_API_KEY (or GOOGLE_API_KEY) "
                "or use --provider local"
            )
        if code == 429:
            return RateLimited("Gemini rate limit (HTTP 429)", retry_after=_retry_after(exc))
        if code >= 500:
            return TransientProviderError(f"Gemini server error (HTTP {code})")
        return GenerationFailed(f"Gemini rejected the request (HTTP {code} {status})".rstrip())
    if isinstance(exc, httpx2.TimeoutException):
        return TransientProviderError("Gemini did not answer in time")
    if isinstance(exc, httpx2.TransportError):
        return TransientProviderError("cannot reach the Gemini API")
    if isinstance(exc, ValueError):
        return BadResponse("Gemini answered with a malformed response")
    return exc


class GeminiProvider(ImageProvider):
    name = "gemini"
    models: ClassVar[tuple[str, ...]] = ()
    default_model = ""
    native_ratios = ("1x1", "9x16", "16x9")
    supports_edit = True
    needs_key = True

    def __init__(self, *, settings: Settings, model: str | None = None) -> None:
        super().__init__(settings=settings, model=model)
        assert settings.gemini_api_key is not None  # is_available() guards construction
        self._made: Any = None
        self._making = threading.Lock()  # heroes are asked for from several threads: one client for all

    @property
    def _client(self) -> Any:
        """The SDK client, made on the first call."""
        with self._making:
            if self._made is None:
                key, lib = self.settings.gemini_api_key, sdk()
                assert key is not None
                options = lib.types.HttpOptions(timeout=int(self.settings.request_timeout * 1000))
                if self.settings.gemini_base_url:
                    options.base_url = self.settings.gemini_base_url
                self._made = lib.genai.Client(api_key=key.get_secret_value(), http_options=options)
        return self._made

    @classmethod
    def known_models(cls, settings: Settings) -> tuple[str, ...]:
        return settings.gemini_models

    @classmethod
    def default_model_for(cls, settings: Settings) -> str:
        return settings.gemini_model

    @classmethod
    def is_available(cls, settings: Settings) -> tuple[bool, str]:
        if settings.gemini_api_key is None or not settings.gemini_api_key.get_secret_value():
            return False, "no Gemini key: set GEMINI_API_KEY (or GOOGLE_API_KEY) or use --provider local"
        return True, "key set"

    def _call(self, contents: Any, request: GenerationRequest) -> GenerationResult:
        ratio = nearest_ratio(request.width, request.height)
        lib = sdk()
        types = lib.types
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=ratio),
            seed=request.seed,
        )
        try:
            response = self._client.models.generate_content(model=self.model, contents=contents, config=config)
        except (lib.errors.APIError, httpx2.HTTPError, ValueError) as exc:
            raise map_error(exc) from None  # the SDK's error can carry the request and its x-goog-api-key header
        return self._result(response, request)

    def _result(self, response: Any, request: GenerationRequest) -> GenerationResult:
        feedback = getattr(response, "prompt_feedback", None)
        if feedback is not None and getattr(feedback, "block_reason", None):
            reason = getattr(feedback.block_reason, "value", feedback.block_reason)
            raise ContentRefused(f"Gemini refused the prompt ({reason})")
        candidates = getattr(response, "candidates", None) or []
        for candidate in candidates:
            for part in getattr(getattr(candidate, "content", None), "parts", None) or []:
                inline = getattr(part, "inline_data", None)
                if inline is not None and inline.data:
                    return GenerationResult(
                        image=exact_png(inline.data, request.width, request.height, vendor="Gemini"),
                        width=request.width,
                        height=request.height,
                        provider=self.name,
                        model=self.model,
                        seed=request.seed,
                        # Gemini returns ~1 megapixel whatever the ratio; it is priced per such image.
                        cost_usd=estimate_usd(self.name, self.model, 1024, 1024),
                    )
        reasons = {str(getattr(c, "finish_reason", "") or "").split(".")[-1] for c in candidates}
        if reasons & BLOCKED:
            raise ContentRefused(f"Gemini refused the prompt ({', '.join(sorted(reasons & BLOCKED))})")
        raise BadResponse("Gemini answered without an image (no inline_data part)")

    def generate(self, request: GenerationRequest) -> GenerationResult:
        return self._call(request.prompt, request)

    def extend(self, image: bytes, request: GenerationRequest) -> GenerationResult:
        contents = [
            sdk().types.Part.from_bytes(data=flatten_png(image), mime_type="image/png"),
            "The sharp rectangle is a photograph; the blurred margins around it are a placeholder. Repaint the "
            "margins as a seamless, sharp continuation of the photograph; keep the photograph and the product "
            f"unchanged; no text, no logos. {request.prompt}",
        ]
        return self._call(contents, request)
