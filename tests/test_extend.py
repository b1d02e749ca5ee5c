"""The edit/extend capability of the provider seam: offline for local, the vendors' edit calls for the others."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from creative_ai.config import get_settings
from creative_ai.providers import GenerationRequest, get_provider
from tests.fake_vendor import FakeVendor


def _png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_local_provider_does_not_claim_to_edit() -> None:
    provider = get_provider("local", settings=get_settings())
    assert not provider.supports_edit  # framing then extends offline, and says so


def _canvas(size: tuple[int, int], inner: tuple[int, int, int, int]) -> bytes:
    """An outpainting canvas: a blurred-looking sketch everywhere, opaque only inside ``inner``."""
    image = Image.new("RGBA", size, (90, 90, 90, 0))
    image.paste((10, 120, 200, 255), inner)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


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
        source = _canvas((1920, 1080), (660, 0, 1260, 1080))
        result = provider.extend(source, GenerationRequest("a mug", width=1920, height=1080, seed=2))
        with Image.open(io.BytesIO(result.image)) as image:
            assert image.size == (1920, 1080)
        (request,) = vendor.requests
        if name == "openai":
            assert request.path == "/v1/images/edits" and request.size == "1920x1088"
            assert request.body["image_bytes"] == len(source)
            assert request.body["files"] == ["image", "mask"]  # the mask's transparent pixels mark what to paint
            assert request.body["mask_transparent_share"] == pytest.approx(1 - 600 / 1920, abs=0.001)
        else:
            parts = request.body["contents"][0]["parts"]
            inline = [part.get("inlineData") or part.get("inline_data") for part in parts]
            (sent,) = [i for i in inline if i]
            with Image.open(
                io.BytesIO(base64.urlsafe_b64decode(sent["data"] + "=" * (-len(sent["data"]) % 4)))
            ) as image:
                assert image.mode == "RGB"  # flattened: the sketch in the margins shows, nothing is black
                assert image.getpixel((10, 10)) == (90, 90, 90)
            assert request.size == "16:9"


def test_openai_edit_refuses_a_mask_of_another_size() -> None:
    """The fake checks what the real endpoint checks, so a wrong mask cannot pass unnoticed."""
    from tests.fake_vendor import _edit_problem

    wrong = _png((100, 100), (0, 0, 0))
    assert _edit_problem({"image": _canvas((200, 100), (0, 0, 50, 100)), "mask": wrong}) is not None
    assert (
        _edit_problem({"image": _canvas((200, 100), (0, 0, 50, 100)), "mask": _canvas((200, 100), (0, 0, 50, 100))})
        is None
    )
