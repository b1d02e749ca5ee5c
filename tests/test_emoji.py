"""Emoji in the copy are drawn in their own colours (Noto Color Emoji), where the line puts them; the text keeps
the text colour and the checks measure the text glyphs against the background, not the emoji."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from creative_ai.placements import PLACEMENTS
from creative_ai.render.compose import Copy, Rendered, plan_text, render_creative
from creative_ai.render.measure import measured_contrast
from creative_ai.render.text import Face, FontBook, text_glyphs
from tests.conftest import as_json, base_brief

BOOK = FontBook.default()
GREY = (70, 70, 70)


def _render(headline: str, ratio: str, locale: str = "en") -> Rendered:
    placement = PLACEMENTS[ratio]
    text = plan_text(Copy(headline, locale=locale), placement=placement, book=BOOK)
    hero = Image.new("RGB", (placement.width, placement.height), GREY)
    return render_creative(hero, placement=placement, text=text, palette=["#FF6B35"], logo=None, book=BOOK)


def _saturated(rendered: Rendered) -> NDArray[np.bool_]:
    """Pixels of the text box in colour: on a grey picture with white or ink text only the emoji are."""
    hsv = np.asarray(rendered.image.crop(rendered.text_box.as_tuple()).convert("HSV")).astype(int)
    return (hsv[..., 1] > 100) & (hsv[..., 2] > 60)


def test_the_emoji_face_covers_emoji_and_marks_them_as_colour() -> None:
    assert BOOK.missing("Stay fresh 🌊 🛒") == []
    assert BOOK.has_colour("Stay fresh 🌊") and BOOK.has_colour("Sun \u2600\ufe0f")
    assert not BOOK.has_colour("Stay fresh, 30% off") and not BOOK.has_colour("עשו גלים 30%")
    text_only = FontBook([BOOK.brand, *(f for f in BOOK.faces if not f.colour)])
    assert text_only.missing("Stay fresh 🌊") == ["🌊"]  # without the font the variant fails, naming the emoji
    assert Face(Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")).colour and not BOOK.brand.colour


@pytest.mark.parametrize("ratio", ["1x1", "9x16", "16x9", "4x5"])
def test_the_emoji_is_drawn_in_colour_after_the_words(ratio: str) -> None:
    rendered = _render("Stay fresh 🌊", ratio)
    assert rendered.lines == ("Stay fresh 🌊",)
    size = rendered.font_size
    ys, xs = np.nonzero(_saturated(rendered))
    assert len(xs) > 0.25 * size * size  # a glyph's worth of coloured pixels, not a fringe
    words = BOOK.measure("Stay fresh ", size)
    assert xs.min() >= words - 2 and xs.max() < rendered.text_box.width  # where the line sets it: after the words
    glyphs = text_glyphs(plan_text(Copy("Stay fresh 🌊"), placement=PLACEMENTS[ratio], book=BOOK).layout, book=BOOK)
    assert glyphs.colour is not None
    mask, alpha = np.asarray(glyphs.mask), np.asarray(glyphs.colour.getchannel("A"))
    assert mask[:, xs.min() :].max() == 0 and alpha[:, : round(words) - 4].max() == 0  # one layer each
    assert np.array_equal(np.asarray(rendered.text_mask), np.maximum(mask, alpha))
    # The words are still painted in the text colour.
    painted = np.asarray(rendered.image.crop(rendered.text_box.as_tuple()))[mask == 255]
    assert (painted == rendered.text_color).all()
    words_rows = np.nonzero(mask.max(axis=1))[0]
    assert abs((ys.min() + ys.max()) / 2 - (words_rows.min() + words_rows.max()) / 2) < 0.2 * size  # same line


def test_the_line_is_measured_with_its_emoji() -> None:
    size = 96
    with_emoji, words = BOOK.measure("Stay fresh 🌊", size), BOOK.measure("Stay fresh", size)
    assert with_emoji - words > 0.9 * size  # the emoji's advance counts when fitting the line
    glyphs = BOOK.glyphs("Stay fresh 🌊", size, locale="en", line_height=BOOK.line_height("Stay fresh 🌊", size))
    assert abs(glyphs.size[0] - with_emoji) <= 1


def test_legibility_measures_the_words_not_the_emoji() -> None:
    rendered = _render("Stay fresh 🌊", "1x1")
    plain = _render("Stay fresh", "1x1")
    measured = measured_contrast(rendered.image, rendered.text_mask, rendered.text_box, rendered.text_color)
    assert measured == measured_contrast(plain.image, plain.text_mask, plain.text_box, plain.text_color) >= 4.5
    glyphs = text_glyphs(plan_text(Copy("Stay fresh 🌊"), placement=PLACEMENTS["1x1"], book=BOOK).layout, book=BOOK)
    # Counted as background, the wave's white foam would pull the measured contrast down.
    assert measured_contrast(rendered.image, glyphs.mask, rendered.text_box, rendered.text_color) < measured - 1


def test_an_emoji_ends_a_right_to_left_line_on_its_left() -> None:
    rendered = _render("קיץ רענן 🌊", "1x1", locale="he")
    _, xs = np.nonzero(_saturated(rendered))
    mask = np.asarray(
        text_glyphs(
            plan_text(Copy("קיץ רענן 🌊", locale="he"), placement=PLACEMENTS["1x1"], book=BOOK).layout, book=BOOK
        ).mask
    )
    hebrew = np.nonzero(mask.max(axis=0))[0]
    assert len(xs) > 0 and xs.max() < hebrew.min()  # read right to left, the wave comes last


def test_a_brief_with_emoji_renders_every_variant_and_passes_its_checks(make_campaign) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(
        campaign_message="Stay fresh 🌊", cta="Shop now 🛒", aspect_ratios=["1x1", "9x16", "16x9", "4x5"]
    )
    summary = as_json(make_campaign(brief))
    assert summary["status"] == "succeeded" and summary["variants_ok"] == 4, summary
    for variant in summary["variants"]:
        legibility = next(c for c in variant["checks"] if c["name"] == "legibility")
        assert legibility["status"] == "pass" and legibility["measured"]["contrast_ratio"] >= 4.5
        assert Path(variant["file_path"]).is_file()


def test_the_call_to_action_draws_its_emoji_in_colour() -> None:
    placement = PLACEMENTS["1x1"]
    text = plan_text(Copy("Stay fresh", cta="Shop 🌊"), placement=placement, book=BOOK)
    hero = Image.new("RGB", (placement.width, placement.height), GREY)
    rendered = render_creative(hero, placement=placement, text=text, palette=["#808080"], logo=None, book=BOOK)
    block = rendered.block_box
    pill = rendered.image.crop((block.left, rendered.text_box.bottom, block.right, block.bottom)).convert("HSV")
    hsv = np.asarray(pill).astype(int)
    coloured = (hsv[..., 1] > 100) & (hsv[..., 2] > 60)
    assert coloured.sum() > 0.25 * (0.45 * rendered.font_size) ** 2  # the grey pill, its label and the wave


@pytest.mark.parametrize("emoji", ["👨\u200d👩\u200d👧", "🇩🇪", "👍🏽", "1\ufe0f\u20e3", "\u2600\ufe0f"])
def test_emoji_sequences_are_covered_and_set_as_one_colour_glyph(emoji: str) -> None:
    assert BOOK.missing(f"Go {emoji}") == []  # joiners, modifiers and presentation selectors included
    single = BOOK.measure("Go 🌊", 60)
    assert abs(BOOK.measure(f"Go {emoji}", 60) - single) <= 2  # one glyph wide, not one per code point
    glyphs = BOOK.glyphs(f"Go {emoji}", 60, locale="en", line_height=80)
    assert glyphs.colour is not None and np.asarray(glyphs.colour.getchannel("A")).max() == 255
