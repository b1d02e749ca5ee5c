"""The writer's line breaks and no-break spaces are kept, from the brief to the pixels."""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_ai.brief import parse_brief
from creative_ai.render.linebreak import tokens
from creative_ai.render.text import FontBook, balance, fit_text, wrap
from tests.conftest import base_brief


def test_the_brief_keeps_line_breaks_and_no_break_spaces() -> None:
    brief = parse_brief(
        base_brief(
            campaign_message="  Stay   fresh \r\n\n all\u00a0summer  ",
            cta="Shop\nnow",
            locales=["en", "de"],
            messages={"de": "A\nB"},
        )
    )
    assert brief.campaign_message == "Stay fresh\nall\u00a0summer"  # spaces collapsed, the empty line dropped
    assert brief.cta == "Shop now"  # a label is one line
    assert brief.messages["de"] == "A\nB"


def test_wrapping_breaks_where_the_writer_did_and_never_at_a_no_break_space() -> None:
    wide = wrap(tokens("Stay fresh\nall summer", "en"), measure=len, max_width=100)
    assert wide == ["Stay fresh", "all summer"]  # both would fit on one line; the writer broke it
    narrow = wrap(tokens("Jetzt 30\u00a0% Rabatt", "de"), measure=len, max_width=6)
    assert narrow == ["Jetzt", "30\u00a0%", "Rabatt"]  # "30 %" stays whole even where "30" alone would fit


def test_a_written_line_break_reads_back_as_two_lines(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    rapidocr = pytest.importorskip("rapidocr")
    summary = make_campaign(base_brief(campaign_message="Stay\nfresh", aspect_ratios=["16x9"]), output="out")
    assert summary.status == "succeeded"
    engine = rapidocr.RapidOCR(params={"Global.log_level": "critical"})
    found = engine(str(workdir / summary.variants[0].file_path))
    lines = [
        (text.lower(), min(y for _x, y in box))
        for text, box in zip(found.txts or (), found.boxes if found.boxes is not None else (), strict=True)
    ]
    first = [y for text, y in lines if "stay" in text]
    second = [y for text, y in lines if "fresh" in text]
    assert first and second and first[0] < second[0], lines  # "Stay fresh" fits one line: the break is the writer's
    assert not any("stay" in text and "fresh" in text for text, _y in lines), lines


@pytest.mark.parametrize(
    ("text", "locale", "whole"),
    [
        ("Mach Wellen diesen Sommer! 30 % Rabatt", "de", "30 %"),
        ("Faites des vagues cet été ! -30 %", "fr", "-30 %"),
        ("Nur heute € 30 für alle", "de", "€ 30"),
        ("Make Waves This Summer! 30% off", "en", "30%"),
        ("この夏、波を起こそう！30%オフ", "ja", "30%オフ"),
        ("今年夏天掀起浪潮！享受30%折扣", "zh", "30%折扣"),
    ],
)
def test_no_width_breaks_a_number_from_its_sign_or_unit(text: str, locale: str, whole: str) -> None:
    pieces = tokens(text, locale)
    assert whole in [t.text for t in pieces]
    for width in range(max(len(t.text) for t in pieces), len(text) + 1):
        lines = wrap(pieces, measure=len, max_width=width, locale=locale)
        assert lines is not None and any(whole in line for line in lines), (width, lines)


def test_japanese_breaks_between_phrases_and_never_inside_one() -> None:
    phrases = ["この", "夏、", "波を", "起こそう！", "30%オフ"]
    for width in range(6, 16):
        lines = wrap(tokens("".join(phrases), "ja"), measure=len, max_width=width, locale="ja")
        assert lines is not None
        assert all(any(line.startswith(p) for p in phrases) for line in lines), (width, lines)  # a line opens a phrase


def test_a_phrase_longer_than_the_line_breaks_between_its_characters() -> None:
    lines = wrap(tokens("起こそう！", "ja"), measure=len, max_width=3, locale="ja")
    assert lines == ["起こそ", "う！"]  # kinsoku: "！" never starts a line


def test_french_punctuation_after_its_space_never_starts_a_line() -> None:
    for width in range(6, 30):
        lines = wrap(tokens("Faites des vagues cet été !", "fr"), measure=len, max_width=width, locale="fr")
        assert lines is not None and not any(line.startswith("!") for line in lines), (width, lines)


def test_no_one_word_last_line_when_a_balanced_break_exists() -> None:
    book = FontBook.default()
    for width in (700, 800, 900, 1000):  # greedy would set "Make Waves This" over a lone "Summer!" at some widths
        fitted = fit_text(
            "Make Waves This Summer!", book=book, max_width=width, max_height=400, max_size=97, min_size=43
        )
        assert fitted.lines == ("Make Waves", "This Summer!"), (width, fitted.lines)
    pieces = tokens("Soft cotton towels dry fast and fold small", "en")
    greedy = wrap(pieces, measure=len, max_width=38)
    assert greedy == ["Soft cotton towels dry fast and fold", "small"]
    assert balance(pieces, greedy, measure=len, max_width=38, locale="en") == [
        "Soft cotton towels dry",
        "fast and fold small",
    ]


def test_balancing_leaves_one_line_written_breaks_and_cjk_alone() -> None:
    one = tokens("Stay fresh", "en")
    assert balance(one, ["Stay fresh"], measure=len, max_width=40, locale="en") == ["Stay fresh"]
    written = tokens("Stay fresh all\nsummer", "en")
    lines = wrap(written, measure=len, max_width=40)
    assert (
        lines == ["Stay fresh all", "summer"]
        and balance(written, lines, measure=len, max_width=40, locale="en") == lines
    )


def test_balancing_finds_an_even_break_greedy_wrapping_never_tries() -> None:
    pieces = tokens("Shop the summer collection", "en")
    greedy = wrap(pieces, measure=len, max_width=20)
    assert greedy == ["Shop the summer", "collection"]
    assert balance(pieces, greedy, measure=len, max_width=20, locale="en") == ["Shop the", "summer collection"]


def test_simplified_chinese_in_hong_kong_uses_the_simplified_phrases() -> None:
    text = "今年夏天掀起浪潮！享受30%折扣"
    assert tokens(text, "zh-Hans-HK") == tokens(text, "zh")
    assert tokens(text, "zh-Hant-HK") == tokens(text, "zh-TW") != tokens(text, "zh")
