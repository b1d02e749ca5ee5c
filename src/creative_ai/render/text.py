"""Fonts, glyph coverage, line breaking and auto-fit of the copy, for every script.

The brand face (Inter, bundled) sets copy it covers alone with Pillow; any other copy is set by Pango with the
Noto faces as fallbacks (Arabic, Hebrew, Devanagari, Thai, CJK), which shapes each line. Bidirectional order is
resolved over the whole headline with the locale's direction, and each line handed over spelled with those levels
(see :mod:`creative_ai.render.bidi`). Emoji (Noto Color Emoji) keep their own colours on a layer over the text
mask (see :mod:`creative_ai.render.glyphs`). Coverage is checked against the same faces before anything is drawn:
no missing-glyph boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import as_file, files
from itertools import combinations, pairwise
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image

from creative_ai.errors import GlyphCoverageError, TextFitError
from creative_ai.render import bidi, shaping
from creative_ai.render.glyphs import Glyphs, stack
from creative_ai.render.linebreak import CJK_LANGS, HARD_BREAK, Token, hyphenate, language, tokens

SYSTEM_FACES = (
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",  # colour glyphs (Debian fonts-noto-color-emoji)
)
COLOUR_TABLES = frozenset({"CBDT", "COLR", "sbix", "SVG "})
EMOJI_PRESENTATION = "\ufe0f"
BALANCE_TOKENS = 16  # more tokens than this are left as wrapped (the search grows with the ways to break)
RTL_LANGS = ("ar", "he", "fa", "ur", "yi")
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
        return ord(char) in _cmap(str(self.path)) or char.isspace() or char in INVISIBLE

    @property
    def colour(self) -> bool:
        """Whether the face draws its glyphs in colour (bitmap or layered colour tables: emoji)."""
        return _is_colour(str(self.path))


@lru_cache(maxsize=8192)
def _brand_sets(path: str, text: str) -> bool:
    """Whether the face at ``path`` alone sets ``text`` (asked for every line and size a fit tries: cached)."""
    cmap = _cmap(path)
    return EMOJI_PRESENTATION not in text and all(ord(c) in cmap or c.isspace() or c in INVISIBLE for c in text)


INVISIBLE = frozenset("\u200b\u200c\u200d\u00ad\u2060\ufe0e\ufe0f") | bidi.CONTROLS


@cache
def _is_colour(path: str) -> bool:
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return bool(COLOUR_TABLES & set(font.keys()))


@cache
def _cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap().keys())


@cache
def is_rtl(locale: str) -> bool:
    """Whether the locale writes right to left (CLDR through babel; a short list when babel does not know it)."""
    from babel import Locale, UnknownLocaleError

    try:
        return bool(Locale.parse(locale.replace("-", "_")).text_direction == "rtl")
    except (ValueError, UnknownLocaleError):
        return locale.split("-")[0].lower() in RTL_LANGS


class FontBook:
    """The brand face first, then the fallback faces; copy the brand face covers alone never leaves it."""

    def __init__(self, faces: Sequence[Face]) -> None:
        if not faces:
            raise ValueError("a font book needs at least one face")
        self.faces = tuple(faces)
        self.brand = self.faces[0]

    @classmethod
    def default(cls, weight: str = "Bold") -> FontBook:
        system = [Face(Path(p)) for p in SYSTEM_FACES if Path(p).is_file()]
        return cls([Face(_bundled(f"Inter-{weight}.otf")), *system])

    @property
    def brand_family(self) -> str:
        return _family(str(self.brand.path))

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

    def has_colour(self, text: str) -> bool:
        """Whether ``text`` may hold a colour glyph: a character a colour face covers and the brand face does not,
        or an emoji presentation selector (the line is then set in two layers, which sorts its glyphs exactly)."""
        if EMOJI_PRESENTATION in text:
            return True
        colour = [f for f in self.faces if f.colour]
        return any(not self.brand.covers(c) and any(f.covers(c) for f in colour) for c in text)

    def brand_covers(self, text: str) -> bool:
        """Whether the brand face alone sets ``text`` (no fallback face, no complex shaping, no emoji presentation
        asked for)."""
        return _brand_sets(str(self.brand.path), text)

    def measure(self, text: str, size: int, locale: str = "en") -> float:
        """Advance width of one line of ``text``."""
        if self.brand_covers(text):
            return shaping.pillow_width(str(self.brand.path), text, size)
        width, _ = shaping.pango_size(
            text, size=size, brand=self.brand.path, brand_family=self.brand_family, locale=locale
        )
        return float(width)

    def line_height(self, text: str, size: int, locale: str = "en") -> int:
        """Pitch of the lines of ``text``: the brand face's, or the tallest fallback line Pango sets."""
        base = round(size * LINE_HEIGHT)
        if self.brand_covers(text):
            return base
        _, height = shaping.pango_size(
            text, size=size, brand=self.brand.path, brand_family=self.brand_family, locale=locale
        )
        return max(base, height)

    def line(self, text: str, size: int, *, locale: str, line_height: int) -> Image.Image:
        """One line of ``text`` as an ``L`` mask ``line_height`` tall (without its colour glyphs)."""
        return self.glyphs(text, size, locale=locale, line_height=line_height).mask

    def glyphs(self, text: str, size: int, *, locale: str, line_height: int) -> Glyphs:
        """One line of ``text`` ``line_height`` tall: the text glyphs' mask and, when it has some, its colour glyphs."""
        if self.brand_covers(text):
            return Glyphs(shaping.pillow_line(str(self.brand.path), text, size, line_height))
        brand, family = self.brand.path, self.brand_family
        if self.has_colour(text):
            mask, colour = shaping.pango_layers(text, size=size, brand=brand, brand_family=family, locale=locale)
            return Glyphs(mask, colour).centred(line_height)
        mask = shaping.pango_line(text, size=size, brand=brand, brand_family=family, locale=locale)
        return Glyphs(mask).centred(line_height)


@cache
def _family(path: str) -> str:
    with TTFont(path, lazy=True) as font:
        return str(font["name"].getDebugName(1))


def shown_label(label: str, locale: str) -> str:
    """A one-line label (the CTA) as the shaper gets it: spelled with its bidi levels in the locale's direction."""
    return bidi.spell_lines((label,), rtl=is_rtl(locale), locale=locale)[0]


@dataclass(frozen=True)
class TextLayout:
    """A fitted headline: its size, lines, and block size in pixels."""

    text: str
    size: int
    lines: tuple[str, ...]
    line_height: int
    width: int
    height: int
    locale: str = "en"

    @property
    def rtl(self) -> bool:
        return is_rtl(self.locale)

    @property
    def shown(self) -> tuple[str, ...]:
        """The lines as the shaper gets them: spelled with the headline's bidi levels."""
        return bidi.spell_lines(self.lines, rtl=self.rtl, locale=self.locale)


def wrap(
    pieces: Sequence[Token], *, measure: Callable[[str], float], max_width: float, locale: str = "en"
) -> list[str] | None:
    """Greedy wrap of ``pieces``; a word too wide alone is hyphenated (the locale's dictionary) or None."""
    queue = list(pieces)
    lines: list[str] = []
    current, hyphen = "", False
    while queue:
        token = queue.pop(0)
        if token.sep == HARD_BREAK and current:  # the writer's line break
            lines.append(current + ("-" if hyphen else ""))
            current, hyphen = "", False
            token = Token(token.text, "", token.hyphen)
        candidate = f"{current}{token.sep}{token.text}" if current else token.text
        if measure(candidate + ("-" if token.hyphen else "")) <= max_width:
            current, hyphen = candidate, token.hyphen
            continue
        if measure(token.text + ("-" if token.hyphen else "")) > max_width:
            pieces_of = hyphenate(token, locale) if not token.hyphen else [token]
            if len(pieces_of) < 2:
                return None
            queue[:0] = pieces_of
            continue
        if not current:
            return None
        lines.append(current + ("-" if hyphen else ""))
        current, hyphen = token.text, token.hyphen
    if current:
        lines.append(current + ("-" if hyphen else ""))
    return lines


def balance(
    pieces: Sequence[Token], lines: list[str], *, measure: Callable[[str], float], max_width: float, locale: str
) -> list[str]:
    """No one-word last line when a break that avoids it exists: among the ways to set the same tokens in the same
    number of lines, each within ``max_width``, the most even one whose last line has two words or more
    (space-separated scripts of up to ``BALANCE_TOKENS`` tokens; the writer's own line breaks are left as written)."""
    if len(lines) < 2 or " " in lines[-1] or language(locale) in CJK_LANGS or language(locale) == "th":
        return lines
    if len(pieces) > BALANCE_TOKENS or any(t.sep == HARD_BREAK or t.hyphen for t in pieces):
        return lines
    widths: dict[str, float] = {}
    best, best_width = lines, float("inf")
    for cuts in combinations(range(1, len(pieces)), len(lines) - 1):
        bounds = (0, *cuts, len(pieces))
        texts = ["".join((t.sep if k else "") + t.text for k, t in enumerate(pieces[a:b])) for a, b in pairwise(bounds)]
        if " " not in texts[-1]:
            continue
        widest = max(widths.setdefault(text, measure(text)) for text in texts)
        if widest <= max_width and widest < best_width:
            best, best_width = texts, widest
    return best


def _layout(
    text: str, *, book: FontBook, size: int, max_width: int, max_height: int, max_lines: int, locale: str
) -> TextLayout | None:
    pieces = tokens(text, locale)
    measure: Callable[[str], float] = lambda candidate: book.measure(candidate, size, locale)  # noqa: E731
    lines = wrap(pieces, measure=measure, max_width=max_width, locale=locale)
    if lines is not None and len(lines) <= max_lines:
        lines = balance(pieces, lines, measure=measure, max_width=max_width, locale=locale)
    if lines is None or len(lines) > max_lines:
        return None
    shown = bidi.spell_lines(lines, rtl=is_rtl(locale), locale=locale)
    line_height = max(book.line_height(line, size, locale) for line in shown)
    height = line_height * len(lines)
    width = max(round(book.measure(line, size, locale)) for line in shown)
    if height > max_height or width > max_width:  # a spelled line may shape a pixel or two wider than measured
        return None
    return TextLayout(text, size, tuple(lines), line_height, width, height, locale)


def fit_text(
    text: str,
    *,
    book: FontBook,
    max_width: int,
    max_height: int,
    max_size: int,
    min_size: int,
    max_lines: int = 3,
    locale: str = "en",
) -> TextLayout:
    """The largest size in [min_size, max_size] at which ``text`` wraps into the box; TextFitError below min."""
    args = dict(book=book, max_width=max_width, max_height=max_height, max_lines=max_lines, locale=locale)
    smallest = _layout(text, size=min_size, **args)  # type: ignore[arg-type]
    if smallest is None:
        raise TextFitError(
            f"the message ({len(text)} characters) does not fit in {max_lines} lines of a {max_width}×{max_height} px "
            f"text box even at the minimum size of {min_size} px; shorten it"
        )
    lo, hi, best = min_size, max_size, smallest
    while lo < hi:
        mid = (lo + hi + 1) // 2
        found = _layout(text, size=mid, **args)  # type: ignore[arg-type]
        if found is None:
            hi = mid - 1
        else:
            lo, best = mid, found
    return best


def text_glyphs(layout: TextLayout, *, book: FontBook) -> Glyphs:
    """The layout's lines on layers of the layout's size: flush left, or flush right for RTL copy."""
    lines = []
    for i, text in enumerate(layout.shown):
        line = book.glyphs(text, layout.size, locale=layout.locale, line_height=layout.line_height)
        x = layout.width - line.size[0] if layout.rtl else 0
        lines.append((line, (max(0, x), i * layout.line_height)))
    return stack(lines, (layout.width, layout.height))


def text_mask(layout: TextLayout, *, book: FontBook) -> Image.Image:
    """The layout's text glyphs as one ``L`` mask of the layout's size (colour glyphs: :func:`text_glyphs`)."""
    return text_glyphs(layout, book=book).mask
