"""The edit/extend capability of the provider seam: offline for local, the vendors' edit calls for the others."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_ai.config import get_settings
from creative_ai.providers import GenerationRequest, get_provider
from tests.conftest import base_brief
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


def test_the_offline_extension_paints_no_ghost_of_the_product(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    """A wide product near the top of a wide photo, made square: the canvas grows above and below it. The grown
    area continues the photo's edge colours; a mirror would repeat the product there (a second red shape)."""
    photo = Image.new("RGB", (1600, 500), (245, 245, 242))
    ImageDraw.Draw(photo).rectangle((100, 12, 1500, 200), fill=(205, 25, 25))
    photo.save(workdir / "wide.jpg", quality=95)
    brief = base_brief(products=[{"id": "wide", "name": "Wide", "image": "wide.jpg"}], brand_colors=["#2E7D32"])
    summary = make_campaign(brief, output="out")
    assert summary.status == "succeeded"
    (variant,) = summary.variants
    sidecar = json.loads((workdir / variant.file_path).with_suffix(".json").read_text())
    assert sidecar["framing"]["extended"] is True and sidecar["framing"]["extension"] == "edge-blur"
    pixels = np.asarray(Image.open(workdir / variant.file_path).convert("RGB")).astype(int)
    red = ((pixels[..., 0] > 150) & (pixels[..., 1] < 90) & (pixels[..., 2] < 90)).astype(np.uint8)
    _count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(red)
    shapes = [s for s in stats[1:] if s[cv2.CC_STAT_AREA] > 2000]
    assert len(shapes) == 1, [list(s) for s in shapes]  # the product once, and no copy of it
