"""Stages 3–5 for one variant: render, check, encode once, store atomically with its sidecar.

A variant whose inputs did not change since the last run is left alone (same render key, same bytes).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from PIL import Image

from creative_ai.checks import ImageContext, overall
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.pipeline.heroes import Hero, HeroSet
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan
from creative_ai.placements import Placement
from creative_ai.providers.local_art import ART_VERSION, draw_backdrop, place_packshot
from creative_ai.records import VariantOutcome
from creative_ai.render.compose import (
    Copy,
    Rendered,
    TextPlan,
    logo_box_for,
    plan_text,
    product_region,
    render_creative,
)
from creative_ai.render.crop import alpha_focal_point
from creative_ai.render.framing import Fill
from creative_ai.render.text import FontBook
from creative_ai.storage import Store

RENDER_VERSION = "3"
EXTENSIONS = {"png": "png", "jpg": "jpg", "webp": "webp"}
PACKSHOT_FILL = 0.9


@dataclass(frozen=True)
class Stage:
    """The picture under the copy: a hero to crop, or a packshot already set on art."""

    image: Image.Image
    focal: tuple[float, float]
    sha256: str
    source: str
    provider: str
    model: str
    seed: int | None


def variant_key(plan: CampaignPlan, variant: VariantPlan, fmt: str) -> str:
    ext = EXTENSIONS[fmt]
    return str(
        PurePosixPath(plan.brief.campaign_id, variant.product.id, variant.placement.ratio, f"{variant.stem}.{ext}")
    )


def encode(image: Image.Image, *, fmt: str, settings: Settings) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, format="PNG", compress_level=settings.png_compress_level)
    elif fmt == "jpg":
        image.save(buffer, format="JPEG", quality=settings.jpeg_quality, subsampling=0)
    else:
        image.save(buffer, format="WEBP", quality=settings.webp_quality, method=4)
    return buffer.getvalue()


def render_key(
    plan: CampaignPlan,
    variant: VariantPlan,
    stage_sha: str,
    fmt: str,
    settings: Settings,
    book: FontBook,
    extension: str = "offline",
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
            variant.placement.ratio,
            variant.copy.headline,
            variant.copy.cta,
            plan.brief.brand_colors,
            plan.logo.sha256 if plan.logo else None,
            fmt,
            quality,
            [f.name for f in book.faces],
            extension,
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def size_class_for(heroes: HeroSet, variant: VariantPlan) -> str:
    """The hero class a variant is cut from: its orientation, or the single hero."""
    return "single" if "single" in heroes.by_class or "single" in heroes.failures else variant.placement.orientation


def _hero_for(heroes: HeroSet, variant: VariantPlan) -> Hero:
    return heroes.by_class[size_class_for(heroes, variant)]


def stage_identity(heroes: HeroSet, variant: VariantPlan) -> str:
    """What the stage is made from, known without drawing it: the packshot's or the hero's sha256."""
    if heroes.packshot is not None:
        art = f"+art{ART_VERSION}" if heroes.packshot.has_transparency else ""
        return heroes.packshot.sha256 + art
    return _hero_for(heroes, variant).sha256


def build_stage(plan: CampaignPlan, variant: VariantPlan, heroes: HeroSet, text: TextPlan, logo_w: int) -> Stage:
    """The hero for this placement; a cut-out packshot is set on brand art in the space the text leaves."""
    placement = variant.placement
    packshot = heroes.packshot
    if packshot is not None:
        if not packshot.has_transparency:
            return Stage(
                packshot.image,
                alpha_focal_point(packshot.image),
                packshot.sha256,
                "input",
                "input",
                "-",
                None,
            )
        backdrop = draw_backdrop(
            width=placement.width,
            height=placement.height,
            palette=list(plan.brief.brand_colors),
            seed=int(packshot.sha256[:8], 16),
        )
        region = product_region(placement, text)
        if placement.text_side == "bottom" and logo_w:
            # keep the packshot out of the logo's corner column
            room = region.width - 2 * logo_w
            inset = max(0, (region.width - max(room, region.width // 2)) // 2)
            region = type(region)(region.left + inset, region.top, region.right - inset, region.bottom)
        staged, _box = place_packshot(backdrop, packshot.image, region=region.as_tuple(), fill=PACKSHOT_FILL)
        return Stage(staged, (0.5, 0.5), packshot.sha256, "input", "input", "-", None)
    hero = _hero_for(heroes, variant)
    return Stage(hero.image, (0.5, 0.5), hero.sha256, hero.source, hero.provider, hero.model, hero.seed)


def read_sidecar(store: Store, key: str) -> dict[str, Any] | None:
    if not store.exists(key):
        return None
    try:
        data = json.loads(store.read(key))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def unchanged(store: Store, image_key: str, sidecar_key: str, key: str) -> dict[str, Any] | None:
    """The existing sidecar when the stored creative was made from exactly these inputs and is intact."""
    sidecar = read_sidecar(store, sidecar_key)
    if not sidecar or sidecar.get("render_key") != key or not store.exists(image_key):
        return None
    if hashlib.sha256(store.read(image_key)).hexdigest() != sidecar.get("sha256"):
        return None
    return sidecar


def check_context(
    rendered: Rendered, placement: Placement, *, logo: Image.Image | None, palette: tuple[str, ...]
) -> ImageContext:
    """What the image checks see of one rendered creative."""
    return ImageContext(
        image=rendered.image,
        placement=placement,
        text_box=rendered.text_box,
        block_box=rendered.block_box,
        text_mask=rendered.text_mask,
        text_color=rendered.text_color,
        logo_box=rendered.logo_box,
        expects_logo=logo is not None,
        base=rendered.base,
        palette=palette,
        logo=logo,
    )


def needs_render(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    *,
    store: Store,
    settings: Settings,
    book: FontBook,
    fmt: str,
    extension: str = "offline",
) -> bool:
    """Whether :func:`produce_variant` would draw this variant (its stored creative is missing or stale)."""
    image_key, sidecar_key, key = _keys(plan, variant, heroes, fmt, settings, book, extension)
    return unchanged(store, image_key, sidecar_key, key) is None


def _keys(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    fmt: str,
    settings: Settings,
    book: FontBook,
    extension: str,
) -> tuple[str, str, str]:
    """The creative's store key, its sidecar's, and the render key of what it would be made from."""
    image_key = variant_key(plan, variant, fmt)
    sidecar_key = str(PurePosixPath(image_key).with_suffix(".json"))
    return (
        image_key,
        sidecar_key,
        render_key(plan, variant, stage_identity(heroes, variant), fmt, settings, book, extension),
    )


def produce_variant(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    *,
    store: Store,
    settings: Settings,
    book: FontBook,
    fmt: str,
    display_root: str,
    checks: CheckSuite,
    fill: Fill | None = None,
    extension: str = "offline",
) -> tuple[VariantOutcome, dict[str, Any] | None]:
    """Render (or keep) one creative; returns its outcome and sidecar. RenderError propagates to the caller.

    ``fill`` paints the new area when framing extends the canvas (``extension`` names who may, for the key).
    """
    brief, placement = plan.brief, variant.placement
    image_key, sidecar_key, key = _keys(plan, variant, heroes, fmt, settings, book, extension)
    text = plan_text(Copy(variant.copy.headline, variant.copy.cta, variant.locale), placement=placement, book=book)
    logo_w = 0
    if plan.logo is not None:
        logo_box = logo_box_for(plan.logo.image.size, placement, text.rtl)
        logo_w = logo_box.width + logo_box.height // 2
    file_path = f"{display_root.rstrip('/')}/{image_key}"
    kept = unchanged(store, image_key, sidecar_key, key)
    if kept is not None:
        return _outcome(
            variant, kept, file_path, rendered=False, sidecar_path=f"{display_root.rstrip('/')}/{sidecar_key}"
        ), kept

    stage = build_stage(plan, variant, heroes, text, logo_w)
    rendered = render_creative(
        stage.image,
        placement=placement,
        text=text,
        palette=list(brief.brand_colors),
        logo=plan.logo.image if plan.logo else None,
        book=book,
        fill=fill,
    )
    ctx = check_context(
        rendered, placement, logo=plan.logo.image if plan.logo else None, palette=tuple(brief.brand_colors)
    )
    results = checks.run(
        ctx,
        copy_results=variant.copy_checks,
        hero=(stage.source, stage.provider, stage.sha256),
        load_hero=lambda: stage.image,
    )
    # A failed check is always recorded; only the blocking ones fail the creative itself.
    failed = checks.failed(results)
    data = encode(rendered.image, fmt=fmt, settings=settings)
    status = "failed" if failed else "ok"
    reason = "; ".join(f"check {r.name} failed: {r.evidence}" for r in failed) or None
    sidecar: dict[str, Any] = {
        "campaign_id": brief.campaign_id,
        "product_id": variant.product.id,
        "product_name": variant.product.name,
        "aspect_ratio": placement.ratio,
        "dimensions": placement.dimensions,
        "platform": placement.platform,
        "target_market": brief.target_market,
        "target_audience": brief.target_audience,
        "campaign_message": brief.campaign_message,
        "provider": stage.provider,
        "model": stage.model,
        "reused": stage.source != "generated",
        "file_path": file_path,
        "file_size_bytes": len(data),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "checksum_md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
        "locale": variant.locale,
        "message": variant.copy.headline,
        "cta": variant.copy.cta,
        "prompt": None
        if stage.source == "input"
        else next(p.prompt for p in plan.products if p.product.id == variant.product.id),
        "hero_sha256": stage.sha256,
        "hero_source": stage.source,
        "sha256": hashlib.sha256(data).hexdigest(),
        "seed": stage.seed,
        "format": fmt,
        "needs_translation": variant.copy.needs_translation,
        "machine_translated": variant.copy.machine_translated,
        "text": {
            "font_size_px": rendered.font_size,
            "lines": list(rendered.lines),
            "color": "#{:02X}{:02X}{:02X}".format(*rendered.text_color),
            "contrast_ratio": {r.name: r.measured for r in results}.get("legibility", {}).get("contrast_ratio"),
            "scrim_strength": rendered.scrim_strength,
            "cta_contrast_ratio": rendered.cta_contrast,
            "direction": "rtl" if text.rtl else "ltr",
        },
        "framing": rendered.framing.as_dict(),
        "checks": [r.to_dict() for r in results],
        "checks_overall": overall(results),
        "status": status,
        "reason": reason,
        # A canvas the provider could not paint was extended offline: keyed as such, the next run paints it again.
        "render_key": key
        if rendered.framing.extension_note is None
        else _keys(plan, variant, heroes, fmt, settings, book, "offline")[2],
    }
    store.write(image_key, data)
    store.write(sidecar_key, json.dumps(sidecar, indent=2, ensure_ascii=False).encode() + b"\n")
    return _outcome(
        variant, sidecar, file_path, rendered=True, sidecar_path=f"{display_root.rstrip('/')}/{sidecar_key}"
    ), sidecar


def _outcome(
    variant: VariantPlan, sidecar: dict[str, Any], file_path: str, *, rendered: bool, sidecar_path: str
) -> VariantOutcome:
    return VariantOutcome(
        product_id=variant.product.id,
        locale=variant.locale,
        aspect_ratio=variant.placement.ratio,
        status="ok" if sidecar.get("status") == "ok" else "failed",
        reason=sidecar.get("reason"),
        file_path=file_path,
        reused=bool(sidecar.get("reused")),
        rendered=rendered,
        sidecar_path=sidecar_path,
        checks=list(sidecar.get("checks", [])),
        needs_translation=bool(sidecar.get("needs_translation")),
    )
