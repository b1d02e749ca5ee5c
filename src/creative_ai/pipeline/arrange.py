"""Which layout a product gets at a ratio: a tall product in a placement that allows it stands beside a column of
copy (larger than above the copy), when every locale's copy fits that column; else the placement's own layout.
Chosen once per product and ratio, so every locale of a campaign shares it."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from creative_ai.errors import RenderError
from creative_ai.placements import Placement
from creative_ai.render.compose import Copy, plan_text, product_region
from creative_ai.render.packshot import product_target
from creative_ai.render.subject import Subject
from creative_ai.render.text import FontBook


def product_size(image: Image.Image, subject: Subject | None) -> tuple[int, int] | None:
    """The product's width and height on its packshot: the subject found on a photo, or (for a cut-out, no
    subject given) its opaque pixels; None when a photo's product was not found."""
    if subject is not None:
        if not subject.found:
            return None
        x0, y0, x1, y1 = subject.box
        return x1 - x0, y1 - y0
    box = image.getchannel("A").getbbox() or (0, 0, *image.size)
    return box[2] - box[0], box[3] - box[1]


def layout_for(
    placement: Placement, size: tuple[int, int] | None, copies: Sequence[Copy], *, book: FontBook
) -> Placement:
    """``placement``, or its side-by-side form when a product of ``size`` stands larger there and all ``copies``
    fit its text column."""
    if not placement.side_by_side_for_tall or size is None:
        return placement
    side = placement.side_by_side()
    stacked = product_target(product_region(placement), placement, size)
    beside = product_target(product_region(side), side, size)
    if beside.height * beside.width <= stacked.height * stacked.width:
        return placement
    for copy in copies:
        try:
            plan_text(copy, placement=side, book=book)
        except RenderError:
            return placement  # one locale's copy needs the full width: the whole campaign keeps the stacked layout
    return side  # right-to-left copy mirrors it (its own product box), as in 16:9
