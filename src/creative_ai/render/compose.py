"""Compose a creative: hero crop, scrim only as strong as needed, headline, CTA pill, logo with clearspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from creative_ai.errors import TextFitError
from creative_ai.placements import Box, Placement
from creative_ai.render.color import (
    RGB,
    WCAG_AA,
    background_deciles,
    contrast,
    contrast_with_deciles,
    hex_to_rgb,
    luminance,
    worst_contrast,
)
from creative_ai.render.framing import Fill, Framing, frame
from creative_ai.render.logo import PlacedLogo, place_logo
from creative_ai.render.measure import content_box, mirror
from creative_ai.render.subject import Subject
from creative_ai.render.text import FontBook, TextLayout, fit_text, is_rtl, shown_label, text_glyphs

TARGET_CONTRAST = WCAG_AA + 0.1  # a hair above the floor so rounding never lands below it
HEADLINE_MAX = 0.09
HEADLINE_MIN = 0.04
CTA_RATIO = 0.45
TERMS = 0.022  # a terms line (disclaimer): its size as a share of the short side
TERMS_LINES = 2  # at most this many lines
OUTER_MARGIN = 0.05  # of the short side: the frame's own margin, inside which nothing is placed
WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 17, 20)


@dataclass(frozen=True)
class Copy:
    """The words on one creative."""

    headline: str
    cta: str | None = None
    locale: str = "en"
    terms: str | None = None  # the market's terms line (a disclaimer), set small under the block


@dataclass(frozen=True)
class Rendered:
    """A composed creative and what was measured while making it."""

    image: Image.Image
    text_box: Box
    block_box: Box
    logo_box: Box | None
    text_color: RGB
    scrim_strength: float
    font_size: int
    lines: tuple[str, ...]
    text_mask: Image.Image  # every glyph pixel of the headline (text and colour glyphs), the size of text_box
    cta_contrast: float | None
    framing: Framing
    base: Image.Image  # a thumbnail of the framed picture before any overlay (for the brand-colour check)
    logo: PlacedLogo | None = None
    product_box: Box | None = None  # the subject's box in the creative's pixels (None: no distinct subject)
    terms_box: Box | None = None  # where the terms line was set
    terms_mask: Image.Image | None = None  # its glyph pixels, the size of terms_box


def text_region(placement: Placement, rtl: bool = False) -> Box:
    """Where the text block (headline + CTA) may go: at most about a quarter of the frame; mirrored for RTL."""
    region = _text_region(placement)
    return mirror(region, placement) if rtl else region


def _text_region(placement: Placement) -> Box:
    c = content_box(placement)
    area = placement.width * placement.height * 0.25
    if placement.text_side == "left":
        width = min(c.width, round(placement.width * placement.text_column))
        height = min(c.height, round(area / width))
        return Box(c.left, c.bottom - height, c.left + width, c.bottom)
    height = min(round(c.height * 0.45), round(area / c.width))
    return Box(c.left, c.bottom - height, c.right, c.bottom)


def _cta_extra(size: int, has_cta: bool) -> int:
    if not has_cta:
        return 0
    return round(size * 0.4) + round(cta_label_size(size) * 2.2)


def cta_label_size(headline_size: int) -> int:
    return max(round(headline_size * CTA_RATIO), 18)


def _pick_text_color(background: NDArray[np.uint8], palette: list[RGB]) -> RGB:
    darks = sorted(palette, key=luminance)
    dark = darks[0] if darks and luminance(darks[0]) < 0.06 else INK
    deciles = background_deciles(background)
    return max((WHITE, dark), key=lambda c: contrast_with_deciles(c, deciles))


def _scrim_band(
    size: tuple[int, int], box: Box, side: str, clear: Box | None = None, strength: float = 1.0
) -> tuple[tuple[int, int, int, int], Image.Image]:
    """The soft gradient from the text side as (band box, 0..255 alpha image): 0 far from the text, ``strength``
    (rounded up, so the painted scrim is never weaker than the one measured) under it. It starts no further out
    than the edge of ``clear`` (the product), so it never darkens the product."""
    w, h = size
    if side == "right":
        flipped = Box(w - box.right, box.top, w - box.left, box.bottom)
        mirrored = Box(w - clear.right, clear.top, w - clear.left, clear.bottom) if clear else None
        (left, top, right, bottom), gradient = _scrim_band(size, flipped, "left", mirrored, strength)
        return (w - right, top, w - left, bottom), gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if side == "left":
        start, full = min(w, box.right + box.width // 2), box.right
        if clear is not None and clear.left >= full:
            start = min(start, clear.left)
        ramp = np.clip((start - np.arange(start, dtype=np.float32)) / max(start - full, 1), 0, 1)
        band = (0, 0, start, h)
        line = Image.fromarray(_alpha(ramp, strength)[None, :], "L")
        return band, line.resize((start, h), Image.Resampling.NEAREST)
    start, full = max(0, box.top - box.height), box.top
    if clear is not None and clear.bottom <= full:
        start = max(start, clear.bottom)
    ramp = np.clip((np.arange(start, h, dtype=np.float32) - start) / max(full - start, 1), 0, 1)
    band = (0, start, w, h)
    line = Image.fromarray(_alpha(ramp, strength)[:, None], "L")
    return band, line.resize((w, h - start), Image.Resampling.NEAREST)


def _alpha(ramp: NDArray[np.floating[Any]], strength: float) -> NDArray[np.uint8]:
    """A 0..1 ramp as 0..255 alpha scaled by ``strength``: the ramp is first set in whole steps of 255 (as it is
    drawn), then scaled and rounded up."""
    scaled = np.ceil(np.rint(ramp * 255).astype(np.float64) * strength)
    return np.asarray(np.minimum(255, scaled), dtype=np.uint8)


def _apply_scrim(
    image: Image.Image, *, box: Box, side: str, color: RGB, text: RGB, clear: Box | None = None
) -> tuple[Image.Image, float]:
    """Paint (in place) the weakest scrim that lifts the text box to TARGET_CONTRAST; returns (image, strength)."""
    region = np.asarray(image.crop(box.as_tuple()))[::4, ::4].astype(np.float32)
    if worst_contrast(text, region) >= TARGET_CONTRAST:
        return image, 0.0
    tint = np.array(color, dtype=np.float32)

    def ok(strength: float) -> bool:
        blended = region * (1 - strength) + tint * strength
        return worst_contrast(text, blended) >= TARGET_CONTRAST

    lo, hi = 0.0, 1.0
    for _ in range(7):  # 1/128 steps; rounding up keeps the painted scrim at least this strong
        mid = (lo + hi) / 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    strength = hi
    band, alpha = _scrim_band(image.size, box, side, clear, strength)
    image.paste(Image.new("RGB", alpha.size, color), band, alpha)  # an image through a mask: twice a fill's speed
    return image, strength


def cta_width(label: str, size: int, *, book: FontBook, locale: str) -> int:
    return round(book.measure(shown_label(label, locale), size, locale)) + 2 * size


def _draw_cta(
    image: Image.Image, label: str, *, at: tuple[int, int], size: int, book: FontBook, color: RGB, locale: str
) -> float:
    """The CTA pill with its label; ``at`` is its top-left corner. Returns the label's contrast on the pill."""
    height = round(size * 2.2)
    pad = size
    width = cta_width(label, size, book=book, locale=locale)
    x, y = at
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((x, y, x + width, y + height), radius=height // 2, fill=color)
    pill_l = luminance(color)
    label_color = max((WHITE, INK), key=lambda c: contrast(luminance(c), pill_l))
    shown = shown_label(label, locale)
    line_height = book.line_height(shown, size, locale)
    glyphs = book.glyphs(shown, size, locale=locale, line_height=line_height)
    glyphs.draw(image, at=(x + pad, y + (height - line_height) // 2), color=label_color)
    return round(contrast(luminance(label_color), pill_l), 2)


@dataclass(frozen=True)
class TextPlan:
    """Where the copy goes, decided before any pixels: the fitted headline, its box and the whole block."""

    copy: Copy
    layout: TextLayout
    text_box: Box
    block: Box
    terms: TextLayout | None = None
    terms_box: Box | None = None

    @property
    def rtl(self) -> bool:
        return is_rtl(self.copy.locale)


def terms_size(placement: Placement) -> int:
    """The size of a terms line: small but legible (2.2% of the short side, at least 18 px)."""
    return max(18, round(TERMS * placement.short_side))


def _fit_terms(copy: Copy, region: Box, placement: Placement, book: FontBook) -> TextLayout | None:
    if not copy.terms:
        return None
    size = terms_size(placement)
    try:
        return fit_text(
            copy.terms,
            book=book,
            max_width=region.width,
            max_height=round(size * TERMS_LINES * 1.3),
            max_size=size,
            min_size=size,
            locale=copy.locale,
        )
    except TextFitError as exc:
        raise TextFitError(
            f"the terms line ({len(copy.terms)} characters) does not fit in {TERMS_LINES} lines of {region.width} px "
            f"at {size} px: shorten it"
        ) from exc


def plan_text(copy: Copy, *, placement: Placement, book: FontBook) -> TextPlan:
    """Fit the headline (and reserve the CTA) in the text region; TextFitError when it cannot fit.

    Right-to-left copy mirrors the layout: text region, flush side, CTA and (see :func:`logo_box_for`) logo.
    """
    rtl = is_rtl(copy.locale)
    region = text_region(placement, rtl)
    s = placement.short_side
    max_size, min_size = round(HEADLINE_MAX * s), round(HEADLINE_MIN * s)
    has_cta = bool(copy.cta)
    terms = _fit_terms(copy, region, placement, book)
    below = terms.height + round(terms.size * 0.8) if terms else 0  # the terms line and its gap, at the bottom
    # The CTA's height is reserved at the largest size tried, so the whole block always fits the region.
    layout = fit_text(
        copy.headline,
        book=book,
        max_width=region.width,
        max_height=region.height - _cta_extra(max_size, has_cta) - below,
        max_size=max_size,
        min_size=min_size,
        locale=copy.locale,
    )
    extra = _cta_extra(layout.size, has_cta)
    top = region.bottom - below - layout.height - extra
    pill = cta_width(copy.cta, cta_label_size(layout.size), book=book, locale=copy.locale) if copy.cta else 0
    if pill > region.width:
        raise TextFitError(f"the call to action is {pill} px wide; the text region is {region.width} px: shorten it")
    block_width = max(layout.width, pill, terms.width if terms else 0)
    terms_box = None
    if rtl:
        text_box = Box(region.right - layout.width, top, region.right, top + layout.height)
        block = Box(region.right - block_width, top, region.right, region.bottom)
        if terms:
            terms_box = Box(region.right - terms.width, region.bottom - terms.height, region.right, region.bottom)
    else:
        text_box = Box(region.left, top, region.left + layout.width, top + layout.height)
        block = Box(region.left, top, region.left + block_width, region.bottom)
        if terms:
            terms_box = Box(region.left, region.bottom - terms.height, region.left + terms.width, region.bottom)
    return TextPlan(copy, layout, text_box, block, terms, terms_box)


def product_region(placement: Placement, rtl: bool = False) -> Box:
    """Where the product may stand: the content area beside or above the text *region* (not the fitted block), so
    the product has the same box whatever the copy and its length in any locale. Above a bottom text region it may
    reach up to the outer margin (the product, unlike text and logo, may stand under a surface's top bar)."""
    c = content_box(placement)
    gap = round(0.03 * placement.short_side)
    margin = round(OUTER_MARGIN * placement.short_side)
    if placement.text_side != "left":
        region = text_region(placement, rtl)
        return Box(c.left, min(c.top, margin), c.right, region.top - gap)
    top, left, right = c.top, c.left, c.right
    if placement.product_reach == "frame":  # beside a text column: from the top margin, out to the side margin
        top, left, right = min(c.top, margin), min(c.left, margin), max(c.right, placement.width - margin)
    ltr, mirrored = text_region(placement, False), text_region(placement, True)
    width = right - (ltr.right + gap)
    if placement.mirrored_too or rtl:
        width = min(width, (mirrored.left - gap) - left)  # the same size in either direction
    if rtl:
        return Box(mirrored.left - gap - width, top, mirrored.left - gap, c.bottom)
    return Box(ltr.right + gap, top, ltr.right + gap + width, c.bottom)


def render_creative(
    hero: Image.Image,
    *,
    placement: Placement,
    text: TextPlan,
    palette: list[str],
    logo: Sequence[Image.Image] | Image.Image | None,
    book: FontBook,
    fill: Fill | None = None,
    subject: Subject | None = None,
    product_box: Box | None = None,
    target: tuple[int, int, int, int] | None = None,
) -> Rendered:
    """One creative at exactly the placement's size, from a hero and a fitted text plan.

    ``logo`` is the brand logo, or the logo followed by its variants (light, dark): the first that stands out from
    where it goes is placed, else the best on a plate (see :func:`creative_ai.render.logo.place_logo`).
    ``subject`` is the hero's subject when already found, ``target`` where it is to stand; ``product_box`` where a
    packshot was already set on the hero.
    """
    image, framing = frame(hero, placement.width, placement.height, fill=fill, subject=subject, target=target)
    if product_box is None and framing.has_subject:
        product_box = Box(*framing.subject_in_frame(placement.width, placement.height))
    if image is hero:
        image = image.copy()
    base = image.reduce(max(1, placement.short_side // 256))
    copy, layout, text_box = text.copy, text.layout, text.text_box
    block = text.block
    rgb_palette = [hex_to_rgb(c) for c in palette]
    under = np.asarray(image.crop(text_box.as_tuple()))[::2, ::2]
    text_color = _pick_text_color(under, rgb_palette)
    scrim_color = INK if text_color == WHITE else WHITE
    side = "right" if text.rtl and placement.text_side == "left" else placement.text_side
    covered = text_box if text.terms_box is None else _union(text_box, text.terms_box)
    image, strength = _apply_scrim(image, box=covered, side=side, color=scrim_color, text=text_color, clear=product_box)

    glyphs = text_glyphs(layout, book=book)
    glyphs.draw(image, at=(text_box.left, text_box.top), color=text_color)
    terms_mask = None
    if text.terms is not None and text.terms_box is not None:
        small = text_glyphs(text.terms, book=book)
        small.draw(image, at=(text.terms_box.left, text.terms_box.top), color=text_color)
        terms_mask = small.coverage

    cta_contrast = None
    if copy.cta:
        label = cta_label_size(layout.size)
        pill = rgb_palette[0] if rgb_palette else INK
        left = block.right - cta_width(copy.cta, label, book=book, locale=copy.locale) if text.rtl else block.left
        cta_contrast = _draw_cta(
            image,
            copy.cta,
            at=(left, text_box.bottom + round(layout.size * 0.4)),
            size=label,
            book=book,
            color=pill,
            locale=copy.locale,
        )
    placed = place_logo(image, logo, placement, rtl=text.rtl, palette=rgb_palette) if logo is not None else None
    return Rendered(
        image=image,
        text_box=text_box,
        block_box=block,
        logo_box=placed.box if placed else None,
        logo=placed,
        text_color=text_color,
        scrim_strength=round(strength, 3),
        font_size=layout.size,
        lines=layout.lines,
        text_mask=glyphs.coverage,
        cta_contrast=cta_contrast,
        framing=framing,
        base=base,
        product_box=product_box,
        terms_box=text.terms_box,
        terms_mask=terms_mask,
    )


def _union(a: Box, b: Box) -> Box:
    return Box(min(a.left, b.left), min(a.top, b.top), max(a.right, b.right), max(a.bottom, b.bottom))
