"""Helpers shared by the vendor providers: vendor-friendly sizes and exact-size PNG output."""

from __future__ import annotations

import io
import math

from PIL import Image, UnidentifiedImageError

from creative_ai.errors import BadResponse
from creative_ai.render.crop import cover_crop

GEMINI_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9")


def size_divisible_by(width: int, height: int, step: int = 16) -> tuple[int, int]:
    """The smallest size with both sides multiples of ``step`` that covers ``width``×``height``."""
    return (math.ceil(width / step) * step, math.ceil(height / step) * step)


def nearest_ratio(width: int, height: int, ratios: tuple[str, ...] = GEMINI_RATIOS) -> str:
    """The supported aspect ratio closest (in log space) to ``width``:``height``."""
    target = math.log(width / height)

    def distance(ratio: str) -> float:
        w, h = (int(x) for x in ratio.split(":"))
        return abs(math.log(w / h) - target)

    return min(ratios, key=distance)


def exact_png(data: bytes, width: int, height: int, *, vendor: str) -> bytes:
    """Decode a vendor image and return it cover-cropped to exactly ``width``×``height`` as PNG."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadResponse(f"{vendor} returned bytes that are not an image ({exc.__class__.__name__})") from exc
    rgb = image.convert("RGB")
    if rgb.size != (width, height):
        rgb = cover_crop(rgb, width, height)
    buffer = io.BytesIO()
    rgb.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def flatten_png(data: bytes) -> bytes:
    """The PNG without its alpha channel (the RGB under transparent pixels shows), for vendors that ignore masks."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode == "RGB":
        return data
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
