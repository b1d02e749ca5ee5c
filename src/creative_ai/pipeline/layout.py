"""One layout per product and ratio: the product stands in the same box in every locale of a campaign.

The box is the area beside or above the placement's text region (the room the copy of any locale may use), so a
long headline in one language neither moves nor shrinks the product in the others; the copy is fitted to its region
instead. In a side-by-side layout (16:9) right-to-left locales share a box of their own (text on the other side);
above-and-below layouts share one box in every direction.
"""

from __future__ import annotations

from creative_ai.pipeline.plan import CampaignPlan
from creative_ai.placements import Box
from creative_ai.render.compose import product_region
from creative_ai.render.text import is_rtl

RegionKey = tuple[str, str, bool]  # product id, ratio, right-to-left


def shared_regions(plan: CampaignPlan) -> dict[RegionKey, Box]:
    """For each product × ratio × direction, the area its product stands in."""
    regions: dict[RegionKey, Box] = {}
    for variant in plan.variants:
        placement = variant.placement
        key = region_key(variant.product.id, placement.ratio, placement.text_side, variant.locale)
        if key not in regions:
            regions[key] = product_region(placement, key[2])
    return regions


def region_key(product_id: str, ratio: str, text_side: str, locale: str) -> RegionKey:
    """Right-to-left copy mirrors a side-by-side layout (its own box); above-and-below layouts share one box."""
    return product_id, ratio, text_side == "left" and is_rtl(locale)
