"""Stage 1: expand a brief into variants, load input assets, preflight copy and fonts. Writes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from creative_ai.assets import InputImage, find_product_image, load_image
from creative_ai.brief import CampaignBrief, Product, normalize_locale
from creative_ai.checks import CheckResult, legal
from creative_ai.config import HeroStrategy, Settings
from creative_ai.errors import AssetError, ConfigurationError, GlyphCoverageError, InputError, TextFitError
from creative_ai.localize.copy import LocalizedCopy, Translator, localize
from creative_ai.pipeline.arrange import layout_for, product_size
from creative_ai.placements import Placement, get_placement, normalize_ratio
from creative_ai.render import shaping
from creative_ai.render.compose import Copy, plan_text
from creative_ai.render.subject import Subject, find_subject
from creative_ai.render.text import FontBook
from creative_ai.storage import layout


@dataclass(frozen=True)
class VariantPlan:
    product: Product
    locale: str
    placement: Placement
    copy: LocalizedCopy
    preflight_error: str | None = None
    copy_checks: tuple[CheckResult, ...] = ()

    @property
    def stem(self) -> str:
        return layout.stem(product_id=self.product.id, ratio=self.placement.ratio, locale=self.locale)


@dataclass(frozen=True)
class ProductPlan:
    product: Product
    packshot: InputImage | None
    prompt: str
    seed: int
    size_classes: tuple[str, ...]
    subject: Subject | None = None  # the product found on a photographed packshot, when the plan needed it


@dataclass(frozen=True)
class Scope:
    """The part of a brief a run covers (empty: all of it) and how its heroes are cut."""

    ratios: Sequence[str] = ()
    locales: Sequence[str] = ()
    products: Sequence[str] = ()
    hero_strategy: HeroStrategy | None = None


@dataclass(frozen=True)
class Outline:
    """The variants a run covers, in plan order, with their copy; known without loading any asset."""

    brief: CampaignBrief
    products: list[Product]
    ratios: list[str]
    locales: list[str]
    variants: list[VariantPlan]


@dataclass(frozen=True)
class CampaignPlan:
    brief: CampaignBrief
    products: list[ProductPlan]
    variants: list[VariantPlan]
    logo: InputImage | None
    hero_strategy: HeroStrategy
    ratios: list[str] = field(default_factory=list)
    locales: list[str] = field(default_factory=list)
    logo_variants: tuple[InputImage, ...] = ()  # brand.logo_light, brand.logo_dark (as given)

    @property
    def outline(self) -> Outline:
        return Outline(self.brief, [p.product for p in self.products], self.ratios, self.locales, self.variants)


def build_prompt(brief: CampaignBrief, product: Product) -> str:
    """The hero prompt. It leaves the message out on purpose: copy is set on top, never painted in."""
    parts = [f"Premium advertising hero photograph of {product.name}"]
    if product.description:
        parts.append(product.description.rstrip("."))
    parts.append(f"for {brief.target_audience} in {brief.target_market}")
    if brief.brand_colors:
        parts.append(f"brand palette {', '.join(brief.brand_colors)}")
    parts.append("clean studio composition, soft light, calm negative space, no text, no letters, no logos")
    return ". ".join(parts) + "."


def seed_for(product_id: str, prompt: str) -> int:
    digest = hashlib.sha256(json.dumps([product_id, prompt]).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _resolve(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


def _choose(
    brief: CampaignBrief, ratios: Sequence[str], locales: Sequence[str], only_products: Sequence[str]
) -> tuple[list[Product], list[str], list[str]]:
    """The products, ratios and locales a run covers; InputError naming the option that is wrong."""
    known = [p.id for p in brief.products]
    unknown = [p for p in only_products if p not in known]
    if unknown:
        raise InputError(f"--product: {', '.join(unknown)} not in the brief (its products: {', '.join(known)})")
    try:
        chosen_ratios = [normalize_ratio(r) for r in ratios] if ratios else list(brief.aspect_ratios)
    except ValueError as exc:
        raise InputError(f"--ratio: {exc}") from exc
    try:
        chosen_locales = [normalize_locale(v) for v in locales] if locales else brief.target_locales
    except ValueError as exc:
        raise InputError(f"--locale: {exc}") from exc
    for option, chosen, offered in (
        ("--ratio", chosen_ratios, list(brief.aspect_ratios)),
        ("--locale", chosen_locales, brief.target_locales),
    ):
        if extra := [c for c in chosen if c not in offered]:
            raise InputError(f"{option}: {', '.join(extra)} not in the brief (its values: {', '.join(offered)})")
    products = [p for p in brief.products if not only_products or p.id in only_products]
    return products, list(dict.fromkeys(chosen_ratios)), list(dict.fromkeys(chosen_locales))


def outline(
    brief: CampaignBrief,
    *,
    ratios: Sequence[str] = (),
    locales: Sequence[str] = (),
    only_products: Sequence[str] = (),
) -> Outline:
    """Every variant of (part of) the brief with the brief's own copy, loading nothing and translating nothing."""
    products, chosen_ratios, chosen_locales = _choose(brief, ratios, locales, only_products)
    placements = [get_placement(r) for r in chosen_ratios]
    variants = [
        VariantPlan(product, locale, placement, copy)
        for product in products
        for locale in chosen_locales
        for copy in (localize(brief, product, locale),)
        for placement in placements
    ]
    return Outline(brief, products, chosen_ratios, chosen_locales, variants)


def _load_logo(brief: CampaignBrief, name: str, *, max_pixels: int) -> InputImage | None:
    """``brand.<name>`` loaded and checked (``logo``, ``logo_light`` or ``logo_dark``), or None when not given."""
    value = getattr(brief.brand, name) if brief.brand else None
    if not value:
        return None
    logo = load_image(_resolve(brief.base_dir, value), field=f"brand.{name}", max_pixels=max_pixels)
    if logo.image.mode in ("RGBA", "LA") and not any(logo.image.getchannel("A").histogram()[128:]):
        raise AssetError(f"brand.{name}: {logo.path} is fully transparent: there is no logo to place")
    return logo


def _packshot(brief: CampaignBrief, product: Product, *, assets_dir: Path, max_pixels: int) -> InputImage | None:
    """The product's own picture: the brief's ``image``, else ``assets/products/<id>.*``, else none."""
    index = next(i for i, p in enumerate(brief.products) if p is product)
    if product.image:
        return load_image(
            _resolve(brief.base_dir, product.image), field=f"products[{index}].image", max_pixels=max_pixels
        )
    found = find_product_image(product.id, assets_dir)
    if found is None:
        return None
    return load_image(found, field=f"products[{index}] asset {found}", max_pixels=max_pixels)


def _preflight(
    copy: LocalizedCopy, *, locale: str, brief: CampaignBrief, book: FontBook, rules: list[Path]
) -> tuple[str | None, CheckResult]:
    """Why this copy cannot be made (missing glyphs, a prohibited term), if it cannot; and its legal verdict."""
    problem = None
    words = copy.headline + " " + (copy.cta or "")
    try:
        book.require(words, locale=locale)
    except GlyphCoverageError as exc:
        problem = str(exc)
    if not book.brand_covers(words) and (why := shaping.complex_shaping_problem()):
        raise ConfigurationError(f"locale {locale} needs complex-script shaping, which is unavailable: {why}")
    verdict = legal.variant_result(
        copy.headline, copy.cta, locale=locale, market=brief.target_market, extra=rules, terms=copy.terms
    )
    if verdict.status == "fail" and problem is None:  # e.g. a machine translation that says "guaranteed"
        problem = f"legal: {verdict.evidence}"
    return problem, verdict


def copy_of(copy: LocalizedCopy, locale: str) -> Copy:
    """The words one creative carries: headline, CTA and terms line."""
    return Copy(copy.headline, copy.cta, locale, copy.terms)


def _fit(copy: LocalizedCopy, locale: str, layout: Placement, book: FontBook) -> str | None:
    """Why this copy cannot be set in this layout (decided here, before anything is generated), if it cannot."""
    try:
        plan_text(copy_of(copy, locale), placement=layout, book=book)
    except TextFitError as exc:
        return f"the {locale} copy does not fit the {layout.ratio} layout: {exc}"
    return None


def plan_campaign(
    brief: CampaignBrief,
    *,
    assets_dir: Path,
    max_pixels: int,
    book: FontBook,
    ratios: Sequence[str] = (),
    locales: Sequence[str] = (),
    only_products: Sequence[str] = (),
    hero_strategy: HeroStrategy = "per-orientation",
    translator: Translator | None = None,
) -> CampaignPlan:
    """Every variant to make, with its copy; raises InputError/AssetError before anything is written.

    ``ratios``, ``locales`` and ``only_products`` narrow the run to part of the brief (empty: all of it).
    """
    rules = [_resolve(brief.base_dir, r) for r in brief.legal_rules]
    legal.preflight(brief, rules)  # a prohibited term refuses the campaign here, before any generation
    chosen, chosen_ratios, chosen_locales = _choose(brief, ratios, locales, only_products)
    placements = [get_placement(r) for r in chosen_ratios]
    logo = _load_logo(brief, "logo", max_pixels=max_pixels)
    if logo is None and brief.brand and (brief.brand.logo_light or brief.brand.logo_dark):
        raise InputError("brand.logo_light / brand.logo_dark are variants of brand.logo: give brand.logo too")
    variants_of_logo = tuple(
        v for name in ("logo_light", "logo_dark") if (v := _load_logo(brief, name, max_pixels=max_pixels)) is not None
    )
    classes = ("single",) if hero_strategy == "single" else tuple(dict.fromkeys(p.orientation for p in placements))
    products: list[ProductPlan] = []
    variants: list[VariantPlan] = []
    for product in chosen:
        packshot = _packshot(brief, product, assets_dir=assets_dir, max_pixels=max_pixels)
        prompt = build_prompt(brief, product)
        seed = seed_for(product.id, prompt)
        copies = {locale: localize(brief, product, locale, translator=translator) for locale in chosen_locales}
        checked = {
            locale: _preflight(copy, locale=locale, brief=brief, book=book, rules=rules)
            for locale, copy in copies.items()
        }
        # The layout is the campaign's, not this run's: the brief's own copy of every locale it has (a run of one
        # locale lays out like the full run) beside this run's copy (translations included).
        brief_copy = {locale: localize(brief, product, locale, translator=None) for locale in brief.target_locales}
        fitted = [
            copy_of(c, locale)
            for locale, c in brief_copy.items()
            if _preflight(c, locale=locale, brief=brief, book=book, rules=rules)[0] is None
        ]
        fitted += [
            copy_of(c, locale)
            for locale, c in copies.items()
            if checked[locale][0] is None and c != brief_copy.get(locale)  # a translation: set it too
        ]
        layouts, subject = _layouts(placements, packshot, fitted, book=book)
        mine = [
            VariantPlan(
                product, locale, p, copy, checked[locale][0] or _fit(copy, locale, p, book), (checked[locale][1],)
            )
            for locale, copy in copies.items()
            for p in layouts
        ]
        # Heroes only for the size classes of variants that can be made: copy that fits nowhere costs nothing.
        needed = {
            "single" if hero_strategy == "single" else v.placement.orientation for v in mine if not v.preflight_error
        }
        made = () if packshot else tuple(c for c in classes if c in needed)
        products.append(ProductPlan(product, packshot, prompt, seed, made, subject))
        variants.extend(mine)
    return CampaignPlan(
        brief, products, variants, logo, hero_strategy, chosen_ratios, chosen_locales, logo_variants=variants_of_logo
    )


def _layouts(
    placements: Sequence[Placement], packshot: InputImage | None, fitted: Sequence[Copy], *, book: FontBook
) -> tuple[list[Placement], Subject | None]:
    """Each placement's layout for one product (see :func:`creative_ai.pipeline.arrange.layout_for`), and the
    subject found on a photographed packshot to choose them (kept, so the render does not look for it again)."""
    if packshot is None:
        return list(placements), None
    subject = None if packshot.has_transparency else find_subject(packshot.image)
    edges = subject.edges if subject is not None else frozenset()
    if not edges and not any(p.side_by_side_for_tall for p in placements):
        return list(placements), subject
    size = product_size(packshot.image, subject)
    return [layout_for(p, size, fitted, book=book, edges=edges) for p in placements], subject


def plan_run(
    brief: CampaignBrief, scope: Scope, *, settings: Settings, book: FontBook, translator: Translator | None
) -> CampaignPlan:
    """Stage 1 of a run: :func:`plan_campaign` with the run's settings and scope."""
    return plan_campaign(
        brief,
        assets_dir=settings.assets_dir,
        max_pixels=settings.max_image_pixels,
        book=book,
        ratios=scope.ratios,
        locales=scope.locales,
        only_products=scope.products,
        hero_strategy=scope.hero_strategy or settings.hero_strategy,
        translator=translator,
    )
