"""One layout per product and ratio: a cut-out packshot stands in the same box in every locale of a campaign.

The box is where the product fits beside or above the text block of *every* locale's copy at that ratio (the
intersection of each locale's free area), so a long headline in one language does not move or shrink the product
in the others. In a side-by-side layout (16:9) right-to-left locales share a box of their own (text on the other
side); above-and-below layouts share one box in every direction.
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
        key = region_key(variant.product.id, variant.placement.ratio, variant.placement.text_side, variant.locale)
        free = product_region(variant.placement, text)
        known = regions.get(key)
        regions[key] = free if known is None else _intersection(known, free)
    return regions


def region_key(product_id: str, ratio: str, text_side: str, locale: str) -> RegionKey:
    """Right-to-left copy mirrors a side-by-side layout (its own box); above-and-below layouts share one box."""
    return product_id, ratio, text_side == "left" and is_rtl(locale)


def _intersection(a: Box, b: Box) -> Box:
    return Box(max(a.left, b.left), max(a.top, b.top), min(a.right, b.right), min(a.bottom, b.bottom))
