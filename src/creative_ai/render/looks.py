"""What one piece of offline art looks like, chosen from the brand palette, a seed and a product's slot.

A look is a mood with its field colour (a deep "night" field, a light "day" field or a mid-tone "colour" field,
each made of one brand colour), the colours of its soft shapes, a layout (where those shapes sit) and a gradient
direction. The seed (a product's, or a packshot's) chooses them, so the same product always gets the same art;
given the product's slot (its place among its campaign's products) the field, layout and accent rotate by it
instead, so a campaign's products look different from each other. Every mood keeps the frame's lower part
(where headlines go) a calm, dark or light gradient.
"""

from __future__ import annotations

import colorsys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Color = NDArray[np.float32]
DEFAULT_PALETTE = ("#1F3A5F", "#4D7EA8", "#F1E9DA")
LAYOUTS = ("halo", "orbs", "sweep", "horizon", "bloom")
CHROMATIC = 0.18  # HLS saturation from which a brand colour counts as a colour rather than a neutral
DARK = 0.42  # HLS lightness up to which a brand colour can be a night field
LIGHT = 0.8  # ... from which it can be a day field
FIELD = (DARK, 0.72)  # ... between which it can be a colour field


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
    """The brand palette sorted into what the moods draw with."""

    colours: tuple[Color, ...]  # chromatic brand colours (greys for a black-and-white brand), darkest first
    light: Color | None  # the lightest brand colour, when one is light enough for a day field
    options: tuple[tuple[str, Color], ...]  # every (mood, field colour) the palette allows, most distinct first

    def moods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(mood for mood, _field in self.options))

    def accents(self, *, besides: Color) -> list[Color]:
        """Colours for shapes: the chromatic brand colours other than ``besides``, else a lift of it."""
        rest = [c for c in self.colours if c is not besides]
        return rest or [shade(besides, min(hls(besides)[1] + 0.3, 0.8), 0.8)]


def _options(colors: list[Color], chromatic: tuple[Color, ...]) -> tuple[tuple[str, Color], ...]:
    """(mood, field) pairs, one of each mood at a time: a field is always a brand colour, so most of the frame
    stays near one (a colour dark enough for a night field makes no colour field: the two would look alike)."""
    night = [("night", c) for c in colors if hls(c)[1] <= DARK]
    day = [("day", c) for c in reversed(colors) if hls(c)[1] >= LIGHT]
    colour = [("colour", c) for c in chromatic if FIELD[0] < hls(c)[1] <= FIELD[1]]
    rounds = max(len(night), len(day), len(colour))
    ordered = [group[i] for i in range(rounds) for group in (night, day, colour) if i < len(group)]
    return tuple(ordered) or (("colour", chromatic[0]),)


def roles(palette: Sequence[str]) -> Roles:
    colors = sorted((rgb(c) for c in (palette or DEFAULT_PALETTE)), key=lambda c: hls(c)[1])
    chromatic = tuple(c for c in colors if hls(c)[2] >= CHROMATIC and 0.06 < hls(c)[1] < 0.94) or (colors[0],)
    light = colors[-1] if hls(colors[-1])[1] >= LIGHT else None
    return Roles(chromatic, light, _options(colors, chromatic))


Paint = tuple[Color, Color, Color, Color, bool]  # top, bottom, glow, second, dark_text


def _night(r: Roles, field: Color, pick: int) -> Paint:
    """A deep field of a dark brand colour; the glow in another brand colour or the light one."""
    accents = r.accents(besides=field) + ([r.light] if r.light is not None else [])
    glow = accents[pick % len(accents)]
    glow = glow if glow is r.light else _clamped(glow, 0.45, 0.7)
    light = hls(field)[1]
    top = shade(field, max(light, 0.12))
    return top, shade(field, light * 0.45, 0.9), glow, shade(field, min(light + 0.2, 0.5), 1.05), False


def _day(r: Roles, field: Color, pick: int) -> Paint:
    """A light brand colour as the field; soft shapes in two other brand colours."""
    accents = r.accents(besides=field)
    glow = accents[pick % len(accents)]
    seconds = [c for c in accents if c is not glow] or [field]
    second = seconds[pick // len(accents) % len(seconds)]
    top = shade(glow, max(hls(field)[1] - 0.06, 0.82), 0.55)
    return top, field, _clamped(glow, 0.52, 0.72, 0.85), _clamped(second, 0.62, 0.8, 0.8), True


def _colour(r: Roles, field: Color, pick: int) -> Paint:
    """A field in a brand colour near its own lightness, deepening downwards, lit by the light brand colour."""
    top = _clamped(field, 0.36, 0.56, 0.9)
    glow = r.light if r.light is not None else shade(field, 0.9, 0.5)
    return top, shade(field, 0.2, 0.85), glow, _clamped(field, 0.62, 0.74, 1.05), False


PAINTS = {"night": _night, "day": _day, "colour": _colour}


def choose_look(palette: Sequence[str], seed: int, slot: int | None = None) -> Look:
    """The look for this seed: mood and field, accent, layout, mirroring and gradient direction.

    With a ``slot`` the field, layout and accent rotate by it from a start the palette fixes: a campaign's
    products share no field until they outnumber the palette's fields, and no field and layout before five times
    that many; the seed still places, sizes, mirrors and tilts.
    """
    rng = np.random.default_rng(seed)
    sorted_roles = roles(palette)
    options = sorted_roles.options
    option, layout = int(rng.integers(len(options))), int(rng.integers(len(LAYOUTS)))
    mirrored = bool(rng.integers(2))
    pick = int(rng.integers(1 << 16))
    angle = float(rng.uniform(0.32, 0.68) * np.pi)
    if slot is not None:
        start = zlib.crc32(",".join(palette).upper().encode())
        option, layout = slot % len(options), (start + 2 * slot) % len(LAYOUTS)
        pick = start // 5 + slot // len(options)
    mood, field = options[option]
    top, bottom, glow, second, dark_text = PAINTS[mood](sorted_roles, field, pick)
    return Look(mood, LAYOUTS[layout], mirrored, angle, top, bottom, glow, second, dark_text)
