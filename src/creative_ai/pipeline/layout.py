"""One layout per product and ratio: a cut-out packshot stands in the same box in every locale of a campaign.

The box is where the product fits beside or above the text block of *every* locale's copy at that ratio (the
intersection of each locale's free area), so a long headline in one language does not move or shrink the product
in the others. Right-to-left locales mirror it; they share a box among themselves.
"""

from __future__ import annotations

from creative_ai.errors import RenderError
from creative_ai.pipeline.plan import CampaignPlan
from creative_ai.placements import Box
from creative_ai.render.compose import Copy, plan_text, product_region
from creative_ai.render.text import FontBook, is_rtl

RegionKey = tuple[str, str, bool]  # product id, ratio, right-to-left


def shared_regions(plan: CampaignPlan, *, book: FontBook) -> dict[RegionKey, Box]:
    """For each product × ratio × direction, the product area every locale's text leaves free."""
    regions: dict[RegionKey, Box] = {}
    for variant in plan.variants:
        if variant.preflight_error is not None:
            continue
        copy = Copy(variant.copy.headline, variant.copy.cta, variant.locale)
        try:
            text = plan_text(copy, placement=variant.placement, book=book)
        except RenderError:
            continue  # that variant fails on its own; it does not shape the others
        key = (variant.product.id, variant.placement.ratio, is_rtl(variant.locale))
        free = product_region(variant.placement, text)
        known = regions.get(key)
        regions[key] = free if known is None else _intersection(known, free)
    return regions


def _intersection(a: Box, b: Box) -> Box:
    return Box(max(a.left, b.left), max(a.top, b.top), min(a.right, b.right), min(a.bottom, b.bottom))
