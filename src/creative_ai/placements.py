"""Aspect ratios, sizes, platforms and safe zones: a table of data (see DESIGN.md for the starting values)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Orientation = Literal["square", "portrait", "landscape"]


@dataclass(frozen=True)
class Insets:
    """Fractions of the frame kept clear of text and logo, per edge."""

    top: float
    right: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Zone:
    """Where one surface that shows a placement puts its own interface (its name, and the insets it covers)."""

    name: str
    insets: Insets


def strictest(*zones: Zone) -> Insets:
    """The insets that keep clear of every zone's interface at once."""
    return Insets(
        max(z.insets.top for z in zones),
        max(z.insets.right for z in zones),
        max(z.insets.bottom for z in zones),
        max(z.insets.left for z in zones),
    )


@dataclass(frozen=True)
class Box:
    """An axis-aligned pixel rectangle: left, top, right (exclusive), bottom (exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def contains(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)


@dataclass(frozen=True)
class Placement:
    """One aspect ratio: its pixel size, where it runs and where text may go."""

    ratio: str
    width: int
    height: int
    platform: str
    safe: Insets
    text_side: Literal["bottom", "left"]
    zones: tuple[Zone, ...] = ()  # the surfaces it runs on; ``safe`` keeps clear of all of them
    product_share: tuple[float, float] = (0.55, 0.70)  # of the frame's height (tall product) or width (wide one)
    side_by_side_for_tall: bool = False  # a tall product may stand beside a text column instead of above the text
    logo_side: Literal["right", "left"] = "right"  # the top corner the logo takes (mirrored for right-to-left)
    product_reach: Literal["safe", "frame"] = "safe"  # how far the product area may reach: safe zone or margins
    text_column: float = 0.42  # the width of a left text column, as a share of the frame's width
    mirrored_too: bool = True  # some locales read right to left: a product beside the text is as large mirrored

    def side_by_side(self, column: float | None = None, *, mirrored_too: bool = True) -> Placement:
        """This placement with the copy in a left column (its bottom) ``column`` of the frame's width wide, the
        logo above it and the product beside them from the top margin down to the safe zone's bottom: the layout a
        tall product stands largest in. Without right-to-left locales (``mirrored_too`` False) the product may use
        the whole width beside the column rather than only what the mirrored layout also has."""
        return replace(
            self,
            text_side="left",
            logo_side="left",
            product_reach="frame",
            side_by_side_for_tall=False,
            text_column=self.text_column if column is None else column,
            mirrored_too=mirrored_too,
        )

    @property
    def orientation(self) -> Orientation:
        if self.width == self.height:
            return "square"
        return "portrait" if self.height > self.width else "landscape"

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def dimensions(self) -> str:
        return f"{self.width}x{self.height}"

    def safe_box(self) -> Box:
        """The area text and logo must stay inside."""
        s = self.safe
        return Box(
            round(self.width * s.left),
            round(self.height * s.top),
            self.width - round(self.width * s.right),
            self.height - round(self.height * s.bottom),
        )


# Stories keep the top 14% and bottom 20% clear; Reels and TikTok the top 14%, the bottom 35% (caption,
# audio, CTA) and the right 12% (like, comment, share buttons). A 9:16 creative runs on all three.
STORIES = Zone("Stories", Insets(0.14, 0.06, 0.20, 0.06))
REELS = Zone("Reels/TikTok", Insets(0.14, 0.12, 0.35, 0.06))

PLACEMENTS: dict[str, Placement] = {
    "1x1": Placement("1x1", 1080, 1080, "Instagram/Facebook Feed", Insets(0.05, 0.05, 0.05, 0.05), "bottom"),
    "9x16": Placement(
        "9x16",
        1080,
        1920,
        "Stories/Reels/TikTok",
        strictest(STORIES, REELS),
        "bottom",
        zones=(STORIES, REELS),
        side_by_side_for_tall=True,
    ),
    "16x9": Placement("16x9", 1920, 1080, "YouTube/Facebook Video", Insets(0.05, 0.07, 0.05, 0.07), "left"),
    "4x5": Placement("4x5", 1080, 1350, "Instagram/Facebook Feed Portrait", Insets(0.05, 0.05, 0.05, 0.05), "bottom"),
}

DEFAULT_RATIOS: tuple[str, ...] = ("1x1", "9x16", "16x9")

# Size of the hero generated for each orientation class (and for the single-hero strategy).
HERO_SIZES: dict[str, tuple[int, int]] = {
    "square": (1080, 1080),
    "portrait": (1080, 1920),
    "landscape": (1920, 1080),
    "single": (1920, 1920),
}


def normalize_ratio(value: str) -> str:
    """Accept ``1x1`` and ``1:1`` spellings; raise ValueError naming the known ratios otherwise."""
    key = value.strip().lower().replace(":", "x")
    if key not in PLACEMENTS:
        known = ", ".join(PLACEMENTS)
        raise ValueError(f"unknown aspect ratio {value!r}; known ratios are {known} ('1:1' spelling accepted)")
    return key


def get_placement(ratio: str) -> Placement:
    return PLACEMENTS[normalize_ratio(ratio)]
