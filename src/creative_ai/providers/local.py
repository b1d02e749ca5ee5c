"""The ``local`` provider: offline, free, deterministic brand-palette art. It never claims to be AI."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from PIL import Image

from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.render.backdrop import draw_backdrop

if TYPE_CHECKING:
    from creative_ai.config import Settings

# The model name is part of every hero's cache key: a new drawing gets a new name, so heroes drawn by an older
# one are never reused. 2: no lettering, a look (mood, accent, layout) per product.
MODEL = "brand-art-2"
RETIRED = frozenset({"brand-art-1"})  # a stored selection of an older drawing runs the current one


class LocalProvider(ImageProvider):
    name = "local"
    models = (MODEL,)
    default_model = MODEL
    native_ratios = ("1x1", "9x16", "16x9", "4x5")
    generative = False

    def __init__(self, *, settings: Settings, model: str | None = None) -> None:
        super().__init__(settings=settings, model=MODEL if model in RETIRED else model)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        image = draw_backdrop(
            width=request.width,
            height=request.height,
            palette=list(request.palette),
            seed=request.seed,
            slot=request.slot,
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
