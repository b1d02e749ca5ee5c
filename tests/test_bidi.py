"""Right-to-left headlines read in the same order on every placement: bidi levels come from the whole headline with
the locale's direction, and each rendered line shows them (token positions measured on the rendered pixels)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import icu
import numpy as np
import pytest
from numpy.typing import NDArray

from creative_ai.placements import PLACEMENTS
from creative_ai.render import bidi
from creative_ai.render.compose import Copy, plan_text
from creative_ai.render.text import FontBook, TextLayout, text_mask

BOOK = FontBook.default()
RATIOS = ("1x1", "9x16", "16x9", "4x5")

# Each headline with its tokens in the order a native reader sees them from left to right when it is set on one
# line: the first logical word rightmost, the product name left to right, "30%" digits first.
HEBREW = "קיץ רענן עם Tidewell Fresh ועד 30% הנחה"
HEBREW_VISUAL = ["הנחה", "30", "%", "ועד", "Tidewell", "Fresh", "עם", "רענן", "קיץ"]
ARABIC = "Tidewell Fresh يمنحك خصم 30% هذا الصيف"  # starts with a Latin word: still an Arabic paragraph
ARABIC_VISUAL = ["الصيف", "هذا", "30", "%", "خصم", "يمنحك", "Tidewell", "Fresh"]


def _words(line: str) -> list[str]:
    return [w for part in line.split() for w in ([part[:-1], "%"] if part.endswith("%") else [part])]


def _ink(mask: NDArray[np.uint8]) -> NDArray[np.uint8]:
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _left_to_right(layout: TextLayout, row: int) -> list[str]:
    """The tokens of line ``row`` in the order they stand on the rendered mask, found by template matching."""
    mask = np.asarray(text_mask(layout, book=BOOK))
    band = mask[row * layout.line_height : (row + 1) * layout.line_height].astype(np.float32)
    found: dict[str, int] = {}
    for word in _words(layout.lines[row]):
        alone = BOOK.line(word, layout.size, locale=layout.locale, line_height=layout.line_height)
        scores = cv2.matchTemplate(band, _ink(np.asarray(alone)).astype(np.float32), cv2.TM_CCOEFF_NORMED)
        _, score, _, (x, _) = cv2.minMaxLoc(scores)
        assert score > 0.9, (word, score)
        found[word] = x
    return sorted(found, key=found.__getitem__)


@pytest.mark.parametrize(
    ("locale", "headline", "visual"), [("he", HEBREW, HEBREW_VISUAL), ("ar", ARABIC, ARABIC_VISUAL)]
)
def test_every_placement_shows_the_headline_in_reading_order(locale: str, headline: str, visual: list[str]) -> None:
    breaks = set()
    for ratio in RATIOS:
        layout = plan_text(Copy(headline, locale=locale), placement=PLACEMENTS[ratio], book=BOOK).layout
        breaks.add(layout.lines)
        for row, line in enumerate(layout.lines):
            expected = [w for w in visual if w in _words(line)]
            assert _left_to_right(layout, row) == expected, (ratio, layout.lines, row)
    assert len(breaks) > 1  # the placements break the headline differently; the order holds on each


def _reorder(levels: Sequence[int]) -> list[int]:
    """UAX #9 rule L2 on one line: logical indices in visual order."""
    order = list(range(len(levels)))
    odd = [lv for lv in levels if lv % 2]
    for level in range(max(levels, default=0), min(odd, default=max(levels, default=0) + 1) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


def _alone(spelled: str) -> str:
    """How a shaper shows ``spelled`` resolved as a paragraph of its own (base from its first strong letter)."""
    resolver = icu.Bidi()
    resolver.setPara(icu.UnicodeString(spelled), icu.Bidi.DEFAULT_LTR)
    return "".join(spelled[i] for i in resolver.getVisualMap() if spelled[i] not in bidi.CONTROLS)


@pytest.mark.parametrize(
    ("locale", "headline"),
    [
        ("he", HEBREW),
        ("ar", ARABIC),
        ("he", "Tidewell (חדש) ב-30% הנחה [Fresh] 2026"),
        ("en", "Sale on שלום 30% and ١٢٣ مرحبا today"),
        ("ar", "عرض (Tidewell 30%) مع ٣٠٪ خصم"),
    ],
)
def test_a_spelled_line_resolved_alone_shows_the_paragraph_order(locale: str, headline: str) -> None:
    words = headline.split()
    rtl = locale in ("he", "ar")
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        levels = bidi.levels(bidi.LINE_SEPARATOR.join(lines), rtl=rtl, locale=locale)
        spelled = bidi.spell_lines(lines, rtl=rtl, locale=locale)
        start = 0
        for line, shown in zip(lines, spelled, strict=True):
            expected = "".join(line[i] for i in _reorder(levels[start : start + len(line)]))
            assert _alone(shown) == expected, (lines, line)
            start += len(line) + 1


def test_levels_follow_the_locale_direction_not_the_first_letter() -> None:
    text = "Tidewell לקיץ"
    assert bidi.levels(text, rtl=True) == (2,) * 8 + (1,) * 5
    assert bidi.levels(text, rtl=False) == (0,) * 9 + (1,) * 4
    line = [2] * 8 + [1] * 5
    assert _reorder(line) == [*range(9, 13)[::-1], 8, *range(8)]  # the Hebrew word left of the product name


def test_arabic_percent_follows_cldr_and_hebrew_needs_no_marks() -> None:
    assert bidi.marks_percent("ar") and bidi.marks_percent("ar-EG")
    assert not bidi.marks_percent("he") and not bidi.marks_percent("fa") and not bidi.marks_percent("xx-unknown")
    # After an Arabic word, plain UAX #9 sets % at level 1 ("%30"); the locale's marks keep it with its digits.
    assert bidi.levels("خصم 30%", rtl=True, locale="ar")[-3:] == (2, 2, 2)
    assert bidi.levels("خصم 30%", rtl=True, locale="fa")[-3:] == (2, 2, 1)
    assert bidi.levels("הנחה 30%", rtl=True, locale="he")[-3:] == (2, 2, 2)


def test_left_to_right_copy_is_handed_over_unchanged() -> None:
    lines = ("Make Waves", "This Summer! 30%")
    assert bidi.spell_lines(lines, rtl=False, locale="en") == lines
    assert bidi.spell_lines(["Tidewell \u200f"], rtl=False, locale="en") == ("Tidewell ",)  # the copy's own mark
    spelled = bidi.spell_lines(["\u05e7\u05d9\u05e5"], rtl=True, locale="he")
    assert spelled == ("\u200f\u05e7\u05d9\u05e5",)


def test_a_call_to_action_that_starts_with_a_latin_word_still_reads_right_to_left() -> None:
    from creative_ai.render.text import shown_label

    size = 44
    label = BOOK.line(shown_label("Tidewell לקנייה", "he"), size, locale="he", line_height=60)
    band = np.asarray(label).astype(np.float32)
    x = {}
    for word in ("Tidewell", "לקנייה"):
        alone = _ink(np.asarray(BOOK.line(word, size, locale="he", line_height=60))).astype(np.float32)
        x[word] = cv2.minMaxLoc(cv2.matchTemplate(band, alone, cv2.TM_CCOEFF_NORMED))[3][0]
    assert x["לקנייה"] < x["Tidewell"]  # the product name is read first: rightmost
