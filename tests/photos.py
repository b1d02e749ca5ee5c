"""Packshots as a studio or a phone takes them: a shaded product (a bottle with a cap) off-centre on a gradient or
vignetted sweep or a textured surface, with a soft floor shadow, sensor noise and JPEG compression; optionally
stored sideways with an EXIF orientation tag, as phones do. Each comes with the product's true box."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Box = tuple[int, int, int, int]
BODY = (38, 96, 186)  # the bottle's blue
CAP = (232, 120, 28)  # its orange cap: which end is up


@dataclass(frozen=True)
class Photo:
    image: Image.Image
    box: Box  # the product (bottle and cap), upright pixel coordinates


def sweep(size: tuple[int, int], kind: str, seed: int = 0) -> np.ndarray:
    """A backdrop: 'gradient' (top to bottom, warm grey to near white), 'vignette' (light centre, darker
    corners) or 'texture' (a linen-like surface)."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "gradient":
        t = (ys / h)[..., None]
        top, bottom = np.array([196, 190, 182], np.float32), np.array([246, 244, 240], np.float32)
        return top * (1 - t) + bottom * t
    if kind == "vignette":
        r = np.sqrt(((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2)[..., None]
        centre, edge = np.array([238, 236, 230], np.float32), np.array([178, 174, 168], np.float32)
        return centre + (edge - centre) * np.clip(r / 1.4, 0, 1) ** 1.6
    rng = np.random.default_rng(seed)
    grain = rng.normal(0, 1, (h // 4 + 1, w // 4 + 1)).astype(np.float32)
    grain = np.asarray(Image.fromarray(grain).resize((w, h), Image.Resampling.BICUBIC))
    weave = 6 * np.sin(xs / 3.1) * np.sin(ys / 2.7)
    base = np.array([205, 192, 170], np.float32)
    return base + (10 * grain + weave)[..., None]


def bottle(size: tuple[int, int], box: Box, backdrop: np.ndarray, *, seed: int = 0) -> Image.Image:
    """The product drawn at ``box`` with side shading, a highlight and a soft floor shadow, noise and blur."""
    w, h = size
    x0, y0, x1, y1 = box
    canvas = Image.fromarray(np.clip(backdrop, 0, 255).astype(np.uint8))
    shadow = Image.new("L", size, 0)
    bw = x1 - x0
    ImageDraw.Draw(shadow).ellipse((x0 - bw * 0.1, y1 - bw * 0.08, x1 + bw * 0.35, y1 + bw * 0.12), fill=120)
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(4, bw // 10)))
    canvas.paste((60, 56, 52), (0, 0), shadow)
    cap_h = (y1 - y0) // 5
    neck = bw // 4
    body = Image.new("L", size, 0)
    ImageDraw.Draw(body).rounded_rectangle((x0, y0 + cap_h, x1 - 1, y1 - 1), radius=bw // 5, fill=255)
    cap = Image.new("L", size, 0)
    ImageDraw.Draw(cap).rounded_rectangle(
        (x0 + neck, y0, x1 - neck - 1, y0 + cap_h + bw // 10), radius=bw // 12, fill=255
    )
    xs = np.arange(w, dtype=np.float32)
    shade = np.clip(1.15 - 0.55 * np.abs((xs - (x0 + x1) / 2) / max(1, bw / 2)) ** 1.5, 0.45, 1.2)[None, :, None]
    body_rgb = np.clip(np.array(BODY, np.float32) * shade + 0 * xs[None, :, None], 0, 255)
    body_rgb = np.broadcast_to(body_rgb, (h, w, 3)).astype(np.uint8)
    canvas.paste(Image.fromarray(body_rgb), (0, 0), body)
    cap_rgb = np.broadcast_to(np.clip(np.array(CAP, np.float32) * shade, 0, 255), (h, w, 3)).astype(np.uint8)
    canvas.paste(Image.fromarray(cap_rgb), (0, 0), cap)
    hx = x0 + bw // 4
    highlight = Image.new("L", size, 0)
    top, bottom = y0 + cap_h + (y1 - y0) // 12, y1 - (y1 - y0) // 8
    ImageDraw.Draw(highlight).rectangle((hx, top, hx + max(2, bw // 14), max(top, bottom)), fill=110)
    canvas.paste((255, 255, 255), (0, 0), highlight.filter(ImageFilter.GaussianBlur(2)))
    pixels = np.asarray(canvas.filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
    pixels += np.random.default_rng(seed).normal(0, 3.0, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def photo(
    kind: str = "gradient", *, size: tuple[int, int] = (1600, 1200), box: Box = (180, 260, 520, 1060), seed: int = 0
) -> Photo:
    return Photo(bottle(size, box, sweep(size, kind, seed), seed=seed), box)


def save_sideways(shot: Photo, path: Path, *, orientation: int = 6) -> None:
    """Store the photo as a phone does when held sideways: pixels turned, EXIF saying how to turn them back."""
    turn = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    shot.image.transpose(turn).save(path, format="JPEG", quality=88, exif=exif)


def iou(a: Box, b: Box) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / max(1, union)
