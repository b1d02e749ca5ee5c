"""Packshot staging: a cut-out product set on brand art with a soft contact shadow."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter


def place_packshot(
    backdrop: Image.Image, packshot: Image.Image, *, region: tuple[int, int, int, int], fill: float
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """Composite an RGBA packshot into ``region`` with a soft contact shadow; returns the image and its box.

    The packshot fills ``fill`` of the region's height (never more than 90% of its width), centred and resting
    on the region's lower part.
    """
    left, top, right, bottom = region
    rw, rh = max(1, right - left), max(1, bottom - top)
    shot = packshot.convert("RGBA")
    bbox = shot.getchannel("A").getbbox() or (0, 0, shot.width, shot.height)
    shot = shot.crop(bbox)
    scale = min(fill * rh / shot.height, 0.9 * rw / shot.width)
    w, h = max(1, round(shot.width * scale)), max(1, round(shot.height * scale))
    shot = shot.resize((w, h), Image.Resampling.LANCZOS)
    x = left + (rw - w) // 2
    y = top + (rh - h) // 2 + round(rh * (1 - fill) * 0.35)
    out = backdrop.copy()
    # Contact shadow: a flattened, blurred ellipse under the product's base.
    sw_, sh_ = max(2, int(w * 1.05)), max(2, int(h * 0.08) + 4)
    pad = max(4, sh_)
    shadow = Image.new("L", (sw_ + 2 * pad, sh_ + 2 * pad), 0)
    ImageDraw.Draw(shadow).ellipse((pad, pad, pad + sw_, pad + sh_), fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(pad / 2))
    out.paste((0, 0, 0), (x + (w - sw_) // 2 - pad, y + h - sh_ // 2 - pad), shadow)
    out.paste(shot, (x, y), shot)
    return out, (x, y, x + w, y + h)
