"""Subject-aware framing: find what matters in a picture, crop each placement around it, and when a crop would
cut away more than 15% of it, extend the canvas instead: an edit-capable provider fills the new area when one is
given (``fill``), else the colours at the picture's own edges, continued outwards and blurred, do (never a mirror
image: that would paint a ghost copy of the product). The original pixels are kept either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from creative_ai.errors import ProviderError
from creative_ai.render.crop import crop_box_for

MIN_KEEP = 0.85
OFFLINE = "edge-blur"
Box = tuple[int, int, int, int]
# Fills an extended canvas: gets it as RGBA (alpha 255 where the picture is, 0 where new pixels are wanted; the RGB
# there already holds the offline extension as a sketch) and returns an RGB picture of the same size and what made
# it ("provider/model"). Raises ProviderError when it cannot.
Fill = Callable[[Image.Image], tuple[Image.Image, str]]


@dataclass(frozen=True)
class Framing:
    """How a picture became a placement: the subject found, the crop, how much of the subject it kept."""

    method: str  # alpha, saliency, full-bleed (no distinct subject), exact (already the placement's size)
    subject: Box  # in source pixels
    crop_box: tuple[int, int, int, int]  # the source region shown (may reach past the source when extended)
    kept_share: float
    extended: bool
    extension: str | None = None  # what filled the new area: "edge-blur" or "provider/model"
    extension_note: str | None = None  # why a provider's fill was not used

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "method": self.method,
            "subject_box": list(self.subject),
            "crop_box": list(self.crop_box),
            "kept_share": self.kept_share,
            "extended": self.extended,
            "extension": self.extension,
        }
        if self.extension_note:
            data["extension_note"] = self.extension_note
        return data


def find_subject(image: Image.Image) -> tuple[Box, str]:
    """The subject's bounding box in source pixels, and how it was found.

    Opaque pixels when the image has alpha; otherwise the pixels that differ from the border colour (a packshot
    on a plain ground). When those cover most of the frame there is no distinct subject: the whole image.
    """
    w, h = image.size
    if image.mode in ("RGBA", "LA"):
        alpha = np.asarray(image.getchannel("A"))
        ys, xs = np.nonzero(alpha > 16)
        if xs.size and int(alpha.min()) < 240:  # a fully opaque alpha says nothing about the subject
            return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), "alpha"
    scale = 160 / max(w, h)
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    coarse = rgb.reduce(max(1, max(w, h) // 320))  # integer box reduction first: cheap on big pictures
    small = coarse.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
    pixels = np.asarray(small, dtype=np.float32)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    ground = np.median(border, axis=0)
    distance = np.sqrt(((pixels - ground) ** 2).sum(axis=2))
    mask = distance > max(32.0, float(np.percentile(distance, 50)))
    ys, xs = np.nonzero(mask)
    if xs.size < 0.002 * mask.size or xs.size > 0.8 * mask.size:
        return (0, 0, w, h), "full-bleed"
    x0, x1 = np.percentile(xs, [1, 99])
    y0, y1 = np.percentile(ys, [1, 99])
    box = (int(x0 / scale), int(y0 / scale), min(w, int((x1 + 1) / scale) + 1), min(h, int((y1 + 1) / scale) + 1))
    if (box[2] - box[0]) * (box[3] - box[1]) > 0.9 * w * h:
        return (0, 0, w, h), "full-bleed"  # it fills the frame: nothing to keep in particular
    return box, "saliency"


def _kept(subject: Box, crop: tuple[float, float, float, float]) -> float:
    sx0, sy0, sx1, sy1 = subject
    cx0, cy0, cx1, cy1 = crop
    inter = max(0.0, min(sx1, cx1) - max(sx0, cx0)) * max(0.0, min(sy1, cy1) - max(sy0, cy0))
    area = max(1, (sx1 - sx0) * (sy1 - sy0))
    return inter / area


def frame(
    image: Image.Image, width: int, height: int, *, min_keep: float = MIN_KEEP, fill: Fill | None = None
) -> tuple[Image.Image, Framing]:
    """Exactly ``width``×``height`` from ``image``, cropped around its subject or extended to keep it."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    if rgb.size == (width, height):
        box = (0, 0, width, height)
        return rgb, Framing("exact", box, box, 1.0, False)
    subject, method = find_subject(image)
    sx0, sy0, sx1, sy1 = subject
    focal = ((sx0 + sx1) / 2 / rgb.width, (sy0 + sy1) / 2 / rgb.height)
    (scaled_w, scaled_h), box = crop_box_for(rgb.width, rgb.height, width, height, focal=focal)
    fx, fy = rgb.width / scaled_w, rgb.height / scaled_h
    source_crop = (box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy)
    kept = _kept(subject, source_crop)
    if method == "full-bleed" or kept >= min_keep:
        if (scaled_w, scaled_h) == rgb.size:
            out = rgb.crop(box)  # no scaling needed: a plain cut
        else:
            out = rgb.resize((width, height), Image.Resampling.LANCZOS, box=source_crop)
        crop = tuple(round(v) for v in source_crop)
        return out, Framing(method, subject, crop, round(kept, 3), False)  # type: ignore[arg-type]
    return _extend(rgb, width, height, subject, method, fill)


def _extend(
    rgb: Image.Image, width: int, height: int, subject: Box, method: str, fill: Fill | None
) -> tuple[Image.Image, Framing]:
    """The whole subject in the frame: the picture scaled to fit it, the uncovered sides filled by the provider's
    outpainting or by the colours of the picture's outermost pixels continued outwards and blurred. Its pixels are
    pasted unchanged on top."""
    sx0, sy0, sx1, sy1 = subject
    cover = max(width / rgb.width, height / rgb.height)
    fit = min(width / max(1, sx1 - sx0), height / max(1, sy1 - sy0)) * 0.96
    scale = min(cover, fit)
    inner_w, inner_h = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
    inner = rgb.resize((inner_w, inner_h), Image.Resampling.LANCZOS)
    # Put the subject's centre at the frame's centre, then keep as much of the frame covered as possible.
    cx, cy = (sx0 + sx1) / 2 * scale, (sy0 + sy1) / 2 * scale
    left = round(width / 2 - cx)
    top = round(height / 2 - cy)
    left = min(max(left, width - inner_w), 0) if inner_w >= width else min(max(left, 0), width - inner_w)
    top = min(max(top, height - inner_h), 0) if inner_h >= height else min(max(top, 0), height - inner_h)
    pixels = np.asarray(inner)
    pad = (
        (max(0, top), max(0, height - top - inner_h)),
        (max(0, left), max(0, width - left - inner_w)),
        (0, 0),
    )
    grown = np.pad(pixels, pad, mode="edge")  # each edge's colours, continued (a mirror would repeat the product)
    canvas = Image.fromarray(grown).crop((max(0, -left), max(0, -top), max(0, -left) + width, max(0, -top) + height))
    canvas = canvas.filter(ImageFilter.GaussianBlur(max(6, min(width, height) // 30)))
    canvas.paste(inner, (left, top))
    crop = (round(-left / scale), round(-top / scale), round((width - left) / scale), round((height - top) / scale))
    kept = round(_kept(subject, crop), 3)
    if fill is None:
        return canvas, Framing(method, subject, crop, kept, True, OFFLINE)
    keep = Image.new("L", (width, height), 0)
    keep.paste(255, (left, top, left + inner_w, top + inner_h))
    sketch = canvas.copy()
    sketch.putalpha(keep)
    try:
        filled, source = fill(sketch)
    except ProviderError as exc:
        return canvas, Framing(method, subject, crop, kept, True, OFFLINE, f"outpainting failed, used {OFFLINE}: {exc}")
    if filled.size != (width, height):
        filled = filled.resize((width, height), Image.Resampling.LANCZOS)
    out = filled.convert("RGB")
    out.paste(inner, (left, top))  # the picture itself is never repainted
    return out, Framing(method, subject, crop, kept, True, source)
