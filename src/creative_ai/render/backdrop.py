"""Offline brand-palette art: the local provider's heroes and the backdrop a cut-out packshot is set on.

Smooth layers (gradient, blurred shapes, light, vignette, floor glow) are computed at 1/8 resolution and scaled
up with bicubic filtering, which keeps them soft and cheap; only the title texture is drawn at full size.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

ART_VERSION = "1"  # bump when the drawing changes, so staged packshots are drawn again
DEFAULT_PALETTE = ("#1F3A5F", "#4D7EA8", "#F1E9DA")
Float = NDArray[np.float32]


def _rgb(value: str) -> NDArray[np.float32]:
    v = value.lstrip("#")
    return np.array([int(v[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float32)


def _shade(color: NDArray[np.float32], lightness: float, saturation: float = 1.0) -> NDArray[np.float32]:
    """The colour at a given HLS lightness, saturation scaled: deep or pale versions of a brand colour."""
    h, _light, s = colorsys.rgb_to_hls(*(color / 255.0))
    r, g, b = colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 1.0), min(s * saturation, 1.0))
    return np.array([r, g, b], dtype=np.float32) * 255.0


def _palette(palette: Sequence[str]) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Deep base, mid tone and accent, ordered by saturation so neutrals (white, grey) never lead."""
    colors = [_rgb(c) for c in (palette or DEFAULT_PALETTE)]
    ranked = sorted(colors, key=lambda c: -colorsys.rgb_to_hls(*(c / 255.0))[2])
    primary = ranked[0]
    secondary = ranked[1] if len(ranked) > 1 else primary
    deep = _shade(secondary, 0.16, 0.9)
    mid = _shade(secondary, 0.32, 0.95)
    accent = _shade(primary, 0.55, 1.0)
    return deep, mid, accent


def _gaussian(xx: Float, yy: Float, cx: float, cy: float, radius: float) -> Float:
    out: Float = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2))).astype(np.float32)
    return out


_GENERIC = frozenset({"PREMIUM", "ULTRA", "SUPER", "DELUXE", "CLASSIC", "ORIGINAL", "NEW", "THE", "AND", "FOR"})


@cache
def _title_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(files("creative_ai") / "fonts" / "Inter-Bold.otf"), size)


def draw_backdrop(
    *, width: int, height: int, palette: Sequence[str], seed: int, title: str | None = None
) -> Image.Image:
    """RGB image of exactly width×height: calm, premium-looking art in the brand palette."""
    rng = np.random.default_rng(seed)
    deep, mid, accent = _palette(palette)
    sw, sh = max(8, -(-width // 8)), max(8, -(-height // 8))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    xx /= sw
    yy /= sh
    aspect = sw / sh
    # 1. A soft diagonal gradient from deep to mid tone.
    angle = rng.uniform(0.15, 0.85) * np.pi
    t = xx * np.cos(angle) * aspect + yy * np.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    img = deep[None, None, :] * (1 - t[..., None]) + mid[None, None, :] * t[..., None]
    # 2. Two large blurred shapes for depth: one in the accent, one in a lifted mid tone.
    for color, strength in ((accent, 0.8), (_shade(mid, 0.45, 1.1), 0.45)):
        cx, cy = rng.uniform(0.15, 0.85), rng.uniform(0.1, 0.5)
        radius = rng.uniform(0.26, 0.38) * min(1.0, aspect) ** 0.5
        blob = _gaussian(xx * aspect, yy, cx * aspect, cy, radius)[..., None] * strength
        img = img * (1 - blob) + color[None, None, :] * blob
    # 3. A light from above and a floor glow where a product would stand.
    light = _gaussian(xx * aspect, yy, rng.uniform(0.3, 0.7) * aspect, -0.1, 0.45)[..., None] * 0.12
    img = img + (255 - img) * light
    floor = _gaussian(xx * aspect, yy * 3.0, 0.5 * aspect, 0.68 * 3.0, 0.38)[..., None] * 0.16
    img = img + (255 - img) * floor
    # 4. A subtle vignette.
    r2 = ((xx - 0.5) * 2) ** 2 + ((yy - 0.5) * 2) ** 2
    img = img * (1 - 0.28 * np.clip(r2 / 2, 0, 1))[..., None]
    small = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    art = small.resize((width, height), Image.Resampling.BICUBIC, reducing_gap=None)
    if title:
        art = _title_texture(art, title, rng)
    return art


def _title_texture(art: Image.Image, title: str, rng: np.random.Generator) -> Image.Image:
    """The product name as a very large, low-contrast texture, cropped by the frame's upper edge."""
    width, height = art.size
    size = max(12, int(min(width, height) * 0.32))
    font = _title_font(size)
    # The last real word is usually the noun ("Beach Towel" → TOWEL, "Sunscreen SPF 50" → SUNSCREEN).
    words = [w for w in title.upper().split() if w.isalpha() and len(w) >= 4 and w not in _GENERIC]
    word = words[-1] if words else title.upper()
    mask = Image.new("L", art.size, 0)
    draw = ImageDraw.Draw(mask)
    x = int(-size * rng.uniform(0.1, 0.4))
    y = int(height * rng.uniform(0.02, 0.12))
    draw.text((x, y), word, font=font, fill=16)
    draw.text((x + int(size * 0.6), y + int(size * 1.05)), word, font=font, fill=9)
    art.paste((255, 255, 255), (0, 0, width, height), mask)
    return art
