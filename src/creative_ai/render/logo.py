"""The logo, placed so it can be seen: WCAG 1.4.11 asks 3:1 between a graphic and what surrounds it.

The brand's logo goes first; when it does not stand out from the picture where it goes, a variant the brief gives
(``brand.logo_light`` for dark pictures, ``brand.logo_dark`` for light ones) is tried; when none does, the one that
comes closest is set on a calm plate (white, ink or a brand colour, whichever it stands out from most).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from creative_ai.placements import Box, Placement
from creative_ai.render.color import RGB, contrast, luminance, luminance_array
from creative_ai.render.measure import NON_TEXT_AA, content_box, logo_box_for, mark_contrast

WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 17, 20)
PLATE_PAD = 0.22  # of the logo's height, on every side; the plate stays inside the content box (safe zone)

_SCALED: dict[tuple[int, int, int], tuple[Image.Image, Image.Image]] = {}


@dataclass(frozen=True)
class PlacedLogo:
    """Where the logo went, which one (0: the brand's logo, 1…: its variants in order), on a plate or not, and the
    contrast it reached against its surround."""

    box: Box
    image: Image.Image
    variant: int
    plate: RGB | None
    contrast: float


def _scaled(logo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The logo resized once per size (every locale of a placement reuses it)."""
    key = (id(logo), *size)
    cached = _SCALED.get(key)
    if cached is not None and cached[0] is logo:
        return cached[1]
    scaled = logo.convert("RGBA").resize(size, Image.Resampling.LANCZOS)
    if len(_SCALED) > 64:
        _SCALED.clear()
    _SCALED[key] = (logo, scaled)  # holding the logo keeps its id from being reused while cached
    return scaled


def _ring(box: Box) -> int:
    return max(4, box.height // 4)


def plate_colour(mark: Image.Image, palette: Sequence[RGB] = ()) -> RGB:
    """White, ink or a brand colour: whichever the mark's opaque pixels stand out from most."""
    alpha = np.asarray(mark.getchannel("A"))
    opaque = np.asarray(mark.convert("RGB"))[alpha >= 128]
    mark_l = float(np.median(luminance_array(opaque))) if opaque.size else 0.0
    return max((WHITE, INK, *palette), key=lambda c: contrast(luminance(c), mark_l))


def place_logo(
    image: Image.Image,
    logo: Sequence[Image.Image] | Image.Image,
    placement: Placement,
    *,
    rtl: bool = False,
    palette: Sequence[RGB] = (),
) -> PlacedLogo:
    """Paste the first logo that reaches 3:1 where :func:`logo_box_for` puts it, else the best one on a plate."""
    candidates = [logo] if isinstance(logo, Image.Image) else list(logo)
    tried = []
    for index, candidate in enumerate(candidates):
        box = logo_box_for(candidate.size, placement, rtl)
        mark = _scaled(candidate, (box.width, box.height))
        reached = _trial_contrast(image, mark, box)
        if reached >= NON_TEXT_AA:
            image.paste(mark, (box.left, box.top), mark)
            return PlacedLogo(box, candidate, index, None, reached)
        tried.append((reached, index, candidate, box, mark))
    _reached, index, candidate, box, mark = max(tried, key=lambda t: t[0])
    # The logo keeps its size; it moves in from the corner by the plate's margin so the plate stays in the safe zone.
    pad = max(2, round(box.height * PLATE_PAD))
    c = content_box(placement)
    dx = max(0, c.left - (box.left - pad)) - max(0, (box.right + pad) - c.right)
    dy = max(0, c.top - (box.top - pad)) - max(0, (box.bottom + pad) - c.bottom)
    box = Box(box.left + dx, box.top + dy, box.right + dx, box.bottom + dy)
    colour = plate_colour(mark, palette)
    plate = (box.left - pad, box.top - pad, box.right + pad, box.bottom + pad)
    ImageDraw.Draw(image).rounded_rectangle(plate, radius=pad, fill=colour)
    image.paste(mark, (box.left, box.top), mark)
    return PlacedLogo(box, candidate, index, colour, mark_contrast(image, mark, box, ring=pad))


def _trial_contrast(image: Image.Image, mark: Image.Image, box: Box) -> float:
    """The contrast the mark would reach at ``box``, measured on a copy of its neighbourhood only."""
    ring = _ring(box)
    left, top = max(0, box.left - ring), max(0, box.top - ring)
    area = image.crop((left, top, min(image.width, box.right + ring), min(image.height, box.bottom + ring)))
    local = Box(box.left - left, box.top - top, box.right - left, box.bottom - top)
    area.paste(mark, (local.left, local.top), mark)
    return mark_contrast(area, mark, local, ring=ring)
