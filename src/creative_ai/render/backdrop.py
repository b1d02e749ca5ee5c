"""Offline brand-palette art: the local provider's heroes and the backdrop a cut-out packshot is set on.

A field gradient, two soft shapes laid out by the seed's :class:`~creative_ai.render.looks.Look`, a light from
above and a subtle vignette. No lettering: words painted into the art would be cut by the placement crops and
fight the headline. Everything is computed at 1/8 resolution and scaled up with bicubic filtering, which keeps it
soft (no hard edge anywhere, least of all under the headline) and cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from creative_ai.render.looks import Color, Look, choose_look

ART_VERSION = "2"  # bump when the drawing changes, so staged packshots are drawn again
Float = NDArray[np.floating[Any]]
CALM_FROM, CALM_TO = 0.5, 0.86  # shapes fade out between these heights (frame fractions): the headline's part
Shape = tuple[str, str, float, float, float, float]  # kind, colour role, centre u, centre v, size, strength

# Centres in frame fractions, sizes in short sides; all in the upper part of the frame (unmirrored).
LAYOUT_SHAPES: dict[str, tuple[Shape, ...]] = {
    "halo": (("ring", "glow", 0.64, 0.26, 0.33, 0.48), ("blob", "second", 0.64, 0.26, 0.2, 0.3)),
    "orbs": (("blob", "glow", 0.34, 0.2, 0.26, 0.7), ("blob", "second", 0.72, 0.34, 0.21, 0.55)),
    "sweep": (("band", "glow", 0.5, 0.24, 0.14, 0.6), ("blob", "second", 0.82, 0.08, 0.24, 0.4)),
    "horizon": (("level", "second", 0.5, 0.44, 0.1, 0.5), ("blob", "glow", 0.62, 0.28, 0.2, 0.65)),
    "bloom": (("blob", "glow", 0.9, 0.0, 0.52, 0.8), ("blob", "second", 0.14, 0.42, 0.24, 0.4)),
}


class Grid:
    """Pixel centres of the small canvas: frame fractions (u, v) and short-side units (x, y)."""

    def __init__(self, width: int, height: int) -> None:
        self.u, self.v = np.meshgrid(
            (np.arange(width, dtype=np.float32) + 0.5) / width,
            (np.arange(height, dtype=np.float32) + 0.5) / height,
        )
        short = min(width, height)
        self.sx, self.sy = width / short, height / short

    def offsets(self, cu: float, cv: float) -> tuple[Float, Float]:
        return (self.u - cu) * self.sx, (self.v - cv) * self.sy


def _mask(grid: Grid, kind: str, cu: float, cv: float, size: float) -> Float:
    dx, dy = grid.offsets(cu, cv)
    d2 = dx**2 + dy**2
    if kind == "blob":
        out = np.exp(-d2 / (2 * size**2))
    elif kind == "ring":  # a soft halo: a wide blurred circle outline
        out = np.exp(-((np.sqrt(d2) - size) ** 2) / (2 * (0.5 * size) ** 2))
    elif kind == "band":  # a broad diagonal beam of light, fading towards its ends
        across = dx * np.sin(-0.42) + dy * np.cos(-0.42)
        out = np.exp(-(across**2) / (2 * size**2) - d2 / (2 * 0.55**2))
    else:  # "level": a horizontal glow band, like a horizon
        out = np.exp(-(dy**2) / (2 * size**2) - dx**2 / (2 * 0.8**2))
    result: Float = out.astype(np.float32)
    return result


def _field(grid: Grid, look: Look) -> Float:
    """The base gradient from ``look.top`` to ``look.bottom`` along ``look.angle``, eased."""
    dx, dy = grid.offsets(0.5, 0.5)
    t = dx * np.cos(look.angle) + dy * np.sin(look.angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    t = t * t * (3 - 2 * t)
    out: Float = look.top * (1 - t[..., None]) + look.bottom * t[..., None]
    return out


def _calm(grid: Grid) -> Float:
    """1 in the upper part, easing to 0 towards the bottom, where the headline goes."""
    t = np.clip((grid.v - CALM_FROM) / (CALM_TO - CALM_FROM), 0, 1)
    out: Float = 1 - t * t * (3 - 2 * t)
    return out


def _shapes(img: Float, grid: Grid, look: Look, rng: np.random.Generator) -> Float:
    colors: dict[str, Color] = {"glow": look.glow, "second": look.second}
    calm = _calm(grid)
    for kind, role, cu, cv, size, strength in LAYOUT_SHAPES[look.layout]:
        cu, cv = cu + rng.uniform(-0.04, 0.04), cv + rng.uniform(-0.03, 0.03)
        cu = 1 - cu if look.mirrored else cu
        alpha = (_mask(grid, kind, cu, cv, size * rng.uniform(0.92, 1.08)) * strength * calm)[..., None]
        img = img * (1 - alpha) + colors[role] * alpha
    return img


def _lighting(img: Float, grid: Grid, look: Look, rng: np.random.Generator) -> Float:
    dx, dy = grid.offsets(rng.uniform(0.3, 0.7), -0.15)
    light = np.exp(-(dx**2 + dy**2) / (2 * 0.5**2))[..., None] * (0.06 if look.dark_text else 0.1)
    img = img + (255 - img) * light
    r2 = ((grid.u - 0.5) * 2) ** 2 + ((grid.v - 0.5) * 2) ** 2
    depth = 0.1 if look.dark_text else 0.24
    out: Float = img * (1 - depth * np.clip(r2 / 2, 0, 1))[..., None]
    return out


def draw_backdrop(
    *, width: int, height: int, palette: Sequence[str], seed: int, slot: int | None = None
) -> Image.Image:
    """RGB image of exactly width×height: calm, premium-looking art in the brand palette, no lettering.

    ``slot``, the product's place in its campaign, makes the campaign's products look different from each other
    (see :func:`~creative_ai.render.looks.choose_look`)."""
    look = choose_look(palette, seed, slot)
    rng = np.random.default_rng([seed, 1])
    grid = Grid(max(8, -(-width // 8)), max(8, -(-height // 8)))
    img = _lighting(_shapes(_field(grid, look), grid, look, rng), grid, look, rng)
    small = Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")
    return small.resize((width, height), Image.Resampling.BICUBIC, reducing_gap=None)
