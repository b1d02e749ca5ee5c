"""Structural similarity (SSIM, Wang, Bovik, Sheikh & Simoncelli 2004) of two RGB pictures, with numpy and OpenCV.

The map is the paper's: an 11×11 Gaussian window (σ = 1.5), C1 = (0.01·255)², C2 = (0.03·255)², computed per
colour channel and averaged over the channels, kept only where the whole window lies inside the picture. Two
scores summarise it: ``mean`` (the paper's MSSIM) and ``worst_tile``, the lowest mean over square tiles of the map,
so a change confined to a small area (a missing logo) is not averaged away by a large unchanged background.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

WINDOW = 11
SIGMA = 1.5
C1 = (0.01 * 255) ** 2
C2 = (0.03 * 255) ** 2
TILE = 24  # px of the compared picture: 5% of a 480 px long side
LONG_SIDE = 480

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Similarity:
    mean: float
    worst_tile: float
    worst_box: tuple[int, int, int, int]  # left, top, right, bottom of the worst tile, in picture pixels
    map: Array  # per-pixel SSIM (channel mean), same size as the pictures


def downscale(image: Image.Image, long_side: int = LONG_SIDE) -> Image.Image:
    """RGB at ``long_side`` px on its longer side (area averaging), the size goldens are stored and compared at."""
    rgb = np.asarray(image.convert("RGB"))
    h, w = rgb.shape[:2]
    scale = long_side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return Image.fromarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def _blur(x: Array) -> Array:
    return cv2.GaussianBlur(x, (WINDOW, WINDOW), SIGMA, borderType=cv2.BORDER_REFLECT)  # type: ignore[no-any-return]


def ssim_map(a: Image.Image, b: Image.Image) -> Array:
    """Per-pixel SSIM of two same-size pictures, averaged over R, G and B; NaN where the window leaves the picture."""
    if a.size != b.size:
        raise ValueError(f"pictures differ in size: {a.size} and {b.size}")
    x = np.asarray(a.convert("RGB"), dtype=np.float64)
    y = np.asarray(b.convert("RGB"), dtype=np.float64)
    mx, my = _blur(x), _blur(y)
    vx = _blur(x * x) - mx * mx
    vy = _blur(y * y) - my * my
    cov = _blur(x * y) - mx * my
    full = ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2))
    out = full.mean(axis=2)
    r = WINDOW // 2
    edge = np.full_like(out, np.nan)
    edge[r:-r, r:-r] = out[r:-r, r:-r]
    return edge


def compare(a: Image.Image, b: Image.Image, *, tile: int = TILE) -> Similarity:
    """SSIM of ``a`` and ``b``: the map, its mean, and its worst ``tile``×``tile`` tile (tiles laid from the top
    left of the area the map covers; those at the right and bottom edges may be smaller)."""
    found = ssim_map(a, b)
    r = WINDOW // 2
    valid = found[r:-r, r:-r]
    h, w = valid.shape
    ny, nx = -(-h // tile), -(-w // tile)
    padded = np.full((ny * tile, nx * tile), np.nan)
    padded[:h, :w] = valid
    means = np.nanmean(padded.reshape(ny, tile, nx, tile), axis=(1, 3))
    row, col = np.unravel_index(int(np.argmin(means)), means.shape)
    left, top = r + int(col) * tile, r + int(row) * tile
    box = (left, top, min(left + tile, r + w), min(top + tile, r + h))
    return Similarity(float(np.nanmean(found)), float(means[row, col]), box, found)


def diff_image(a: Image.Image, b: Image.Image, similarity: Similarity) -> Image.Image:
    """A picture to look at: ``b`` dimmed, with where SSIM drops painted red (stronger = less similar)."""
    base = np.asarray(b.convert("L"), dtype=np.float64) * 0.5
    loss = np.clip(1 - np.nan_to_num(similarity.map, nan=1.0), 0, 1)
    loss = np.clip(loss * 4, 0, 1)  # a loss of 0.25 is already full red
    rgb = np.stack([base + (255 - base) * loss, base * (1 - loss), base * (1 - loss)], axis=2)
    left, top, right, bottom = similarity.worst_box
    out = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    ImageDraw.Draw(out).rectangle((left, top, right - 1, bottom - 1), outline=(255, 255, 0))
    return out
