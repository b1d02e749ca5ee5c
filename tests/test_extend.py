"""The edit/extend capability of the provider seam: offline for local, the vendors' edit calls for the others."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from creative_ai.config import get_settings
from creative_ai.providers import GenerationRequest, get_provider
from tests.fake_vendor import FakeVendor


def _png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_local_extension_keeps_the_original_pixels_centred() -> None:
    provider = get_provider("local", settings=get_settings())
    assert provider.supports_edit
    result = provider.extend(_png((400, 400), (200, 30, 30)), GenerationRequest("p", width=1080, height=1920, seed=1))
    with Image.open(io.BytesIO(result.image)) as image:
        assert image.size == (1080, 1920)
        pixels = np.asarray(image.convert("RGB"))
    centre = pixels[960 - 400 : 960 + 400, 100:980]
    assert np.abs(centre.astype(int) - [200, 30, 30]).max() <= 2  # original scaled to the width, untouched in hue


@pytest.mark.parametrize("name", ["openai", "gemini"])
def test_vendor_extension_sends_the_image(name: str) -> None:
    with FakeVendor() as vendor:
        settings = get_settings(
            openai_api_key=vendor.openai_key,
            openai_base_url=f"{vendor.url}/v1",
            gemini_api_key=vendor.gemini_key,
            gemini_base_url=vendor.url,
        )
        provider = get_provider(name, settings=settings)
        source = _png((512, 512), (10, 120, 200))
        result = provider.extend(source, GenerationRequest("a mug", width=1920, height=1080, seed=2))
        with Image.open(io.BytesIO(result.image)) as image:
            assert image.size == (1920, 1080)
        (request,) = vendor.requests
        if name == "openai":
            assert request.path == "/v1/images/edits" and request.size == "1920x1088"
            assert request.body["image_bytes"] == len(source)
        else:
            parts = request.body["contents"][0]["parts"]
            assert any("inlineData" in part or "inline_data" in part for part in parts)
            assert request.size == "16:9"
