"""Which layout a product gets at a ratio: a tall product in a placement that allows it stands beside a column of
copy (larger than above the copy), when every locale's copy fits that column; else the placement's own layout.
Chosen once per product and ratio, so every locale of a campaign shares it."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from creative_ai.errors import RenderError
from creative_ai.placements import Box, Placement
from creative_ai.render.compose import Copy, plan_text, product_region
from creative_ai.render.packshot import product_target
from creative_ai.render.subject import Subject
from creative_ai.render.text import FontBook, is_rtl


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


COLUMNS = (0.42, 0.40, 0.38, 0.36, 0.34, 0.32, 0.30)  # text column widths tried, widest first (of the frame's width)


def layout_for(
    placement: Placement,
    size: tuple[int, int] | None,
    copies: Sequence[Copy],
    *,
    book: FontBook,
    edges: frozenset[str] = frozenset(),
) -> Placement:
    """``placement``, or its side-by-side form when a product of ``size`` stands larger there and all ``copies``
    fit its text column.

    The column is the widest that lets the product reach the placement's product share (DESIGN.md: a tall product
    fills 55-70% of the portrait height) with every locale's copy fitting it; when no column gets there, the one
    the product stands largest beside. One locale's copy that fits no column keeps the stacked layout.

    A product the photograph cuts at its top or bottom (``edges``) stands on that edge of the frame, through where
    copy at the bottom would go: it is put beside the copy in every placement that can."""
    if size is None:
        return placement
    cut = placement.text_side == "bottom" and bool(edges & {"top", "bottom"})
    if not placement.side_by_side_for_tall and not cut:
        return placement
    stacked = 0 if cut else _area(product_target(product_region(placement), placement, size))
    mirrored_too = any(is_rtl(copy.locale) for copy in copies)
    best: tuple[int, Placement] | None = None
    for column in COLUMNS:
        side = placement.side_by_side(column, mirrored_too=mirrored_too)
        beside = product_target(product_region(side), side, size)
        if _area(beside) <= stacked or not _fits(side, copies, book):
            continue
        if beside.height >= placement.product_share[0] * placement.height:
            return side  # the widest column the product reaches its share beside
        if best is None or _area(beside) > best[0]:
            best = (_area(beside), side)
    return placement if best is None else best[1]  # right-to-left copy mirrors it (its own product box)


def _area(box: Box) -> int:
    return box.width * box.height


def _fits(side: Placement, copies: Sequence[Copy], book: FontBook) -> bool:
    for copy in copies:
        try:
            plan_text(copy, placement=side, book=book)
        except RenderError:
            return False
    return True
