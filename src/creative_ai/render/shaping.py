"""Setting one line of text into a mask: Pillow for copy the brand face covers alone (Latin, Cyrillic, Greek),
Pango (through libvips) for everything else — font fallback across scripts, shaping, bidi — in one call per line.

A line with colour glyphs (emoji) is set twice by Pango in RGBA, once in white and once in black: a colour glyph
keeps its own colours whatever the text colour, so the pixels both settings share are the colour layer and the
others are the text's mask.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont, features

CJK_FAMILY = {
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "zh": "Noto Sans CJK SC",
    "zh-hant": "Noto Sans CJK TC",
}
FALLBACK = ("Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai")
EMOJI_FAMILY = "Noto Color Emoji"


@lru_cache(maxsize=1)
def complex_shaping_problem() -> str | None:
    """Why copy outside the brand face cannot be set here (None when it can): Pango via libvips, and raqm."""
    if not features.check("raqm"):
        return "Pillow has no raqm text shaping (install libfribidi0: make install does)"
    try:
        import pyvips

        pyvips.Image.text("ok", dpi=72)
    except Exception as exc:  # noqa: BLE001 any failure to load libvips or Pango means the same to the user
        return f"libvips with Pango is unavailable ({type(exc).__name__}); reinstall pyvips-binary (make install)"
    return None


@lru_cache(maxsize=64)
def _pil_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


@lru_cache(maxsize=16384)
def pillow_width(path: str, text: str, size: int) -> float:
    return float(_pil_font(path, size).getlength(text))


def pillow_line(path: str, text: str, size: int, line_height: int) -> Image.Image:
    """``text`` in the face at ``path``, vertically centred in a ``line_height`` tall ``L`` mask."""
    font = _pil_font(path, size)
    width = max(1, round(pillow_width(path, text, size)))
    mask = Image.new("L", (width, line_height), 0)
    ascent, descent = font.getmetrics()
    ImageDraw.Draw(mask).text((0, (line_height - ascent - descent) // 2), text, font=font, fill=255)
    return mask


def cjk_key(locale: str) -> str:
    low = locale.lower()
    if low.startswith("zh") and ("hant" in low or low.endswith(("-tw", "-hk", "-mo"))):
        return "zh-hant"
    return low.split("-")[0]


def families(brand_family: str, locale: str) -> str:
    """The family list Pango tries in order: the brand face, the locale's CJK face, the other scripts' faces."""
    cjk = CJK_FAMILY.get(cjk_key(locale), CJK_FAMILY["ja"])
    others = [f for f in CJK_FAMILY.values() if f != cjk]
    return ",".join([brand_family, cjk, *FALLBACK, *others, EMOJI_FAMILY])


def _markup(text: str, lang: str, foreground: str | None = None) -> str:
    colour = f" foreground='{foreground}'" if foreground else ""
    return f"<span lang='{html.escape(lang, quote=True)}'{colour}>{html.escape(text, quote=False)}</span>"


@lru_cache(maxsize=16384)
def _pango(text: str, font: str, fontfile: str, lang: str) -> tuple[int, int, bytes]:
    import pyvips

    image = pyvips.Image.text(_markup(text, lang), font=font, fontfile=fontfile, dpi=72)
    return image.width, image.height, image.write_to_memory()


@lru_cache(maxsize=64)
def _pango_rgba(text: str, font: str, fontfile: str, lang: str, foreground: str) -> NDArray[np.uint8]:
    import pyvips

    image = pyvips.Image.text(_markup(text, lang, foreground), font=font, fontfile=fontfile, dpi=72, rgba=True)
    pixels = np.frombuffer(image.write_to_memory(), dtype=np.uint8).reshape(image.height, image.width, 4)
    pixels.setflags(write=False)
    return pixels


def pango_size(text: str, *, size: int, brand: Path, brand_family: str, locale: str) -> tuple[int, int]:
    width, height, _ = _pango(text, f"{families(brand_family, locale)} Bold {size}", str(brand), locale)
    return width, height


def pango_line(text: str, *, size: int, brand: Path, brand_family: str, locale: str) -> Image.Image:
    """``text`` shaped by Pango (fallback fonts, bidi) as an ``L`` mask of its logical size."""
    width, height, data = _pango(text, f"{families(brand_family, locale)} Bold {size}", str(brand), locale)
    pixels = np.frombuffer(data, dtype=np.uint8).reshape(height, width)
    return Image.fromarray(pixels, mode="L")


def pango_layers(
    text: str, *, size: int, brand: Path, brand_family: str, locale: str
) -> tuple[Image.Image, Image.Image]:
    """``text`` with colour glyphs, as (``L`` mask of the text glyphs, ``RGBA`` layer of the colour glyphs), both
    of the line's logical size."""
    font = f"{families(brand_family, locale)} Bold {size}"
    white = _pango_rgba(text, font, str(brand), locale, "#ffffff")
    black = _pango_rgba(text, font, str(brand), locale, "#000000")
    colour = np.all(white == black, axis=2) & (white[..., 3] > 0)
    mask = np.where(colour, 0, white[..., 3]).astype(np.uint8)
    layer = np.where(colour[..., None], white, 0).astype(np.uint8)
    return Image.fromarray(mask, mode="L"), Image.fromarray(layer, mode="RGBA")
