"""What one piece of offline art looks like, chosen from the brand palette and a seed (a product's, or a packshot's).

A look is a mood (which brand colour fills the field and how light it is), the colours of its soft shapes, a
layout (where those shapes sit) and a gradient direction. The choices are drawn from the seed, so the same
product always gets the same art and the products of one campaign get different moods, accents and layouts.
Every mood keeps the frame's lower part (where headlines go) a calm, dark or light gradient.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Color = NDArray[np.float32]
DEFAULT_PALETTE = ("#1F3A5F", "#4D7EA8", "#F1E9DA")
MOODS = ("night", "day", "colour")
LAYOUTS = ("halo", "orbs", "sweep", "horizon", "bloom")
CHROMATIC = 0.18  # HLS saturation from which a brand colour counts as a colour rather than a neutral
DARK = 0.42  # HLS lightness up to which a brand colour can be a night field
LIGHT = 0.8  # ... from which it can be a day field
FIELD = (0.3, 0.72)  # ... between which it can be a colour field


@dataclass(frozen=True)
class Look:
    mood: str
    layout: str
    mirrored: bool
    angle: float  # the field gradient's direction, radians (π/2: straight down)
    top: Color  # the field's colour where the gradient starts (the upper part)
    bottom: Color  # ... and where it ends (the lower part, under the headline)
    glow: Color  # the main soft shape
    second: Color  # the supporting shape
    dark_text: bool  # whether the lower part is light (a dark headline reads on it)


def rgb(value: str) -> Color:
    v = value.lstrip("#")
    return np.array([int(v[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float32)


def hls(color: Color) -> tuple[float, float, float]:
    h, light, s = colorsys.rgb_to_hls(*(color / 255.0))
    return h, light, s


def shade(color: Color, lightness: float, saturation: float = 1.0) -> Color:
    """The colour at a given HLS lightness, saturation scaled: deep or pale versions of a brand colour."""
    h, _light, s = hls(color)
    r, g, b = colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 1.0), min(s * saturation, 1.0))
    return np.array([r, g, b], dtype=np.float32) * 255.0


def _clamped(color: Color, low: float, high: float, saturation: float = 1.0) -> Color:
    return shade(color, min(max(hls(color)[1], low), high), saturation)


@dataclass(frozen=True)
class Roles:
    """The brand palette sorted into what the moods draw with; a mood whose field colour the brand lacks is
    left out, so the field (most of the frame) is always near a brand colour."""

    colours: tuple[Color, ...]  # chromatic brand colours, darkest first
    dark: Color | None  # the darkest brand colour, when one is dark enough for a night field
    light: Color | None  # the lightest brand colour, when one is light enough for a day field
    fields: tuple[Color, ...]  # mid-light brand colours a colour field can be made of

    def moods(self) -> tuple[str, ...]:
        found = (
            ("night", self.dark is not None),
            ("day", self.light is not None),
            ("colour", bool(self.fields)),
        )
        return tuple(m for m, ok in found if ok) or ("colour",)

    def accents(self, *, besides: Color | None) -> list[Color]:
        """Colours for shapes: the chromatic brand colours other than ``besides``, else a lift of it."""
        rest = [c for c in self.colours if besides is None or c is not besides]
        if rest:
            return rest
        base = besides if besides is not None else self.colours[0]
        return [shade(base, min(hls(base)[1] + 0.3, 0.8), 0.8)]


def roles(palette: Sequence[str]) -> Roles:
    colors = [rgb(c) for c in (palette or DEFAULT_PALETTE)]
    by_light = sorted(colors, key=lambda c: hls(c)[1])
    chromatic = tuple(c for c in by_light if hls(c)[2] >= CHROMATIC and 0.06 < hls(c)[1] < 0.94) or (by_light[0],)
    dark = by_light[0] if hls(by_light[0])[1] <= DARK else None
    light = by_light[-1] if hls(by_light[-1])[1] >= LIGHT else None
    fields = tuple(c for c in chromatic if c is not dark and c is not light and FIELD[0] <= hls(c)[1] <= FIELD[1])
    return Roles(chromatic, dark, light, fields)


def _night(r: Roles, pick: int) -> tuple[Color, Color, Color, Color, bool]:
    """A deep field of the darkest brand colour; the glow in another brand colour or the light one."""
    field = r.dark if r.dark is not None else r.colours[0]
    accents = r.accents(besides=field) + ([r.light] if r.light is not None else [])
    glow = accents[pick % len(accents)]
    glow = glow if glow is r.light else _clamped(glow, 0.45, 0.7)
    light = hls(field)[1]
    top = shade(field, max(light, 0.12))
    return top, shade(field, light * 0.45, 0.9), glow, shade(field, min(light + 0.2, 0.5), 1.05), False


def _day(r: Roles, pick: int) -> tuple[Color, Color, Color, Color, bool]:
    """The light brand colour as the field; soft shapes in two brand colours."""
    field = r.light if r.light is not None else shade(r.colours[-1], 0.93, 0.45)
    accents = r.accents(besides=field)
    glow = accents[pick % len(accents)]
    seconds = [c for c in accents if c is not glow] or [field]
    second = seconds[pick // len(accents) % len(seconds)]
    top = shade(glow, max(hls(field)[1] - 0.06, 0.82), 0.55)
    return top, field, _clamped(glow, 0.52, 0.72, 0.85), _clamped(second, 0.62, 0.8, 0.8), True


def _colour(r: Roles, pick: int) -> tuple[Color, Color, Color, Color, bool]:
    """A field in a brand colour at its own lightness, deepening downwards, lit by the light brand colour."""
    fields = r.fields or r.colours
    field = fields[pick % len(fields)]
    top = _clamped(field, 0.36, 0.56, 0.9)
    glow = r.light if r.light is not None else shade(field, 0.9, 0.5)
    return top, shade(field, 0.2, 0.85), glow, _clamped(field, 0.62, 0.74, 1.05), False


def choose_look(palette: Sequence[str], seed: int) -> Look:
    """The look for this seed: mood, accent, layout, mirroring and gradient direction."""
    rng = np.random.default_rng(seed)
    sorted_roles = roles(palette)
    moods = sorted_roles.moods()
    mood = moods[int(rng.integers(len(moods)))]
    layout = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
    mirrored = bool(rng.integers(2))
    pick = int(rng.integers(1 << 16))
    angle = float(rng.uniform(0.32, 0.68) * np.pi)
    paint = {"night": _night, "day": _day, "colour": _colour}[mood]
    top, bottom, glow, second, dark_text = paint(sorted_roles, pick)
    return Look(mood, layout, mirrored, angle, top, bottom, glow, second, dark_text)
