"""Pure geometry and measurement of the renderer: crop, fit, scrim, contrast, safe zones."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative_ai.errors import TextFitError
from creative_ai.placements import PLACEMENTS, normalize_ratio
from creative_ai.render.color import contrast, luminance, worst_contrast
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.crop import cover_crop, crop_box_for
from creative_ai.render.measure import content_box, measured_contrast
from creative_ai.render.text import FontBook, fit_text

BOOK = FontBook.default()


def test_ratio_spellings() -> None:
    assert normalize_ratio("1:1") == "1x1" and normalize_ratio("9X16") == "9x16"
    with pytest.raises(ValueError, match="known ratios"):
        normalize_ratio("2:1")


@pytest.mark.parametrize("ratio", list(PLACEMENTS))
def test_cover_crop_exact_size(ratio: str) -> None:
    placement = PLACEMENTS[ratio]
    hero = Image.new("RGB", (1920, 1920), "red")
    assert cover_crop(hero, placement.width, placement.height).size == (placement.width, placement.height)


def test_crop_follows_focal_point_and_clamps() -> None:
    (sw, sh), box = crop_box_for(2000, 1000, 1000, 1000, focal=(0.9, 0.5))
    assert (sw, sh) == (2000, 1000) and box == (1000, 0, 2000, 1000)
    _, centred = crop_box_for(2000, 1000, 1000, 1000)
    assert centred == (500, 0, 1500, 1000)


def test_fit_shrinks_then_fails_below_minimum() -> None:
    short = fit_text("Hi", book=BOOK, max_width=900, max_height=300, max_size=97, min_size=43)
    assert short.size == 97 and short.lines == ("Hi",)
    long = fit_text(
        "Make waves this summer with the whole family",
        book=BOOK,
        max_width=500,
        max_height=300,
        max_size=97,
        min_size=43,
    )
    assert 43 <= long.size < 97 and len(long.lines) <= 3
    assert all(BOOK.measure(line, long.size) <= 500 for line in long.lines)
    with pytest.raises(TextFitError, match="minimum size of 43 px"):
        fit_text("word " * 40, book=BOOK, max_width=500, max_height=300, max_size=97, min_size=43)


def test_wcag_contrast_reference_values() -> None:
    assert contrast(luminance((255, 255, 255)), luminance((0, 0, 0))) == pytest.approx(21.0)
    assert contrast(luminance((255, 255, 255)), luminance((118, 118, 118))) == pytest.approx(4.54, abs=0.01)
    bright = np.full((10, 10, 3), 250, dtype=np.uint8)
    assert worst_contrast((255, 255, 255), bright) < 1.1


@pytest.mark.parametrize("ratio", list(PLACEMENTS))
@pytest.mark.parametrize("background", ["white", "black", "#808080", "#FF6B35"])
def test_text_reaches_wcag_on_any_background_with_the_weakest_scrim(ratio: str, background: str) -> None:
    placement = PLACEMENTS[ratio]
    hero = Image.new("RGB", (placement.width, placement.height), background)
    text = plan_text(Copy("Make Waves This Summer!", "Shop now"), placement=placement, book=BOOK)
    out = render_creative(hero, placement=placement, text=text, palette=["#FF6B35", "#004E89"], logo=None, book=BOOK)
    assert out.image.size == (placement.width, placement.height)
    assert measured_contrast(out.image, out.text_mask, out.text_box, out.text_color) >= 4.5
    assert placement.safe_box().contains(out.block_box)
    assert content_box(placement).contains(out.block_box)
    if background in ("black", "white"):
        assert out.scrim_strength == 0.0  # plain black or white needs no scrim: white or dark text suffices


def test_scrim_is_only_as_strong_as_needed() -> None:
    placement = PLACEMENTS["1x1"]
    text = plan_text(Copy("Make Waves"), placement=placement, book=BOOK)
    mid = render_creative(
        Image.new("RGB", (1080, 1080), "#777777"), placement=placement, text=text, palette=[], logo=None, book=BOOK
    )
    # Mid grey cannot carry white or near-black text at 4.5:1 alone; a partial scrim lifts it just past the bar.
    assert 0 < mid.scrim_strength < 1
    assert 4.5 <= measured_contrast(mid.image, mid.text_mask, mid.text_box, mid.text_color) < 6.0


def test_logo_top_corner_inside_safe_zone() -> None:
    placement = PLACEMENTS["9x16"]
    logo = Image.new("RGBA", (600, 160), (255, 255, 255, 255))
    text = plan_text(Copy("Hello"), placement=placement, book=BOOK)
    out = render_creative(
        Image.new("RGB", (1080, 1920), "navy"), placement=placement, text=text, palette=[], logo=logo, book=BOOK
    )
    assert out.logo_box is not None
    assert placement.safe_box().contains(out.logo_box)
    assert out.logo_box.height == round(0.07 * 1080)
    assert out.logo_box.right > placement.width / 2 and out.logo_box.bottom < out.block_box.top


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("de", "Größer, schöner, 30% günstiger!"),
        ("ru", "Сделай волну этим летом!"),
        ("el", "Κάνε κύμα αυτό το καλοκαίρι!"),
    ],
)
def test_bundled_font_covers_latin_cyrillic_greek_with_digits(locale: str, text: str) -> None:
    assert BOOK.missing(text) == []
    BOOK.require(text, locale=locale)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("ar", "اصنع موجة هذا الصيف! خصم 30%"),
        ("he", "עשו גלים הקיץ! 30% הנחה"),
        ("hi", "इस गर्मी में धूम मचाएं! 30% छूट"),
        ("th", "สร้างคลื่นในฤดูร้อนนี้! ลด 30%"),
        ("ja", "この夏、波を起こそう！30%オフ"),
        ("zh", "今年夏天掀起浪潮！享受30%折扣"),
        ("ko", "이번 여름, 파도를 일으키세요! 30% 할인"),
    ],
)
def test_fallback_faces_cover_every_script_with_digits(locale: str, text: str) -> None:
    assert BOOK.missing(text) == []


def test_uncovered_script_is_named_by_locale() -> None:
    from creative_ai.errors import GlyphCoverageError

    with pytest.raises(GlyphCoverageError, match="locale am: no available font covers 3 character"):
        BOOK.require("ሰላም", locale="am")
