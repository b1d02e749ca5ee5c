"""What identifies a creative: its store keys and the render key of the inputs it is made from.

Computed once per variant and run (stage 3): deciding which canvases to paint, rendering, and keying a creative
whose canvas was extended offline all read the same :class:`VariantKeys`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from creative_ai.config import Settings
from creative_ai.pipeline.heroes import Hero, HeroSet
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan
from creative_ai.render.backdrop import ART_VERSION
from creative_ai.render.text import FontBook
from creative_ai.storage import layout

RENDER_VERSION = (
    "7"  # 7: checks that do not apply are skipped, brand colour on the product, terms line (6: 9:16 column)
)
EXTENSIONS = {"png": "png", "jpg": "jpg", "webp": "webp"}
OFFLINE = "offline"


@dataclass(frozen=True)
class VariantKeys:
    """``image`` and ``sidecar`` are store keys; ``render`` keys the inputs with this run's outpainting chain,
    ``offline`` the same inputs extended offline (what a creative is keyed by when no provider could paint)."""

    image: str
    sidecar: str
    render: str
    offline: str


def creative_key(campaign_id: str, variant: VariantPlan, fmt: str) -> str:
    """Where the variant's creative is stored in format ``fmt``."""
    return layout.creative_key(
        campaign_id=campaign_id,
        product_id=variant.product.id,
        ratio=variant.placement.ratio,
        stem=variant.stem,
        ext=EXTENSIONS[fmt],
    )


def variant_key(plan: CampaignPlan, variant: VariantPlan, fmt: str) -> str:
    return creative_key(plan.brief.campaign_id, variant, fmt)


def other_format_keys(plan: CampaignPlan, variant: VariantPlan, fmt: str) -> list[str]:
    """Where the variant's creative would be in every format but ``fmt`` (its sidecar's key is the same in all)."""
    return [variant_key(plan, variant, other) for other in EXTENSIONS if other != fmt]


def render_key(
    plan: CampaignPlan,
    variant: VariantPlan,
    stage_sha: str,
    fmt: str,
    settings: Settings,
    book: FontBook,
    extension: str = OFFLINE,
    region: tuple[int, int, int, int] | None = None,
) -> str:
    quality = {
        "png": settings.png_compress_level,
        "jpg": settings.jpeg_quality,
        "webp": settings.webp_quality,
    }[fmt]
    raw = json.dumps(
        [
            RENDER_VERSION,
            stage_sha,
            repr(variant.placement),  # the layout too: one locale's copy can move every locale's column
            variant.copy.headline,
            variant.copy.cta,
            variant.copy.terms,
            plan.brief.brand_colors,
            plan.logo.sha256 if plan.logo else None,
            [v.sha256 for v in plan.logo_variants],
            fmt,
            quality,
            [f.name for f in book.faces],
            extension,
            region,
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def size_class_for(heroes: HeroSet, variant: VariantPlan) -> str:
    """The hero class a variant is cut from: its orientation, or the single hero."""
    return "single" if "single" in heroes.by_class or "single" in heroes.failures else variant.placement.orientation


def hero_for(heroes: HeroSet, variant: VariantPlan) -> Hero:
    return heroes.by_class[size_class_for(heroes, variant)]


def stage_identity(heroes: HeroSet, variant: VariantPlan) -> str:
    """What the stage is made from, known without drawing it: the packshot's or the hero's sha256."""
    if heroes.packshot is not None:
        art = f"+art{ART_VERSION}" if heroes.packshot.has_transparency else ""
        turned = f"+exif{heroes.packshot.orientation}" if heroes.packshot.orientation != 1 else ""
        return heroes.packshot.sha256 + turned + art
    return hero_for(heroes, variant).sha256


def keys_for(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    *,
    fmt: str,
    settings: Settings,
    book: FontBook,
    extension: str,
    region: tuple[int, int, int, int] | None = None,
) -> VariantKeys:
    image = variant_key(plan, variant, fmt)
    stage = stage_identity(heroes, variant)
    offline = render_key(plan, variant, stage, fmt, settings, book, OFFLINE, region)
    render = (
        offline if extension == OFFLINE else render_key(plan, variant, stage, fmt, settings, book, extension, region)
    )
    return VariantKeys(image=image, sidecar=layout.sidecar_key(image), render=render, offline=offline)
