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
from creative_ai.render.subject import Subject, find_subject

MIN_KEEP = 0.85
FOUND = ("alpha", "backdrop", "saliency")  # the methods that located a subject
MAX_UPSCALE = 2.5  # a product photographed small is shown smaller rather than blown up into a blur
OFFLINE = "edge-blur"
Box = tuple[int, int, int, int]
# Fills an extended canvas: gets it as RGBA (alpha 255 where the picture is, 0 where new pixels are wanted; the RGB
# there already holds the offline extension as a sketch) and returns an RGB picture of the same size and what made
# it ("provider/model"). Raises ProviderError when it cannot.
Fill = Callable[[Image.Image], tuple[Image.Image, str]]


@dataclass(frozen=True)
class Framing:
    """How a picture became a placement: the subject found, the crop, how much of the subject it kept."""

    method: str  # alpha, backdrop, saliency, none (no distinct subject), exact (already the placement's size)
    subject: Box  # in source pixels
    crop_box: tuple[int, int, int, int]  # the source region shown (may reach past the source when extended)
    kept_share: float
    extended: bool
    extension: str | None = None  # what filled the new area: "edge-blur" or "provider/model"
    extension_note: str | None = None  # why a provider's fill was not used
    note: str | None = None  # what the subject finder said when it found none

    @property
    def has_subject(self) -> bool:
        return self.method in FOUND

    def subject_in_frame(self, width: int, height: int) -> Box:
        """The subject's box in the creative's pixels (it may reach past the frame when cropped)."""
        cx0, cy0, cx1, cy1 = self.crop_box
        fx, fy = width / max(1, cx1 - cx0), height / max(1, cy1 - cy0)
        sx0, sy0, sx1, sy1 = self.subject
        return (round((sx0 - cx0) * fx), round((sy0 - cy0) * fy), round((sx1 - cx0) * fx), round((sy1 - cy0) * fy))

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
        if self.note:
            data["note"] = self.note
        return data


def _kept(subject: Box, crop: tuple[float, float, float, float]) -> float:
    sx0, sy0, sx1, sy1 = subject
    cx0, cy0, cx1, cy1 = crop
    inter = max(0.0, min(sx1, cx1) - max(sx0, cx0)) * max(0.0, min(sy1, cy1) - max(sy0, cy0))
    area = max(1, (sx1 - sx0) * (sy1 - sy0))
    return inter / area


def frame(
    image: Image.Image,
    width: int,
    height: int,
    *,
    min_keep: float = MIN_KEEP,
    fill: Fill | None = None,
    subject: Subject | None = None,
    target: Box | None = None,
) -> tuple[Image.Image, Framing]:
    """Exactly ``width``×``height`` from ``image``, cropped around its subject or extended to keep it.

    With a ``target`` (creative pixels) a found subject is placed in it (see :func:`place`).

    ``subject`` is the picture's subject when already found (it is the same for every placement); found here
    otherwise. A picture with no distinct subject is kept whole (extended), never centre-cropped on a guess.
    """
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    if target is not None:
        subject = subject or find_subject(image)
        if subject.found:
            return place(rgb, width, height, subject, target, fill=fill)
    if rgb.size == (width, height):
        box = (0, 0, width, height)
        if subject is None:
            return rgb, Framing("exact", box, box, 1.0, False)
        return rgb, Framing(subject.method, subject.box, box, 1.0, False, note=subject.note)
    subject = subject or find_subject(image)
    sx0, sy0, sx1, sy1 = subject.box
    focal = ((sx0 + sx1) / 2 / rgb.width, (sy0 + sy1) / 2 / rgb.height)
    (scaled_w, scaled_h), box = crop_box_for(rgb.width, rgb.height, width, height, focal=focal)
    fx, fy = rgb.width / scaled_w, rgb.height / scaled_h
    source_crop = (box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy)
    kept = _kept(subject.box, source_crop)
    if kept >= min_keep or subject.scene:
        if (scaled_w, scaled_h) == rgb.size:
            out = rgb.crop(box)  # no scaling needed: a plain cut
        else:
            out = rgb.resize((width, height), Image.Resampling.LANCZOS, box=source_crop)
        crop = tuple(round(v) for v in source_crop)
        return out, Framing(subject.method, subject.box, crop, round(kept, 3), False, note=subject.note)  # type: ignore[arg-type]
    return _extend(rgb, width, height, subject, fill)


def _extend(
    rgb: Image.Image, width: int, height: int, found: Subject, fill: Fill | None
) -> tuple[Image.Image, Framing]:
    """The whole subject in the frame: the picture scaled to fit it, centred on it, the uncovered sides filled
    (see :func:`_paint`). A subject gets a little air around it; a whole picture kept for want of one fits edge
    to edge."""
    sx0, sy0, sx1, sy1 = found.box
    cover = max(width / rgb.width, height / rgb.height)
    air = 0.96 if found.found else 1.0
    fit = min(width / max(1, sx1 - sx0), height / max(1, sy1 - sy0)) * air
    scale = min(cover, fit)
    inner_w, inner_h = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
    # Put the subject's centre at the frame's centre, then keep as much of the frame covered as possible.
    cx, cy = (sx0 + sx1) / 2 * scale, (sy0 + sy1) / 2 * scale
    left = round(width / 2 - cx)
    top = round(height / 2 - cy)
    left = min(max(left, width - inner_w), 0) if inner_w >= width else min(max(left, 0), width - inner_w)
    top = min(max(top, height - inner_h), 0) if inner_h >= height else min(max(top, 0), height - inner_h)
    return _paint(rgb, width, height, found, fill, scale, (left, top))


def _offset(lo: float, hi: float, cover_lo: float, cover_hi: float, centred: float) -> int:
    """Where to put the picture along one axis: inside [lo, hi] (the subject stays in its target), covering the
    frame when that range allows it, as close as possible to ``centred``."""
    a, b = max(lo, cover_lo), min(hi, cover_hi)
    if a <= b:
        return round(min(max(centred, a), b))
    return round(min(max(centred, lo), hi))


def place(
    image: Image.Image, width: int, height: int, subject: Subject, target: Box, *, fill: Fill | None = None
) -> tuple[Image.Image, Framing]:
    """The picture scaled so its subject fits ``target`` (creative pixels, e.g. the area the copy leaves free; never
    enlarged more than ``MAX_UPSCALE`` times) and moved there; the frame is covered by the picture where that keeps
    the subject in its target, else the uncovered sides are filled (see :func:`_paint`)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    sx0, sy0, sx1, sy1 = subject.box
    tx0, ty0, tx1, ty1 = target
    scale = min((tx1 - tx0) / max(1, sx1 - sx0), (ty1 - ty0) / max(1, sy1 - sy0), MAX_UPSCALE)
    inner_w, inner_h = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
    left = _offset(tx0 - sx0 * scale, tx1 - sx1 * scale, width - inner_w, 0, (tx0 + tx1) / 2 - (sx0 + sx1) / 2 * scale)
    top = _offset(ty0 - sy0 * scale, ty1 - sy1 * scale, height - inner_h, 0, (ty0 + ty1) / 2 - (sy0 + sy1) / 2 * scale)
    return _paint(rgb, width, height, subject, fill, scale, (left, top))


def _paint(
    rgb: Image.Image,
    width: int,
    height: int,
    found: Subject,
    fill: Fill | None,
    scale: float,
    at: tuple[int, int],
) -> tuple[Image.Image, Framing]:
    """The picture at ``scale`` with its top-left corner at ``at``; the sides it leaves uncovered filled by the
    provider's outpainting or by the colours of its outermost pixels continued outwards and blurred. Its pixels
    are pasted unchanged on top."""
    subject, method = found.box, found.method
    left, top = at
    inner_w, inner_h = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
    crop = (round(-left / scale), round(-top / scale), round((width - left) / scale), round((height - top) / scale))
    kept = round(_kept(subject, crop), 3)
    if left <= 0 and top <= 0 and left + inner_w >= width and top + inner_h >= height:
        box = (-left / scale, -top / scale, (width - left) / scale, (height - top) / scale)
        out = rgb.resize((width, height), Image.Resampling.LANCZOS, box=box)
        return out, Framing(method, subject, crop, kept, False, note=found.note)
    inner = rgb.resize((inner_w, inner_h), Image.Resampling.LANCZOS)
    # The colours continued outwards are the edge's local average: fine texture or grain repeated pixel by pixel
    # would draw streaks across the new area.
    pixels = np.asarray(inner.filter(ImageFilter.BoxBlur(max(3, min(width, height) // 40))))
    pad = (
        (max(0, top), max(0, height - top - inner_h)),
        (max(0, left), max(0, width - left - inner_w)),
        (0, 0),
    )
    grown = np.pad(pixels, pad, mode="edge")  # each edge's colours, continued (a mirror would repeat the product)
    canvas = Image.fromarray(grown).crop((max(0, -left), max(0, -top), max(0, -left) + width, max(0, -top) + height))
    canvas = canvas.filter(ImageFilter.GaussianBlur(max(6, min(width, height) // 30)))
    offline = canvas.copy()
    offline.paste(inner, (left, top), _seam(inner.size, pad, subject, scale, max(8, min(width, height) // 30)))
    if fill is None:
        return offline, Framing(method, subject, crop, kept, True, OFFLINE, note=found.note)
    canvas.paste(inner, (left, top))
    keep = Image.new("L", (width, height), 0)
    keep.paste(255, (left, top, left + inner_w, top + inner_h))
    sketch = canvas.copy()
    sketch.putalpha(keep)
    try:
        filled, source = fill(sketch)
    except ProviderError as exc:
        note = f"outpainting failed, used {OFFLINE}: {exc}"
        return offline, Framing(method, subject, crop, kept, True, OFFLINE, note, found.note)
    if filled.size != (width, height):
        filled = filled.resize((width, height), Image.Resampling.LANCZOS)
    out = filled.convert("RGB")
    out.paste(inner, (left, top))  # the picture itself is never repainted
    return out, Framing(method, subject, crop, kept, True, source, note=found.note)


def _seam(
    size: tuple[int, int], pad: tuple[tuple[int, int], ...], subject: Box, scale: float, feather: int
) -> Image.Image:
    """How the picture is laid over its offline extension: opaque, fading out over ``feather`` pixels along each
    edge that meets new area (so a textured backdrop does not end in a hard line), never inside the subject."""
    w, h = size
    alpha = np.ones((h, w), dtype=np.float32)
    ramp_x, ramp_y = np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)
    (top, bottom), (left, right), _ = pad
    if left:
        alpha = np.minimum(alpha, np.clip((ramp_x[None, :] + 1) / feather, 0, 1))
    if right:
        alpha = np.minimum(alpha, np.clip((w - ramp_x[None, :]) / feather, 0, 1))
    if top:
        alpha = np.minimum(alpha, np.clip((ramp_y[:, None] + 1) / feather, 0, 1))
    if bottom:
        alpha = np.minimum(alpha, np.clip((h - ramp_y[:, None]) / feather, 0, 1))
    x0, y0, x1, y1 = (round(v * scale) for v in subject)
    alpha[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 1.0  # the subject's own pixels, untouched
    return Image.fromarray(np.rint(alpha * 255).astype(np.uint8), "L")
