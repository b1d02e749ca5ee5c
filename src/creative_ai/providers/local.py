"""The ``local`` provider: offline, free, deterministic brand-palette art. It never claims to be AI."""

from __future__ import annotations

import io

from PIL import Image, ImageFilter

from creative_ai.errors import BadResponse
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.providers.local_art import draw_backdrop


class LocalProvider(ImageProvider):
    name = "local"
    models = ("brand-art-1",)
    default_model = "brand-art-1"
    native_ratios = ("1x1", "9x16", "16x9", "4x5")
    supports_edit = True

    def generate(self, request: GenerationRequest) -> GenerationResult:
        image = draw_backdrop(
            width=request.width,
            height=request.height,
            palette=list(request.palette),
            seed=request.seed,
            title=request.subject or None,
        )
        return self._result(image, request)

    def _result(self, image: Image.Image, request: GenerationRequest) -> GenerationResult:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return GenerationResult(
            image=buffer.getvalue(),
            width=request.width,
            height=request.height,
            provider=self.name,
            model=self.model,
            seed=request.seed,
        )

    def extend(self, image: bytes, request: GenerationRequest) -> GenerationResult:
        """Grow the canvas offline: the original, unscaled-in-proportion, centred on a blurred stretch of itself."""
        try:
            opened = Image.open(io.BytesIO(image))
            opened.load()
        except OSError as exc:
            raise BadResponse(f"cannot extend: the image does not decode ({exc})") from None
        source = opened.convert("RGB")
        scale = min(request.width / source.width, request.height / source.height)
        inner = source.resize(
            (max(1, round(source.width * scale)), max(1, round(source.height * scale))), Image.Resampling.LANCZOS
        )
        radius = max(8, min(request.width, request.height) // 24)
        canvas = source.resize((request.width, request.height), Image.Resampling.BILINEAR)
        canvas = canvas.filter(ImageFilter.GaussianBlur(radius))
        canvas.paste(inner, ((request.width - inner.width) // 2, (request.height - inner.height) // 2))
        return self._result(canvas, request)
