"""Where things go and how they measure: the geometry and contrast that rendering uses and checks read back."""

from __future__ import annotations

import numpy as np
from PIL import Image

from creative_ai.placements import Box, Placement
from creative_ai.render.color import RGB, contrast, luminance_array, worst_contrast

MARGIN = 0.06  # outer margin, share of the short side
LOGO_HEIGHT = 0.07


def content_box(placement: Placement) -> Box:
    """The safe zone, shrunk further where the outer margin is wider."""
    safe = placement.safe_box()
    m = round(MARGIN * placement.short_side)
    w, h = placement.width, placement.height
    return Box(max(safe.left, m), max(safe.top, m), min(safe.right, w - m), min(safe.bottom, h - m))


def mirror(box: Box, placement: Placement) -> Box:
    """``box`` reflected across the content box's vertical centre line (right-to-left layouts): the frame's own
    centre when the safe zone is symmetric, and still inside the safe zone when it is not (9:16 Reels buttons)."""
    c = content_box(placement)
    return Box(c.left + c.right - box.right, box.top, c.left + c.right - box.left, box.bottom)


def measured_contrast(image: Image.Image, mask: Image.Image, box: Box, text: RGB) -> float:
    """Contrast of the text colour against the final pixels around the glyphs (not under them).

    ``mask`` is the glyph coverage of ``box`` (same size as the box). Every second pixel in each direction is
    sampled: a quarter of the pixels gives the same deciles at a quarter of the cost.
    """
    region = np.asarray(image.crop(box.as_tuple()))[::2, ::2]
    glyphs = np.asarray(mask)[::2, ::2]
    background = region[glyphs == 0]
    return round(worst_contrast(text, background), 2)


def logo_box_for(logo_size: tuple[int, int], placement: Placement, rtl: bool = False) -> Box:
    """Logo ~7% of the short side high (at most 35% of the width), in the placement's top corner (opposite the
    text block, or above a text column); mirrored for right-to-left copy."""
    box = _logo_box(logo_size, placement)
    return mirror(box, placement) if rtl else box


def _logo_box(logo_size: tuple[int, int], placement: Placement) -> Box:
    c = content_box(placement)
    logo_w, logo_h = logo_size
    height = round(LOGO_HEIGHT * placement.short_side)
    width = round(logo_w * height / logo_h)
    max_width = round(placement.width * 0.35)
    if width > max_width:
        width, height = max_width, round(logo_h * max_width / logo_w)
    if placement.logo_side == "left":
        return Box(c.left, c.top, c.left + width, c.top + height)
    return Box(c.right - width, c.top, c.right, c.top + height)


NON_TEXT_AA = 3.0  # WCAG 1.4.11: graphics needed to understand the content


def mark_contrast(image: Image.Image, mark: Image.Image, box: Box, *, ring: int) -> float:
    """WCAG contrast between a mark (a logo) and what surrounds it in ``image``: the median luminance of the mark's
    opaque pixels against that of the pixels around them (its own clear parts and a ``ring`` of pixels outside its
    box). ``mark`` is the placed RGBA logo, the size of ``box``."""
    alpha = np.asarray(mark.getchannel("A"))
    frame = np.asarray(image.convert("RGB"))
    inside = frame[box.top : box.bottom, box.left : box.right]
    opaque = inside[alpha >= 128]
    if opaque.size == 0:
        return 1.0
    top, left = max(0, box.top - ring), max(0, box.left - ring)
    bottom, right = min(frame.shape[0], box.bottom + ring), min(frame.shape[1], box.right + ring)
    around = np.ones((bottom - top, right - left), dtype=bool)
    around[box.top - top : box.bottom - top, box.left - left : box.right - left] = alpha < 16
    surround = frame[top:bottom, left:right][around]
    if surround.size == 0:
        return 21.0
    mark_l = float(np.median(luminance_array(opaque)))
    surround_l = float(np.median(luminance_array(surround)))
    return round(contrast(mark_l, surround_l), 2)
