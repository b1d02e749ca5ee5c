"""Crop a hero to a placement: cover-scale, then cut around a focal point."""

from __future__ import annotations

from PIL import Image


def crop_box_for(
    src_w: int, src_h: int, dst_w: int, dst_h: int, *, focal: tuple[float, float] = (0.5, 0.5)
) -> tuple[tuple[int, int], tuple[int, int, int, int]]:
    """Scaled size of the source and the crop box in it so the result covers ``dst`` centred on ``focal``.

    ``focal`` is a fraction of the source size. The crop is clamped inside the scaled image.
    """
    scale = max(dst_w / src_w, dst_h / src_h)
    scaled_w = max(dst_w, round(src_w * scale))
    scaled_h = max(dst_h, round(src_h * scale))
    cx = focal[0] * scaled_w
    cy = focal[1] * scaled_h
    left = round(min(max(cx - dst_w / 2, 0), scaled_w - dst_w))
    top = round(min(max(cy - dst_h / 2, 0), scaled_h - dst_h))
    return (scaled_w, scaled_h), (left, top, left + dst_w, top + dst_h)


def cover_crop(image: Image.Image, width: int, height: int, *, focal: tuple[float, float] = (0.5, 0.5)) -> Image.Image:
    """Exactly ``width``×``height``: the image scaled to cover, cut around ``focal``."""
    (scaled_w, scaled_h), box = crop_box_for(image.width, image.height, width, height, focal=focal)
    if (scaled_w, scaled_h) == image.size:
        return image.crop(box)
    # Resize only the part that survives the crop: map the crop box back to source pixels.
    sx = image.width / scaled_w
    sy = image.height / scaled_h
    src_box = (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)
    return image.resize((width, height), Image.Resampling.LANCZOS, box=src_box)
