"""The local provider's art: no lettering in any crop, no hard edge, on brand, one look per product.

Figures the thresholds come from (heroes of examples/brief_multi_product.json, all four hero sizes):
- Distinctness, CIEDE2000 between two heroes' mean Lab colours. The products' heroes looked the same when every
  product got the same navy field and orange glow: 1.3–6.7 then. Two seeds drawn with the same field and layout
  measure 0–2 (median 0.6, 120 seeds); the example's products now measure 33.4–57.0. 15 is over twice the old worst
  case and under half the new one. The thumbnail's per-pixel ΔE2000 went from 5.1–11.8 to 35.7–59.9 (and the 256-bit
  dhash distance of report/similarity.py from 13–68 to 86–141).
- Edges, the largest luminance step between neighbouring pixels: 13–16 levels per pixel at the old name texture's
  letters, at most 2.2 now (the gradient's own 1–2 level quantisation steps). A headline's edge is ~200.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative_ai import get_settings
from creative_ai.brief import load_brief
from creative_ai.checks.base import ImageContext
from creative_ai.checks.brand_colors import BrandColorCheck, ciede2000, rgb_to_lab
from creative_ai.checks.painted_text import PaintedTextCheck
from creative_ai.config import Settings
from creative_ai.pipeline.heroes import hero_key, keyed_slot
from creative_ai.pipeline.plan import build_prompt, seed_for
from creative_ai.placements import HERO_SIZES, PLACEMENTS, Box, get_placement
from creative_ai.providers import GenerationRequest, get_provider
from creative_ai.records import CreativeRecord
from creative_ai.render.backdrop import draw_backdrop
from creative_ai.render.framing import frame
from creative_ai.render.looks import LAYOUTS, choose_look, roles
from creative_ai.render.subject import Subject
from creative_ai.runtime import Runtime
from tests.fakes import FakeProvider

ROOT = Path(__file__).resolve().parents[1]
BRIEF = load_brief(ROOT / "examples" / "brief_multi_product.json")
DISTINCT = 15.0  # ΔE2000 between two products' heroes (see the module docstring)
MAX_STEP = 4.0  # luminance levels between neighbouring pixels; the old lettering had 13–16
PALETTES = [
    ("#FF6B35", "#004E89", "#F4F4F4"),
    ("#E4572E", "#17BEBB", "#FFC914"),
    ("#6A1B9A", "#F8BBD0"),
    ("#C8102E", "#FFD100", "#000000"),
    ("#111111", "#FFFFFF"),
    ("#1F3A5F",),
    ("#FFC914",),
]


def _request(product_id: str, size_class: str) -> GenerationRequest:
    """What the pipeline asks the provider for this product's hero (its slot: its place in the brief)."""
    slot, product = next((i, p) for i, p in enumerate(BRIEF.products) if p.id == product_id)
    prompt = build_prompt(BRIEF, product)
    width, height = HERO_SIZES[size_class]
    return GenerationRequest(
        prompt=prompt,
        width=width,
        height=height,
        seed=seed_for(product.id, prompt),
        subject=product.name,
        palette=tuple(BRIEF.brand_colors),
        slot=slot,
    )


@cache
def hero_bytes(product_id: str, size_class: str) -> bytes:
    return get_provider("local", settings=Settings()).generate(_request(product_id, size_class)).image


def hero(product_id: str, size_class: str) -> Image.Image:
    return Image.open(io.BytesIO(hero_bytes(product_id, size_class))).convert("RGB")


def lab_thumbnail(image: Image.Image) -> np.ndarray:
    return rgb_to_lab(np.asarray(image.resize((32, 32), Image.Resampling.BOX), dtype=np.float64))


def largest_step(image: Image.Image) -> float:
    luma = np.asarray(image.convert("L"), dtype=np.float64)
    return float(np.hypot(np.diff(luma, axis=1)[:-1, :], np.diff(luma, axis=0)[:, :-1]).max())


PRODUCTS = [p.id for p in BRIEF.products]


@pytest.mark.parametrize("size_class", sorted(HERO_SIZES))
def test_the_products_of_one_campaign_do_not_look_alike(size_class: str) -> None:
    thumbs = {p: lab_thumbnail(hero(p, size_class)) for p in PRODUCTS}
    for a, b in itertools.combinations(PRODUCTS, 2):
        mean_colour = float(ciede2000(thumbs[a].reshape(-1, 3).mean(0), thumbs[b].reshape(-1, 3).mean(0)))
        per_pixel = float(ciede2000(thumbs[a], thumbs[b]).mean())
        assert mean_colour > DISTINCT and per_pixel > DISTINCT, (a, b, mean_colour, per_pixel)


def test_the_same_product_is_drawn_the_same_and_keeps_its_look_in_every_size() -> None:
    again = get_provider("local", settings=Settings()).generate(_request(PRODUCTS[0], "portrait")).image
    assert again == hero_bytes(PRODUCTS[0], "portrait")
    for product in PRODUCTS:
        means = [lab_thumbnail(hero(product, c)).reshape(-1, 3).mean(0) for c in sorted(HERO_SIZES)]
        # one product's heroes differ far less from each other than from another product's (measured ≤ 4)
        assert max(float(ciede2000(x, y)) for x, y in itertools.combinations(means, 2)) < DISTINCT / 2


@pytest.fixture(scope="module")
def painted_text() -> PaintedTextCheck:
    return PaintedTextCheck()


@pytest.mark.parametrize("product", PRODUCTS)
def test_no_crop_of_the_art_carries_lettering_or_a_hard_edge(painted_text: PaintedTextCheck, product: str) -> None:
    """Each hero, and the single hero framed for every ratio, read by the painted-text OCR: nothing at all (the
    old art's product name read as "TOWEL", "SUNSC", "BOTTL"), and no step that could compete with a headline."""
    pictures = {size_class: hero(product, size_class) for size_class in ("square", "portrait", "landscape")}
    single = hero(product, "single")
    scene = Subject((0, 0, *single.size), "none", scene=True)  # as the pipeline frames brand art: no product in it
    for ratio, placement in PLACEMENTS.items():
        pictures[f"single→{ratio}"], _framing = frame(single, placement.width, placement.height, subject=scene)
    for name, picture in pictures.items():
        result = painted_text.run(picture)
        assert result.status == "pass" and result.measured["regions"] == 0, (name, result.evidence)
        assert largest_step(picture) <= MAX_STEP, name


def _every_look(palette: tuple[str, ...]) -> list[tuple[int, int | None]]:
    """(seed, slot) pairs that between them draw every field × layout the palette allows, by slot and by seed."""
    by_slot = [(7, slot) for slot in range(len(roles(palette).options) * len(LAYOUTS))]
    looks = {(look.mood, look.top.tobytes(), look.layout) for look in (choose_look(palette, 7, s) for _, s in by_slot)}
    assert len(looks) == len(by_slot)
    return by_slot + [(seed, None) for seed in range(20)]


@pytest.mark.parametrize("palette", PALETTES, ids=["-".join(p) for p in PALETTES])
def test_every_look_is_mostly_brand_colour_and_calm(palette: tuple[str, ...]) -> None:
    check = BrandColorCheck()
    placement = get_placement("1x1")
    for seed, slot in _every_look(palette):
        art = draw_backdrop(width=256, height=256, palette=palette, seed=seed, slot=slot)
        ctx = ImageContext(
            image=art,
            placement=placement,
            text_box=Box(0, 0, 1, 1),
            block_box=Box(0, 0, 1, 1),
            text_mask=Image.new("L", art.size),
            text_color=(0, 0, 0),
            logo_box=None,
            expects_logo=False,
            base=art,
            palette=palette,
            brand_pixels=art,  # the check as an instrument: measured on the art itself
            brand_source="art",
        )
        result = check.run(ctx)
        assert result.status == "pass", (seed, slot, choose_look(palette, seed, slot), result.evidence)
        assert largest_step(art) <= MAX_STEP * 2  # 8× less upscaling at this size: steps are steeper, still soft


def test_a_field_colour_the_brand_lacks_is_never_used() -> None:
    assert roles(("#1F3A5F",)).moods() == ("night",)  # no light brand colour: no pale field
    assert roles(("#FFC914",)).moods() == ("colour",)
    assert roles(("#FF6B35", "#004E89", "#F4F4F4")).moods() == ("night", "day", "colour")


def _mean_lab(art: Image.Image) -> np.ndarray:
    return lab_thumbnail(art).reshape(-1, 3).mean(0)


@pytest.mark.parametrize("palette", [p for p in PALETTES if len(roles(p).options) >= 3], ids=lambda p: "-".join(p))
def test_any_three_products_of_a_campaign_get_three_fields(palette: tuple[str, ...]) -> None:
    """Whatever the products' seeds, slots 0, 1, 2 draw three different brand-colour fields. Chosen by seed alone,
    two of three random products fell within ΔE 15 of each other in 67% of campaigns of the example palette."""
    rng = np.random.default_rng(5)
    for _campaign in range(12):
        seeds = [int(s) for s in rng.integers(0, 2**31, 3)]
        means = [
            _mean_lab(draw_backdrop(width=128, height=128, palette=palette, seed=s, slot=i))
            for i, s in enumerate(seeds)
        ]
        closest = min(float(ciede2000(a, b)) for a, b in itertools.combinations(means, 2))
        assert closest > DISTINCT, (seeds, closest)


@pytest.mark.parametrize("palette", PALETTES, ids=lambda p: "-".join(p))
def test_products_beyond_the_palettes_fields_still_get_their_own_layout(palette: tuple[str, ...]) -> None:
    looks = [choose_look(palette, 11 + slot, slot) for slot in range(len(roles(palette).options) * len(LAYOUTS))]
    assert len({(look.mood, look.top.tobytes(), look.layout) for look in looks}) == len(looks)


def test_a_product_gets_the_same_hero_whichever_of_the_campaigns_products_a_run_makes(workdir: Path) -> None:
    """The slot is the product's place in the brief, not in the run: making the last product alone (as a fanned-out
    job part does) draws the hero the whole campaign's run drew."""
    heroes = {}
    for name, only in (("all", ()), ("one", (PRODUCTS[-1],))):
        settings = get_settings(
            output_dir=workdir / name,
            assets_dir=workdir / "assets",
            provider="local",
            database_url=f"sqlite:///{workdir / name}.db",
        )
        runtime = Runtime.open(settings)
        runtime.run(BRIEF, chain=runtime.chain(), products=only, ratios=["1x1"])
        campaign = workdir / name / BRIEF.campaign_id
        manifest = json.loads((campaign / "manifest.json").read_text())
        (made,) = [v for v in manifest["variants"] if v["product_id"] == PRODUCTS[-1] and v["status"] == "ok"]
        record = CreativeRecord.from_json((campaign / made["file"]).with_suffix(".json").read_bytes())
        assert record is not None
        heroes[name] = record.hero_sha256
    assert heroes["one"] == heroes["all"]


def test_an_image_models_hero_keys_do_not_change() -> None:
    """The slot keys only drawn art: an image model's recorded heroes (paid for) are still found."""
    assert keyed_slot(FakeProvider(settings=Settings()), 2) is None
    assert keyed_slot(get_provider("local", settings=Settings()), 2) == 2
    old = json.dumps(["p", "a prompt", "fake", "fake-1", "square", 1080, 1080]).encode()
    assert hero_key("p", "a prompt", "fake", "fake-1", "square", None) == hashlib.sha256(old).hexdigest()
    assert hero_key("p", "a prompt", "local", "brand-art-2", "square", 2) != hero_key(
        "p", "a prompt", "local", "brand-art-2", "square", 1
    )


def test_new_art_is_never_served_from_an_older_drawings_cache() -> None:
    """The model name keys every hero: the lettered art was brand-art-1, and a selection stored with that name
    now draws the current art under the current name (so its heroes are drawn again, not reused)."""
    current = get_provider("local", settings=Settings())
    stored = get_provider("local", settings=Settings(), model="brand-art-1")
    assert current.model == stored.model == "brand-art-2"
    request = _request(PRODUCTS[0], "square")
    assert hero_key(PRODUCTS[0], request.prompt, "local", current.model, "square") != hero_key(
        PRODUCTS[0], request.prompt, "local", "brand-art-1", "square"
    )
