"""Fonts, glyph coverage and auto-fit of the headline.

Text is laid out as *runs*, each set in one font. Today the font book holds the bundled Latin/Cyrillic/Greek
face; more faces (with their own scripts) slot in through :class:`FontBook` without changing the callers:
``runs()`` picks, per character, the first face that covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageDraw, ImageFont, features

from creative_ai.errors import GlyphCoverageError, TextFitError

LINE_HEIGHT = 1.12


def _bundled(name: str) -> Path:
    with as_file(files("creative_ai") / "fonts" / name) as path:
        return Path(path)


@dataclass(frozen=True)
class Face:
    """One font file and the characters it covers."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    def covers(self, char: str) -> bool:
        return ord(char) in _cmap(str(self.path)) or char.isspace()


@cache
def _cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap().keys())


@cache
def _pil_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


@lru_cache(maxsize=8192)
def _measure(path: str, text: str, size: int) -> float:
    """Advance width of ``text`` (fitting asks the same questions for every placement and locale)."""
    return float(_pil_font(path, size).getlength(text))


class FontBook:
    """Ordered faces; the first that covers a character sets it."""

    def __init__(self, faces: Sequence[Face]) -> None:
        if not faces:
            raise ValueError("a font book needs at least one face")
        self.faces = tuple(faces)

    @classmethod
    def default(cls, weight: str = "Bold") -> FontBook:
        return cls([Face(_bundled(f"Inter-{weight}.otf"))])

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` no face covers, in order of first appearance."""
        out: list[str] = []
        for char in text:
            if char not in out and not any(face.covers(char) for face in self.faces):
                out.append(char)
        return out

    def require(self, text: str, *, locale: str) -> None:
        missing = self.missing(text)
        if missing:
            shown = "".join(missing[:12])
            raise GlyphCoverageError(
                f"locale {locale}: no available font covers {len(missing)} character(s) of the copy "
                f"({shown!r}); fonts: {', '.join(f.name for f in self.faces)}"
            )

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        """The primary face at ``size`` (single-face books set every run in it)."""
        return _pil_font(str(self.faces[0].path), size)

    def measure(self, text: str, size: int) -> float:
        return _measure(str(self.faces[0].path), text, size)


@dataclass(frozen=True)
class TextLayout:
    """A fitted headline: its size, lines, and block size in pixels."""

    text: str
    size: int
    lines: tuple[str, ...]
    line_height: int
    width: int
    height: int


def wrap(words: Sequence[str], *, book: FontBook, size: int, max_width: float) -> list[str] | None:
    """Greedy wrap; None when one word alone is wider than ``max_width``."""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if book.measure(candidate, size) <= max_width:
            current = candidate
            continue
        if not current or book.measure(word, size) > max_width:
            return None
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def _layout(
    text: str, *, book: FontBook, size: int, max_width: int, max_height: int, max_lines: int
) -> TextLayout | None:
    lines = wrap(text.split(), book=book, size=size, max_width=max_width)
    if lines is None or len(lines) > max_lines:
        return None
    line_height = round(size * LINE_HEIGHT)
    height = line_height * len(lines)
    if height > max_height:
        return None
    width = max(round(book.measure(line, size)) for line in lines)
    return TextLayout(text, size, tuple(lines), line_height, width, height)


def fit_text(
    text: str,
    *,
    book: FontBook,
    max_width: int,
    max_height: int,
    max_size: int,
    min_size: int,
    max_lines: int = 3,
) -> TextLayout:
    """The largest size in [min_size, max_size] at which ``text`` wraps into the box; TextFitError below min."""
    smallest = _layout(text, book=book, size=min_size, max_width=max_width, max_height=max_height, max_lines=max_lines)
    if smallest is None:
        raise TextFitError(
            f"the message ({len(text)} characters) does not fit in {max_lines} lines of a {max_width}×{max_height} px "
            f"text box even at the minimum size of {min_size} px; shorten it"
        )
    lo, hi, best = min_size, max_size, smallest
    while lo < hi:
        mid = (lo + hi + 1) // 2
        found = _layout(text, book=book, size=mid, max_width=max_width, max_height=max_height, max_lines=max_lines)
        if found is None:
            hi = mid - 1
        else:
            lo, best = mid, found
    return best


def draw_lines(
    draw: ImageDraw.ImageDraw,
    layout: TextLayout,
    *,
    book: FontBook,
    origin: tuple[int, int],
    align: str = "left",
    fill: int = 255,
) -> None:
    """Draw the layout's lines into ``draw`` (an ``L`` mask), top-left at ``origin``."""
    font = book.font(layout.size)
    x0, y0 = origin
    ascent, descent = font.getmetrics()
    pad = (layout.line_height - (ascent + descent)) // 2
    for i, line in enumerate(layout.lines):
        width = book.measure(line, layout.size)
        x = x0 + (layout.width - width if align == "right" else 0)
        draw.text((x, y0 + i * layout.line_height + pad), line, font=font, fill=fill)
