"""Stage 5 for one variant: render, check, encode once, store atomically with its sidecar.

A variant whose inputs did not change since the last run is left alone (same render key, same bytes).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import Image

from creative_ai.checks import CheckResult, ImageContext, overall
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.pipeline.heroes import HeroSet
from creative_ai.pipeline.keys import VariantKeys, hero_for
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan
from creative_ai.placements import Box, Placement
from creative_ai.records import CreativeRecord, TextRecord, VariantOutcome
from creative_ai.render.backdrop import draw_backdrop
from creative_ai.render.compose import Copy, Rendered, TextPlan, plan_text, product_region, render_creative
from creative_ai.render.crop import alpha_focal_point
from creative_ai.render.framing import Fill
from creative_ai.render.measure import logo_box_for
from creative_ai.render.packshot import place_packshot
from creative_ai.render.text import FontBook
from creative_ai.storage import Store

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


def encode(image: Image.Image, *, fmt: str, settings: Settings) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, format="PNG", compress_level=settings.png_compress_level)
    elif fmt == "jpg":
        image.save(buffer, format="JPEG", quality=settings.jpeg_quality, subsampling=0)
    else:
        image.save(buffer, format="WEBP", quality=settings.webp_quality, method=4)
    return buffer.getvalue()


def build_stage(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    text: TextPlan,
    logo_w: int,
    region: Box | None = None,
) -> Stage:
    """The hero for this placement; a cut-out packshot is set on brand art in ``region`` (the campaign's shared
    product box for this ratio), else in the space this variant's text leaves."""
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
        region = region or product_region(placement, text)
        if placement.text_side == "bottom" and logo_w:
            # keep the packshot out of the logo's corner column
            room = region.width - 2 * logo_w
            inset = max(0, (region.width - max(room, region.width // 2)) // 2)
            region = type(region)(region.left + inset, region.top, region.right - inset, region.bottom)
        staged, _box = place_packshot(backdrop, packshot.image, region=region.as_tuple(), fill=PACKSHOT_FILL)
        return Stage(staged, (0.5, 0.5), packshot.sha256, "input", "input", "-", None)
    hero = hero_for(heroes, variant)
    return Stage(hero.image, (0.5, 0.5), hero.sha256, hero.source, hero.provider, hero.model, hero.seed)


def read_sidecar(store: Store, key: str) -> CreativeRecord | None:
    """The stored sidecar under ``key``; None when it is absent or damaged."""
    if not store.exists(key):
        return None
    return CreativeRecord.from_json(store.read(key))


def unchanged(store: Store, keys: VariantKeys) -> CreativeRecord | None:
    """The existing sidecar when the stored creative was made from exactly these inputs and is intact."""
    sidecar = read_sidecar(store, keys.sidecar)
    if sidecar is None or sidecar.render_key != keys.render or not store.exists(keys.image):
        return None
    if hashlib.sha256(store.read(keys.image)).hexdigest() != sidecar.sha256:
        return None
    return sidecar


def needs_render(store: Store, keys: VariantKeys) -> bool:
    """Whether :func:`produce_variant` would draw this variant (its stored creative is missing or stale)."""
    return unchanged(store, keys) is None


def check_context(
    rendered: Rendered,
    placement: Placement,
    *,
    logo: Image.Image | None,
    palette: tuple[str, ...],
    expects_logo: bool | None = None,
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
        expects_logo=logo is not None if expects_logo is None else expects_logo,
        base=rendered.base,
        palette=palette,
        logo=logo,
    )


def produce_variant(
    plan: CampaignPlan,
    variant: VariantPlan,
    heroes: HeroSet,
    keys: VariantKeys,
    *,
    store: Store,
    settings: Settings,
    book: FontBook,
    fmt: str,
    display_root: str,
    checks: CheckSuite,
    fill: Fill | None = None,
    region: Box | None = None,
) -> tuple[VariantOutcome, CreativeRecord]:
    """Render (or keep) one creative; returns its outcome and sidecar. RenderError propagates to the caller.

    ``fill`` paints the new area when framing extends the canvas.
    """
    brief, placement = plan.brief, variant.placement
    root = display_root.rstrip("/")
    file_path, sidecar_path = f"{root}/{keys.image}", f"{root}/{keys.sidecar}"
    text = plan_text(Copy(variant.copy.headline, variant.copy.cta, variant.locale), placement=placement, book=book)
    logo_w = 0
    if plan.logo is not None:
        logo_box = logo_box_for(plan.logo.image.size, placement, text.rtl)
        logo_w = logo_box.width + logo_box.height // 2
    kept = unchanged(store, keys)
    if kept is not None:
        return _outcome(variant, kept, file_path, rendered=False, sidecar_path=sidecar_path), kept

    stage = build_stage(plan, variant, heroes, text, logo_w, region)
    logos = [plan.logo.image, *(v.image for v in plan.logo_variants)] if plan.logo else None
    rendered = render_creative(
        stage.image,
        placement=placement,
        text=text,
        palette=list(brief.brand_colors),
        logo=logos,
        book=book,
        fill=fill,
    )
    placed = rendered.logo.image if rendered.logo else None  # the check looks for the logo that was placed
    ctx = check_context(
        rendered, placement, logo=placed, expects_logo=plan.logo is not None, palette=tuple(brief.brand_colors)
    )
    results = checks.run(
        ctx,
        copy_results=variant.copy_checks,
        hero=(stage.source, stage.provider, stage.sha256),
        load_hero=lambda: stage.image,
    )
    data = encode(rendered.image, fmt=fmt, settings=settings)
    record = creative_record(
        plan, variant, stage, rendered, text, results, checks.failed(results), data=data, fmt=fmt, file_path=file_path
    )
    # A canvas the provider could not paint was extended offline: keyed as such, the next run paints it again.
    record.render_key = keys.render if rendered.framing.extension_note is None else keys.offline
    store.write(keys.image, data)
    store.write(keys.sidecar, record.to_json())
    return _outcome(variant, record, file_path, rendered=True, sidecar_path=sidecar_path), record


def creative_record(
    plan: CampaignPlan,
    variant: VariantPlan,
    stage: Stage,
    rendered: Rendered,
    text: TextPlan,
    results: list[CheckResult],
    failed: list[CheckResult],
    *,
    data: bytes,
    fmt: str,
    file_path: str,
) -> CreativeRecord:
    """The sidecar of a freshly rendered creative (its ``render_key`` is set by the caller)."""
    brief, placement = plan.brief, variant.placement
    return CreativeRecord(
        campaign_id=brief.campaign_id,
        product_id=variant.product.id,
        product_name=variant.product.name,
        aspect_ratio=placement.ratio,
        dimensions=placement.dimensions,
        platform=placement.platform,
        target_market=brief.target_market,
        target_audience=brief.target_audience,
        campaign_message=brief.campaign_message,
        provider=stage.provider,
        model=stage.model,
        reused=stage.source != "generated",
        file_path=file_path,
        file_size_bytes=len(data),
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        checksum_md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        locale=variant.locale,
        message=variant.copy.headline,
        cta=variant.copy.cta,
        prompt=None
        if stage.source == "input"
        else next(p.prompt for p in plan.products if p.product.id == variant.product.id),
        hero_sha256=stage.sha256,
        hero_source=stage.source,
        sha256=hashlib.sha256(data).hexdigest(),
        seed=stage.seed,
        format=fmt,
        needs_translation=variant.copy.needs_translation,
        machine_translated=variant.copy.machine_translated,
        text=TextRecord(
            font_size_px=rendered.font_size,
            lines=list(rendered.lines),
            color="#{:02X}{:02X}{:02X}".format(*rendered.text_color),
            contrast_ratio={r.name: r.measured for r in results}.get("legibility", {}).get("contrast_ratio"),
            scrim_strength=rendered.scrim_strength,
            cta_contrast_ratio=rendered.cta_contrast,
            direction="rtl" if text.rtl else "ltr",
        ),
        framing=rendered.framing.as_dict(),
        checks=[r.to_dict() for r in results],
        checks_overall=overall(results),
        status="failed" if failed else "ok",
        reason="; ".join(f"check {r.name} failed: {r.evidence}" for r in failed) or None,
        render_key="",
    )


def _outcome(
    variant: VariantPlan, sidecar: CreativeRecord, file_path: str, *, rendered: bool, sidecar_path: str
) -> VariantOutcome:
    return VariantOutcome(
        product_id=variant.product.id,
        locale=variant.locale,
        aspect_ratio=variant.placement.ratio,
        status="ok" if sidecar.status == "ok" else "failed",
        reason=sidecar.reason,
        file_path=file_path,
        reused=sidecar.reused,
        rendered=rendered,
        sidecar_path=sidecar_path,
        checks=list(sidecar.checks),
        needs_translation=sidecar.needs_translation,
    )
