"""Where a line may break, by script: spaces (with hyphenation inside long words), Thai words, Japanese and Chinese
phrases (BudouX, whose models ship in its wheel; characters inside a phrase too long for a line), and never
between a number and its sign or unit.

A text becomes *tokens*: pieces that stay on one line, each with the separator that goes before it when it follows
another token on the same line (" " or ""), or "\n" where the writer broke the line. Wrapping never splits a token;
it drops the separator at a break and always breaks at "\n". A no-break space is part of its token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyphen

# Kinsoku: never at the start of a line (closing marks, small kana, prolonged sound) / never at its end (opening).
NO_START = set(
    "、。，．・：；？！）」』】〕〉》〙〗｝］’”゛゜ヽヾーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲ々〻‐゠–〜%％,.!?)"
)
NO_END = set("（「『【〔〈《〘〖｛［‘“([")
CJK_LANGS = ("ja", "zh")


HARD_BREAK = "\n"
NUMBER = re.compile(r"^[+\-\u2212\u2013]?\d[\d.,\u00a0\u202f]*$")
UNIT_AFTER = tuple("%‰°€$£¥₹％")  # a token starting with one of these belongs to the number before it
UNIT_BEFORE = frozenset("€$£¥₹")  # a token that is one of these belongs to the number after it
SPACED_PUNCTUATION = frozenset({"!", "?", ":", ";", "»", "!»", "?»"})
_BREAKABLE_SPACE = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Token:
    text: str
    sep: str  # what goes between the previous token and this one on the same line; "\n": a line break
    hyphen: bool = False  # a piece of a hyphenated word: a break after it shows "-"


def language(locale: str) -> str:
    return locale.split("-")[0].lower()


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


@cache
def _thai_words(chunk: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(w for w in word_tokenize(chunk, engine="newmm", keep_whitespace=False) if w)


@cache
def _phrase_parser(locale: str) -> Any:
    import budoux

    if language(locale) == "ja":
        return budoux.load_default_japanese_parser()
    tags = locale.lower().split("-")
    if "hant" in tags or ("hans" not in tags and any(t in tags for t in ("tw", "hk", "mo"))):
        return budoux.load_default_traditional_chinese_parser()
    return budoux.load_default_simplified_chinese_parser()


def _phrases(chunk: str, locale: str) -> list[str]:
    """Japanese or Chinese phrases (BudouX): breaks fall between them, as a native typesetter would put them."""
    return [p for p in _phrase_parser(locale).parse(chunk) if p]


def _cjk_tokens(chunk: str) -> list[str]:
    """Characters, with Latin/digit runs kept whole, closing marks glued to what precedes them and opening marks
    to what follows."""
    pieces: list[str] = []
    for char in chunk:
        if pieces and not _is_wide(char) and not _is_wide(pieces[-1][-1]) and char not in NO_START | NO_END:
            pieces[-1] += char  # a run of narrow characters (30, SALE) stays whole
        else:
            pieces.append(char)
    tokens: list[str] = []
    carry = ""
    for piece in pieces:
        if piece in NO_END or (len(piece) == 1 and piece in NO_END):
            carry += piece
            continue
        piece = carry + piece
        carry = ""
        if tokens and piece[0] in NO_START:
            tokens[-1] += piece
        else:
            tokens.append(piece)
    if carry:
        if tokens:
            tokens[-1] += carry
        else:
            tokens.append(carry)
    return tokens


def _belongs_to_previous(previous: Token, token: Token) -> bool:
    if token.sep == HARD_BREAK:
        return False
    if not token.sep and (token.text[0] in NO_START or previous.text[-1] in NO_END):
        return True  # "!" or "%" never starts a line
    if token.sep == " " and token.text in SPACED_PUNCTUATION:
        return True  # French sets a space before "!", "?", ":", ";" and "»": the mark still never starts a line
    # A number keeps its sign or unit ("30 %", "-30 %", "€ 30", "30 €"), whatever the script.
    number_then_unit = NUMBER.match(previous.text.split(" ")[-1]) and token.text.startswith(UNIT_AFTER)
    sign_then_number = previous.text in UNIT_BEFORE and NUMBER.match(token.text)
    return bool(number_then_unit or sign_then_number)


def tokens(text: str, locale: str) -> list[Token]:
    """The unbreakable pieces of ``text`` for ``locale``."""
    out: list[Token] = []
    for token in _pieces(text, locale):
        if out and _belongs_to_previous(out[-1], token):
            out[-1] = Token(out[-1].text + token.sep + token.text, out[-1].sep)
        else:
            out.append(token)
    return out


def _pieces(text: str, locale: str) -> list[Token]:
    lang = language(locale)
    out: list[Token] = []
    chunks = [
        (HARD_BREAK if j == 0 and out_line else " " if j else "", chunk)
        for out_line, line in enumerate(text.split(HARD_BREAK))
        for j, chunk in enumerate(c for c in _BREAKABLE_SPACE.split(line.strip(" \t")) if c)
    ]
    for i, (given, chunk) in enumerate(chunks):
        sep = given if i else ""
        if lang in CJK_LANGS:
            parts = _phrases(chunk, locale)
        elif lang == "th" or any("\u0e00" <= c <= "\u0e7f" for c in chunk):
            parts = list(_thai_words(chunk)) or [chunk]
        else:
            parts = [chunk]
        for j, part in enumerate(parts):
            out.append(Token(part, sep if j == 0 else ""))
    return out


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen | None:
    for candidate in (lang, f"{lang}_{lang.upper()}"):
        if candidate in pyphen.LANGUAGES:
            return pyphen.Pyphen(lang=candidate)
    return None


def hyphenate(token: Token, locale: str) -> list[Token]:
    """A word too long for a line split at its hyphenation points (dictionary of the locale's language); a
    Japanese or Chinese phrase split between its characters (kinsoku kept); or itself."""
    if language(locale) in CJK_LANGS:
        chars = _cjk_tokens(token.text)
        if len(chars) < 2:
            return [token]
        return [Token(c, token.sep if k == 0 else "") for k, c in enumerate(chars)]
    dic = _hyphenator(language(locale))
    if dic is None or len(token.text) < 8:
        return [token]
    parts = dic.inserted(token.text, hyphen="\u00ad").split("\u00ad")
    if len(parts) < 2:
        return [token]
    return [Token(p, token.sep if k == 0 else "", hyphen=k < len(parts) - 1) for k, p in enumerate(parts)]
