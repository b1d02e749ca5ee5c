"""The local provider: exact sizes, deterministic per seed, registered like any other provider."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from creative_ai.config import Settings
from creative_ai.errors import ProviderUnavailable
from creative_ai.providers import GenerationRequest, available_providers, get_provider


def _request(seed: int, width: int = 1080, height: int = 1920) -> GenerationRequest:
    return GenerationRequest(
        prompt="p", width=width, height=height, seed=seed, subject="Beach Towel", palette=("#FF6B35", "#004E89")
    )


def test_local_is_registered_and_deterministic() -> None:
    assert "local" in available_providers()
    provider = get_provider("local", settings=Settings())
    a = provider.generate(_request(7))
    b = provider.generate(_request(7))
    c = provider.generate(_request(8))
    assert a.image == b.image and a.image != c.image
    assert a.provider == "local" and a.cost_usd == 0.0
    with Image.open(io.BytesIO(a.image)) as image:
        assert image.size == (1080, 1920)
        pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    # Art, not a flat fill: the frame has visible tonal range.
    assert pixels.std() > 8


@pytest.mark.parametrize(("width", "height"), [(1080, 1080), (1920, 1080), (64, 64)])
def test_local_sizes(width: int, height: int) -> None:
    result = get_provider("local", settings=Settings()).generate(_request(1, width, height))
    with Image.open(io.BytesIO(result.image)) as image:
        assert image.size == (width, height)


def test_unknown_provider_and_model_are_named() -> None:
    with pytest.raises(ProviderUnavailable, match=r"unknown provider .nope.*local"):
        get_provider("nope", settings=Settings())
    with pytest.raises(ProviderUnavailable, match="no model 'x'"):
        get_provider("local", settings=Settings(), model="x")
