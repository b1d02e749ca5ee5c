"""Real vendor calls; opt-in with ``-m live`` and skipped when the key is not set (they cost money)."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from creative_ai.config import get_settings
from creative_ai.providers import GenerationRequest, get_provider

pytestmark = pytest.mark.live


@pytest.mark.parametrize(
    ("name", "variables"), [("openai", ["OPENAI_API_KEY"]), ("gemini", ["GEMINI_API_KEY", "GOOGLE_API_KEY"])]
)
def test_live_generation(name: str, variables: list[str]) -> None:
    if not any(os.environ.get(v) for v in variables):
        pytest.skip(f"set {' or '.join(variables)} to run the live {name} test")
    provider = get_provider(name, settings=get_settings())
    result = provider.generate(
        GenerationRequest(prompt="A calm studio photo of a blue ceramic mug, no text", width=1080, height=1920, seed=1)
    )
    with Image.open(io.BytesIO(result.image)) as image:
        assert image.size == (1080, 1920)
