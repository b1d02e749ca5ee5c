"""Colour maths: hex parsing, WCAG relative luminance and contrast ratio."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

RGB = tuple[int, int, int]
WCAG_AA = 4.5


def hex_to_rgb(value: str) -> RGB:
    v = value.lstrip("#")
    return (int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16))


def _linear(channel: NDArray[np.float64]) -> NDArray[np.float64]:
    c = channel / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# Per-channel lookup tables: sRGB byte → weighted linear light (the three weights of WCAG luminance).
_LUT = _linear(np.arange(256, dtype=np.float64))
_LUT_R, _LUT_G, _LUT_B = _LUT * 0.2126, _LUT * 0.7152, _LUT * 0.0722


def luminance_array(rgb: NDArray[np.generic]) -> NDArray[np.float64]:
    """WCAG relative luminance of every pixel of an (..., 3) sRGB array (values rounded to bytes)."""
    px = rgb if rgb.dtype == np.uint8 else np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    result: NDArray[np.float64] = _LUT_R[px[..., 0]] + _LUT_G[px[..., 1]] + _LUT_B[px[..., 2]]
    return result


def luminance(color: RGB) -> float:
    return float(luminance_array(np.array(color, dtype=np.float64)))


def contrast(l1: float, l2: float) -> float:
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def worst_contrast(text: RGB, background: NDArray[np.generic], *, decile: float = 0.9) -> float:
    """Contrast of ``text`` against the background decile that fights it hardest.

    Light text is fought by the brightest decile, dark text by the darkest; taking the smaller of the two
    contrasts picks the right one without guessing which kind the text is.
    """
    return contrast_with_deciles(text, background_deciles(background, decile=decile))


def background_deciles(background: NDArray[np.generic], *, decile: float = 0.9) -> tuple[float, float] | None:
    """The brightest and darkest deciles of a background's luminance (None when it has no pixels)."""
    if background.size == 0:
        return None
    lum = luminance_array(background.reshape(-1, 3))
    bright, dark = np.quantile(lum, [decile, 1 - decile])
    return float(bright), float(dark)


def contrast_with_deciles(text: RGB, deciles: tuple[float, float] | None) -> float:
    if deciles is None:
        return 21.0
    text_l = luminance(text)
    return min(contrast(text_l, deciles[0]), contrast(text_l, deciles[1]))
