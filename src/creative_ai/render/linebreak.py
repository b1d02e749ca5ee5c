"""Where a line may break, by script: spaces (with hyphenation inside long words), Thai words, CJK characters.

A text becomes *tokens*: pieces that stay on one line, each with the separator that goes before it when it follows
another token on the same line (" " or ""), or "\n" where the writer broke the line. Wrapping never splits a token;
it drops the separator at a break and always breaks at "\n". A no-break space is part of its token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pyphen

# Kinsoku: never at the start of a line (closing marks, small kana, prolonged sound) / never at its end (opening).
NO_START = set(
    "、。，．・：；？！）」』】〕〉》〙〗｝］’”゛゜ヽヾーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲ々〻‐゠–〜%％,.!?)"
)
NO_END = set("（「『【〔〈《〘〖｛［‘“([")
CJK_LANGS = ("ja", "zh")


HARD_BREAK = "\n"
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


def tokens(text: str, locale: str) -> list[Token]:
    """The unbreakable pieces of ``text`` for ``locale``."""
    out: list[Token] = []
    for token in _pieces(text, locale):
        if out and not token.sep and (token.text[0] in NO_START or out[-1].text[-1] in NO_END):
            out[-1] = Token(out[-1].text + token.text, out[-1].sep)  # "!" or "%" never starts a line
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
            parts = _cjk_tokens(chunk)
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
    """A long word split at its hyphenation points (dictionary of the locale's language), or itself."""
    dic = _hyphenator(language(locale))
    if dic is None or len(token.text) < 8:
        return [token]
    parts = dic.inserted(token.text, hyphen="\u00ad").split("\u00ad")
    if len(parts) < 2:
        return [token]
    return [Token(p, token.sep if k == 0 else "", hyphen=k < len(parts) - 1) for k, p in enumerate(parts)]
