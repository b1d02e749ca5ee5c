"""Every image check passes on a good creative and fails on a crafted bad one."""

from __future__ import annotations

from PIL import Image

from creative_ai.checks import ImageContext
from creative_ai.checks.layout import LogoPlacementCheck
from creative_ai.checks.legibility import LegibilityCheck
from creative_ai.pipeline.variant import check_context
from creative_ai.placements import PLACEMENTS, Box
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.text import FontBook

BOOK = FontBook.default()
PLACEMENT = PLACEMENTS["1x1"]


def _good() -> ImageContext:
    text = plan_text(Copy("Readable"), placement=PLACEMENT, book=BOOK)
    logo = Image.new("RGBA", (300, 100), (255, 255, 255, 255))
    out = render_creative(
        Image.new("RGB", (1080, 1080), "#223344"), placement=PLACEMENT, text=text, palette=[], logo=logo, book=BOOK
    )
    return check_context(out, PLACEMENT, logo=logo, palette=())


def test_legibility_passes_on_rendered_creative() -> None:
    result = LegibilityCheck().run(_good())
    assert result.status == "pass" and result.measured["contrast_ratio"] >= 4.5


def test_legibility_fails_on_low_contrast_text() -> None:
    ctx = _good()
    # Paint the background under the text the same light grey as a pale text colour.
    image = Image.new("RGB", ctx.image.size, (200, 200, 200))
    bad = ImageContext(**{**ctx.__dict__, "image": image, "text_color": (230, 230, 230)})
    result = LegibilityCheck().run(bad)
    assert result.status == "fail" and "below 4.5" in result.evidence
    assert result.measured["contrast_ratio"] < 4.5


def test_legibility_fails_outside_safe_zone() -> None:
    ctx = _good()
    outside = Box(0, ctx.block_box.top, ctx.block_box.width, ctx.block_box.bottom)
    result = LegibilityCheck().run(ImageContext(**{**ctx.__dict__, "block_box": outside}))
    assert result.status == "fail" and "safe zone" in result.evidence


def test_logo_check_passes_then_fails_on_missing_crowded_or_outside_logo() -> None:
    ctx = _good()
    assert LogoPlacementCheck().run(ctx).status == "pass"
    missing = LogoPlacementCheck().run(ImageContext(**{**ctx.__dict__, "logo_box": None}))
    assert missing.status == "fail"
    crowded = Box(ctx.block_box.left, ctx.block_box.top - 60, ctx.block_box.left + 180, ctx.block_box.top - 5)
    result = LogoPlacementCheck().run(ImageContext(**{**ctx.__dict__, "logo_box": crowded}))
    assert result.status == "fail" and "clearspace" in result.evidence
    corner = LogoPlacementCheck().run(ImageContext(**{**ctx.__dict__, "logo_box": Box(1000, 0, 1080, 40)}))
    assert corner.status == "fail" and "safe zone" in corner.evidence
    no_logo_wanted = LogoPlacementCheck().run(ImageContext(**{**ctx.__dict__, "logo_box": None, "expects_logo": False}))
    assert no_logo_wanted.status == "skipped" and "names none" in no_logo_wanted.evidence  # it does not apply


def _brand_ctx(hero_color: str, palette: list[str]) -> ImageContext:
    text = plan_text(Copy("Make Waves This Summer"), placement=PLACEMENT, book=BOOK)
    out = render_creative(
        Image.new("RGB", (1080, 1080), hero_color), placement=PLACEMENT, text=text, palette=palette, logo=None,
        book=BOOK,
    )  # fmt: skip
    return ImageContext(
        image=out.image, placement=PLACEMENT, text_box=out.text_box, block_box=out.block_box,
        text_mask=out.text_mask, text_color=out.text_color, logo_box=None, expects_logo=False,
        base=out.base, palette=tuple(palette),
        brand_pixels=Image.new("RGB", (1080, 1080), hero_color), brand_source="generated hero",
    )  # fmt: skip


def test_brand_colours_pass_on_brand_and_fail_off_brand() -> None:
    from creative_ai.checks.brand_colors import BrandColorCheck

    on = BrandColorCheck().run(_brand_ctx("#0A5290", ["#FF6B35", "#004E89"]))
    assert on.status == "pass" and on.measured["near_brand_share"] > 0.9
    assert on.measured["dominant"][0]["nearest_brand"] == "#004E89"
    off = BrandColorCheck().run(_brand_ctx("#2E8B57", ["#FF6B35", "#004E89"]))
    assert off.status == "fail" and off.measured["near_brand_share"] == 0 and "on brand from 15%" in off.evidence
    assert off.measured["measured_on"] == "generated hero"


def test_our_scrim_and_text_cannot_rescue_an_off_brand_hero() -> None:
    from creative_ai.checks.brand_colors import BrandColorCheck

    # The brand colours are exactly what we paint (dark scrim, white text): measured on the final pixels they would
    # pass; measured on the picture under our overlays, the green hero fails.
    ctx = _brand_ctx("#7FBF3F", ["#16181D", "#FFFFFF"])
    assert BrandColorCheck().run(ctx).status == "fail"
    rescued = BrandColorCheck(min_share=0.01).run(ImageContext(**{**ctx.__dict__, "brand_pixels": ctx.image}))
    assert rescued.measured["near_brand_share"] > 0  # the overlays alone would have counted


def test_ciede2000_matches_published_pairs() -> None:
    import numpy as np

    from creative_ai.checks.brand_colors import ciede2000

    pairs = [  # Sharma, Wu, Dalal (2005), pairs 1, 3 and 17
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 2.8361, -74.02), (50, 0, -82.7485), 3.4412),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ]
    for a, b, expected in pairs:
        assert round(float(ciede2000(np.array(a, float), np.array(b, float))), 4) == expected
