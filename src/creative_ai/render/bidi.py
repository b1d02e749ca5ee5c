"""Bidirectional copy (UAX #9): embedding levels resolved once over the whole headline, then each line shown by them.

A shaper (Pango, Pillow with raqm) resolves every string it is given as a paragraph of its own and guesses the
base direction from the first strong letter; a Hebrew line that starts with a product name would come out left to
right, and an Arabic "30%" would read differently on a line of its own than after an Arabic word. So the levels
come from the whole headline with the locale's base direction (ICU's ubidi), the lines being one paragraph joined
by U+2028 (class WS: a separator between words, not between paragraphs). Each line is then *spelled* for the
shaper: a mark that fixes its base direction (RLM or LRM) and every stretch above a level inside an isolate
(LRI/RLI … PDI) of the next level, so the shaper's own resolution of the line lands on the paragraph's levels; the
shaper reorders the line from them (rule L2) and mirrors brackets (L4). The same copy reads in the same order on
every line width.

Percent after Latin digits follows the locale's CLDR number format: where CLDR spells the percent sign with LRM
marks (Arabic: ``30‎%‎``), the marks are applied when resolving, so "30%" reads left to right — digits, then % —
wherever the number falls (plain UAX #9 would give "%30" after an Arabic word and "30%" at a line's start). Hebrew
resolves "30%" left to right without marks; Persian and Saudi Arabic (no marks in CLDR) keep plain UAX #9.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from itertools import groupby

LRM, RLM = "\u200e", "\u200f"
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"
LINE_SEPARATOR = "\u2028"
CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI"})  # classes that can raise an LTR level


@cache
def marks_percent(locale: str) -> bool:
    """Whether the locale's CLDR percent sign for Latin digits carries LRM marks (ar, ar-EG, ar-AE: yes)."""
    from babel import Locale, UnknownLocaleError

    try:
        symbols = Locale.parse(locale.replace("-", "_")).number_symbols.get("latn", {})
    except (ValueError, UnknownLocaleError):
        return False
    return LRM in symbols.get("percentSign", "")


def _percent_marked(text: str) -> tuple[str, list[int]]:
    """``text`` with LRM on both sides of each % that follows a Latin digit, and where each character went."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        mark = char == "%" and i > 0 and "0" <= text[i - 1] <= "9"
        if mark:
            out.append(LRM)
        where.append(len(out))
        out.append(char)
        if mark:
            out.append(LRM)
    return "".join(out), where


def levels(text: str, *, rtl: bool, locale: str = "und") -> tuple[int, ...]:
    """The UAX #9 embedding level of each character of ``text`` read as one paragraph whose base direction is
    right-to-left or left-to-right as given (never guessed from the first strong letter)."""
    import icu

    marked, where = _percent_marked(text) if marks_percent(locale) else (text, list(range(len(text))))
    source = icu.UnicodeString(marked)
    resolver = icu.Bidi()
    resolver.setPara(source, 1 if rtl else 0)
    units = resolver.getLevels()  # one per UTF-16 code unit
    per_char: list[int] = []
    unit = 0
    for char in marked:
        per_char.append(int(units[unit]))
        unit += 2 if ord(char) > 0xFFFF else 1
    return tuple(per_char[i] for i in where)


def _nest(text: str, text_levels: Sequence[int], current: int) -> str:
    """``text`` at level ``current`` with each stretch above it inside an isolate of the next level."""
    parts: list[str] = []
    start = 0
    for above, group in groupby(text_levels, key=lambda level: level > current):
        end = start + len(list(group))
        chunk = text[start:end]
        if above:
            inner = current + 1
            opener = RLI if inner % 2 else LRI
            parts.append(opener + _nest(chunk, text_levels[start:end], inner) + PDI)
        else:
            parts.append(chunk)
        start = end
    return "".join(parts)


def spell_line(line: str, line_levels: Sequence[int], *, rtl: bool) -> str:
    """``line`` spelled so that a shaper resolving it alone gives it ``line_levels``; the copy's own bidi controls
    are dropped (their effect is in the levels already)."""
    kept = [(c, level) for c, level in zip(line, line_levels, strict=True) if c not in CONTROLS]
    text = "".join(c for c, _ in kept)
    base = 1 if rtl else 0
    if not rtl and all(level == base for _, level in kept):
        return text
    return (RLM if rtl else LRM) + _nest(text, [level for _, level in kept], base)


def spell_lines(lines: Sequence[str], *, rtl: bool, locale: str) -> tuple[str, ...]:
    """Every line of a paragraph spelled with the paragraph's levels (see the module docstring); left-to-right
    copy with nothing that could raise a level comes back as it is."""
    if not rtl and not any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for line in lines for c in line):
        return tuple(lines)
    paragraph = levels(LINE_SEPARATOR.join(lines), rtl=rtl, locale=locale)
    out: list[str] = []
    start = 0
    for line in lines:
        out.append(spell_line(line, paragraph[start : start + len(line)], rtl=rtl))
        start += len(line) + 1
    return tuple(out)
