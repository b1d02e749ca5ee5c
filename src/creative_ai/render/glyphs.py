"""Set copy as two layers: the text glyphs as a mask painted in the text colour, and colour glyphs (emoji) as an
RGBA layer composited on top with their own colours."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

from creative_ai.render.color import RGB


@dataclass(frozen=True)
class Glyphs:
    """``mask``: ``L`` coverage of the glyphs drawn in the text colour; ``colour``: ``RGBA`` layer of the same size
    holding the colour glyphs, or None when the copy has none."""

    mask: Image.Image
    colour: Image.Image | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.mask.size

    @property
    def coverage(self) -> Image.Image:
        """Every glyph pixel, text or colour (``L``): what is not background around the copy."""
        if self.colour is None:
            return self.mask
        return ImageChops.lighter(self.mask, self.colour.getchannel("A"))

    def centred(self, height: int) -> Glyphs:
        """The layers in a band ``height`` tall, vertically centred."""
        if self.mask.height == height:
            return self
        top = max(0, (height - self.mask.height) // 2)
        mask = Image.new("L", (self.mask.width, height), 0)
        mask.paste(self.mask, (0, top))
        if self.colour is None:
            return Glyphs(mask)
        colour = Image.new("RGBA", (self.mask.width, height), (0, 0, 0, 0))
        colour.paste(self.colour, (0, top))
        return Glyphs(mask, colour)

    def draw(self, image: Image.Image, *, at: tuple[int, int], color: RGB) -> None:
        """Paint onto ``image`` (in place) with the top-left corner at ``at``: text glyphs in ``color``, colour
        glyphs as they are."""
        image.paste(Image.new(image.mode, self.mask.size, color), at, self.mask)  # faster than a masked fill
        if self.colour is not None:
            image.paste(self.colour, at, self.colour)


def stack(lines: list[tuple[Glyphs, tuple[int, int]]], size: tuple[int, int]) -> Glyphs:
    """Lines placed at their offsets on one pair of layers of ``size``."""
    mask = Image.new("L", size, 0)
    colour = None
    for glyphs, at in lines:
        mask.paste(glyphs.mask, at)
        if glyphs.colour is not None:
            colour = colour or Image.new("RGBA", size, (0, 0, 0, 0))
            colour.paste(glyphs.colour, at)
    return Glyphs(mask, colour)
