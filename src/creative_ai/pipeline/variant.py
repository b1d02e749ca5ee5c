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
from creative_ai.checks.painted_text import applies_to
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.pipeline.heroes import HeroSet
from creative_ai.pipeline.keys import VariantKeys, hero_for, other_format_keys
from creative_ai.pipeline.plan import CampaignPlan, VariantPlan, copy_of
from creative_ai.placements import Box, Placement
from creative_ai.records import CreativeRecord, TextRecord, VariantOutcome
from creative_ai.render.backdrop import draw_backdrop
from creative_ai.render.compose import Rendered, TextPlan, plan_text, product_region, render_creative
from creative_ai.render.framing import Fill
from creative_ai.render.measure import logo_box_for
from creative_ai.render.packshot import anchored, place_packshot, product_target
from creative_ai.render.subject import Subject
from creative_ai.render.text import FontBook
from creative_ai.results.identity import History
from creative_ai.storage import Store


@dataclass(frozen=True)
class Stage:
    """The picture under the copy: a hero to crop, or a packshot already set on art."""

    image: Image.Image
    sha256: str
    source: str
    provider: str
    model: str
    seed: int | None
    subject: Subject | None = None  # the subject of a picture to crop
    product_box: Box | None = None  # where a cut-out packshot was set (creative pixels)
    target: tuple[int, int, int, int] | None = None  # where the picture's subject is to stand (creative pixels)


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
    logo: Box | None,
    region: Box | None = None,
) -> Stage:
    """The hero for this placement. The product stands in ``region`` (the campaign's shared product area for this
    ratio, else the space this variant's text leaves), sized per the placement's product share: a cut-out packshot
    is set there on brand art; a photographed one is framed so its subject lands there. An image model's hero is
    cropped around its subject; brand art from a provider that draws no product is cut like a scene."""
    placement = variant.placement
    packshot = heroes.packshot
    region = region or product_region(placement, text.rtl)
    if packshot is not None and packshot.has_transparency:
        bbox = packshot.image.getchannel("A").getbbox() or (0, 0, *packshot.image.size)
        region = _product_area(region, placement, logo, (bbox[2] - bbox[0], bbox[3] - bbox[1]))
        backdrop = draw_backdrop(
            width=placement.width,
            height=placement.height,
            palette=list(plan.brief.brand_colors),
            seed=int(packshot.sha256[:8], 16),
        )
        staged, box = place_packshot(backdrop, packshot.image, region=region, placement=placement)
        return Stage(staged, packshot.sha256, "input", "input", "-", None, product_box=box)
    if packshot is not None:
        subject = heroes.subject_of(packshot.sha256, packshot.image, generated=False)
        x0, y0, x1, y1 = subject.box
        target = _target(subject, _product_area(region, placement, logo, (x1 - x0, y1 - y0)), placement)
        return Stage(packshot.image, packshot.sha256, "input", "input", "-", None, subject, target=target)
    hero = hero_for(heroes, variant)
    if applies_to(source=hero.source, provider=hero.provider):
        subject = heroes.subject_of(hero.sha256, hero.image, generated=True)
    else:
        w, h = hero.image.size
        subject = Subject((0, 0, w, h), "none", "brand art with no product in it: cut like a scene", scene=True)
    # A generated scene was asked for at this placement's size class: it is cropped around its subject (or
    # extended to keep it), not rearranged; the framing check measures what the copy covers of it.
    return Stage(hero.image, hero.sha256, hero.source, hero.provider, hero.model, hero.seed, subject)


def stage_for(
    plan: CampaignPlan, variant: VariantPlan, heroes: HeroSet, *, region: Box | None, book: FontBook
) -> tuple[TextPlan, Stage]:
    """The fitted copy of a variant and the picture it goes on (see :func:`build_stage`)."""
    placement = variant.placement
    text = plan_text(copy_of(variant.copy, variant.locale), placement=placement, book=book)
    logo = logo_box_for(plan.logo.image.size, placement, text.rtl) if plan.logo is not None else None
    return text, build_stage(plan, variant, heroes, text, logo, region)


def _product_area(region: Box, placement: Placement, logo: Box | None, size: tuple[int, int]) -> Box:
    """The product area without the logo's corner (and its clearspace): the product either stands beside the logo
    (the area narrowed on both sides, so it stays centred) or below it, whichever lets a product of ``size`` stand
    larger."""
    if logo is None:
        return region
    clear = logo.height // 2
    if logo.right + clear <= region.left or logo.left - clear >= region.right or logo.bottom + clear <= region.top:
        return region  # the logo is not over the area
    on_right = logo.left + logo.right > region.left + region.right
    inset = region.right - (logo.left - clear) if on_right else logo.right + clear - region.left
    inset = min(max(0, inset), region.width // 2 - 1)
    beside = Box(region.left + inset, region.top, region.right - inset, region.bottom)
    below = Box(region.left, min(region.bottom - 1, logo.bottom + clear), region.right, region.bottom)
    return max((beside, below), key=lambda area: product_target(area, placement, size).width)


def _target(subject: Subject, region: Box, placement: Placement) -> tuple[int, int, int, int] | None:
    if not subject.found:
        return None
    x0, y0, x1, y1 = subject.box
    return anchored(product_target(region, placement, (x1 - x0, y1 - y0)), subject.edges, placement).as_tuple()


def brand_pixels(stage: Stage, heroes: HeroSet) -> tuple[Image.Image, str] | None:
    """What the brand controls in this creative, for the brand-colour check: a cut-out packshot's pixels, the
    core of the product's box on a photographed one (the whole photo when the product was not found), or an image
    model's picture; None for brand art we drew from the palette."""
    shot = heroes.packshot
    if shot is not None and shot.has_transparency:
        return shot.image, "packshot's product"
    if shot is not None:
        if stage.subject is None or not stage.subject.found:
            return shot.image, "packshot"
        x0, y0, x1, y1 = stage.subject.box
        dx, dy = (x1 - x0) // 10, (y1 - y0) // 10  # the product's core: a found box has backdrop at its rim
        return shot.image.crop((x0 + dx, y0 + dy, x1 - dx, y1 - dy)), "packshot's product"
    if applies_to(source=stage.source, provider=stage.provider):
        return stage.image, "generated hero"
    return None


def read_sidecar(store: Store, key: str) -> CreativeRecord | None:
    """The stored sidecar under ``key``; None when it is absent or damaged."""
    if not store.exists(key):
        return None
    return CreativeRecord.from_json(store.read(key))


def unchanged(store: Store, keys: VariantKeys, *, sidecar: CreativeRecord | None = None) -> CreativeRecord | None:
    """The existing sidecar (``sidecar`` when the caller has read it) when the stored creative was made from exactly
    these inputs and is intact."""
    sidecar = sidecar or read_sidecar(store, keys.sidecar)
    if sidecar is None or sidecar.render_key != keys.render or not store.exists(keys.image):
        return None
    if hashlib.sha256(store.read(keys.image)).hexdigest() != sidecar.sha256:
        return None
    return sidecar


def needs_render(store: Store, keys: VariantKeys) -> bool:
    """Whether :func:`produce_variant` would draw this variant (its stored creative is missing or stale)."""
    return unchanged(store, keys) is None


def drop_other_formats(store: Store, plan: CampaignPlan, variant: VariantPlan, fmt: str) -> None:
    """One creative per variant: the variant's creative in another format than ``fmt`` (an earlier run's, whose
    sidecar this run's replaced) is deleted once the creative in ``fmt`` is stored."""
    for key in other_format_keys(plan, variant, fmt):
        store.delete(key)


def check_context(
    rendered: Rendered,
    placement: Placement,
    *,
    logo: Image.Image | None,
    palette: tuple[str, ...],
    expects_logo: bool | None = None,
    generated: bool = False,
    cut: frozenset[str] = frozenset(),
    brand: tuple[Image.Image, str] | None = None,
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
        product_box=rendered.product_box,
        subject_note=rendered.framing.note,
        generated_scene=generated,
        product_cut=cut,
        terms_box=rendered.terms_box,
        terms_mask=rendered.terms_mask,
        brand_pixels=brand[0] if brand else None,
        brand_source=brand[1] if brand else "",
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
    history: History | None = None,
) -> tuple[VariantOutcome, CreativeRecord]:
    """Render (or keep) one creative; returns its outcome and sidecar. RenderError propagates to the caller.

    ``fill`` paints the new area when framing extends the canvas; ``history`` numbers a new version of it.
    """
    brief, placement = plan.brief, variant.placement
    root = display_root.rstrip("/")
    file_path, sidecar_path = f"{root}/{keys.image}", f"{root}/{keys.sidecar}"
    before = read_sidecar(store, keys.sidecar)
    kept = unchanged(store, keys, sidecar=before)
    if kept is not None:
        drop_other_formats(store, plan, variant, fmt)
        return outcome_of(variant, kept, file_path, rendered=False, sidecar_path=sidecar_path), kept

    text, stage = stage_for(plan, variant, heroes, region=region, book=book)
    logos = [plan.logo.image, *(v.image for v in plan.logo_variants)] if plan.logo else None
    rendered = render_creative(
        stage.image,
        placement=placement,
        text=text,
        palette=list(brief.brand_colors),
        logo=logos,
        book=book,
        fill=fill,
        subject=stage.subject,
        product_box=stage.product_box,
        target=stage.target,
    )
    placed = rendered.logo.image if rendered.logo else None  # the check looks for the logo that was placed
    ctx = check_context(
        rendered,
        placement,
        logo=placed,
        expects_logo=plan.logo is not None,
        palette=tuple(brief.brand_colors),
        generated=stage.source != "input",
        cut=stage.subject.edges if stage.subject is not None and stage.target is not None else frozenset(),
        brand=brand_pixels(stage, heroes),
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
    key = (variant.product.id, variant.locale, variant.placement.ratio)
    record.version, record.previous_ad_name = (history or History()).version_of(
        key, ad_name=record.ad_name, before=before
    )
    store.write(keys.image, data)
    store.write(keys.sidecar, record.to_json())
    drop_other_formats(store, plan, variant, fmt)
    return outcome_of(variant, record, file_path, rendered=True, sidecar_path=sidecar_path), record


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
        terms=variant.copy.terms,
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


def outcome_of(
    variant: VariantPlan, sidecar: CreativeRecord, file_path: str, *, rendered: bool, sidecar_path: str
) -> VariantOutcome:
    """The outcome of a variant whose creative is stored, as its sidecar records it."""
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
        machine_translated=sidecar.machine_translated,
        hero=None if sidecar.hero_source == "input" else f"{sidecar.provider}/{sidecar.model}",
    )
