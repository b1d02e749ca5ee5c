"""The ``local`` provider: offline, free, deterministic brand-palette art. It never claims to be AI."""

from __future__ import annotations

import io

from PIL import Image

from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.render.backdrop import draw_backdrop


class LocalProvider(ImageProvider):
    name = "local"
    models = ("brand-art-1",)
    default_model = "brand-art-1"
    native_ratios = ("1x1", "9x16", "16x9", "4x5")
    generative = False

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
