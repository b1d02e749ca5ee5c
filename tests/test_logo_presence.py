"""The logo check looks at pixels: it finds the brand logo in real rendered creatives, at other sizes and elsewhere
than reported, and fails when the logo was painted over, blurred away or replaced by another one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from creative_ai.checks import BLOCKING, CheckResult, ImageContext
from creative_ai.checks.logo_match import DEFAULT_THRESHOLD, correlate, iou, logo_template
from creative_ai.checks.logo_presence import LogoPresenceCheck
from creative_ai.checks.suite import image_checks
from creative_ai.config import Settings
from creative_ai.placements import PLACEMENTS, Box
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.logo import PLATE_PAD, plate_colour
from creative_ai.render.measure import logo_box_for
from creative_ai.render.text import FontBook

BOOK = FontBook.default()
EXAMPLE_LOGO = Image.open(Path(__file__).resolve().parents[1] / "examples/assets/brand/logo.png").convert("RGBA")


def _wordmark(text: str, color: tuple[int, int, int], size: int = 110) -> Image.Image:
    """A logo of one flat colour: the word in the bundled face, transparent around it."""
    height = BOOK.line_height(text, size)
    mask = BOOK.line(text, size, locale="en", line_height=height)
    logo = Image.new("RGBA", mask.size, (*color, 0))
    logo.putalpha(mask)
    return logo


def _badge() -> Image.Image:
    """A second, made-up brand logo: an orange tile with a white mark, and a navy wordmark beside it."""
    logo = Image.new("RGBA", (560, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((4, 4, 156, 156), radius=28, fill="#FF6B35")
    draw.polygon([(40, 122), (80, 38), (120, 122)], fill="white")
    word = _wordmark("Sunfolk", (0, 78, 137), size=96)
    logo.alpha_composite(word, (178, (160 - word.height) // 2))
    return logo


BADGE = _badge()


def _hero(width: int, height: int, seed: int) -> Image.Image:
    """A deterministic picture with colour and texture everywhere (no flat area for a logo to hide in)."""
    rng = np.random.default_rng(seed)
    field = Image.fromarray(rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    noisy = np.asarray(field, dtype=np.float32) + rng.normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def _ctx(
    ratio: str, drawn: Image.Image | None, *, brand: Image.Image | None, seed: int = 1, reported: Box | None = None
) -> ImageContext:
    """A real creative rendered with ``drawn`` as its logo; the brief's logo is ``brand``."""
    placement = PLACEMENTS[ratio]
    text = plan_text(Copy("Make Waves This Summer", "Shop now"), placement=placement, book=BOOK)
    out = render_creative(
        _hero(placement.width, placement.height, seed), placement=placement, text=text,
        palette=["#FF6B35", "#004E89"], logo=drawn, book=BOOK,
    )  # fmt: skip
    return ImageContext(
        image=out.image, placement=placement, text_box=out.text_box, block_box=out.block_box,
        text_mask=out.text_mask, text_color=out.text_color, logo_box=reported or out.logo_box,
        expects_logo=brand is not None, base=out.base, palette=("#FF6B35", "#004E89"), logo=brand,
    )  # fmt: skip


def _with_image(ctx: ImageContext, image: Image.Image) -> ImageContext:
    return ImageContext(**{**ctx.__dict__, "image": image})


def _paint_over(image: Image.Image, box: Box, pad: int = 4) -> Image.Image:
    """The box filled with the median colour of the pixels just above and below it."""
    pixels = np.asarray(image)
    around = np.concatenate([
        pixels[box.top - pad - 6 : box.top - pad, box.left : box.right].reshape(-1, 3),
        pixels[box.bottom + pad : box.bottom + pad + 6, box.left : box.right].reshape(-1, 3),
    ])  # fmt: skip
    painted = image.copy()
    fill = tuple(int(v) for v in np.median(around, axis=0))
    painted.paste(fill, (box.left - pad, box.top - pad, box.right + pad, box.bottom + pad))
    return painted


def _paste(ctx: ImageContext, logo: Image.Image, box: Box) -> ImageContext:
    """``ctx``'s creative with ``logo`` drawn into ``box`` (whatever the renderer reported), on a plate as the
    renderer sets one where the picture would hide it."""
    image = ctx.image.copy()
    scaled = logo.resize((box.width, box.height), Image.Resampling.LANCZOS)
    pad = round(box.height * PLATE_PAD)
    plate = (box.left - pad, box.top - pad, box.right + pad, box.bottom + pad)
    ImageDraw.Draw(image).rounded_rectangle(plate, radius=pad, fill=plate_colour(scaled))
    image.paste(scaled, (box.left, box.top), scaled)
    return _with_image(ctx, image)


def _run(ctx: ImageContext) -> CheckResult:
    result = LogoPresenceCheck().run(ctx)
    assert result.name == "logo" and result.measured.get("threshold", DEFAULT_THRESHOLD) == DEFAULT_THRESHOLD
    return result


@pytest.mark.parametrize("ratio", ["1x1", "9x16", "16x9", "4x5"])
def test_logo_is_found_in_every_ratio(ratio: str) -> None:
    ctx = _ctx(ratio, EXAMPLE_LOGO, brand=EXAMPLE_LOGO)
    result = _run(ctx)
    assert result.status == "pass", result
    assert result.measured["score"] >= 0.95 and abs(result.measured["scale"] - 1) <= 0.03
    assert result.measured["correlation"] >= 0.95 and result.measured["colour_agreement"] >= 0.95
    assert ctx.logo_box is not None and iou(Box(*result.measured["found_box"]), ctx.logo_box) >= 0.9
    assert result.measured["iou_with_reported_box"] >= 0.9
    assert result.measured["reported_box"] == list(ctx.logo_box.as_tuple())


@pytest.mark.parametrize("ratio", ["1x1", "9x16", "16x9", "4x5"])
def test_painted_over_logo_fails_although_the_renderer_reports_its_box(ratio: str) -> None:
    ctx = _ctx(ratio, EXAMPLE_LOGO, brand=EXAMPLE_LOGO)
    assert ctx.logo_box is not None
    result = _run(_with_image(ctx, _paint_over(ctx.image, ctx.logo_box)))
    assert result.status == "fail", result
    assert result.measured["score"] < 0.6
    assert "not in the creative" in result.evidence and f"below the threshold {DEFAULT_THRESHOLD}" in result.evidence
    assert "iou_with_reported_box" not in result.measured


def test_blurred_away_logo_fails() -> None:
    ctx = _ctx("9x16", EXAMPLE_LOGO, brand=EXAMPLE_LOGO)
    assert ctx.logo_box is not None
    region = (ctx.logo_box.left - 8, ctx.logo_box.top - 8, ctx.logo_box.right + 8, ctx.logo_box.bottom + 8)
    image = ctx.image.copy()
    image.paste(image.crop(region).filter(ImageFilter.GaussianBlur(ctx.logo_box.height / 3)), region[:2])
    result = _run(_with_image(ctx, image))
    assert result.status == "fail" and result.measured["score"] < 0.6


@pytest.mark.parametrize(("ratio", "factor"), [("1x1", 0.7), ("1x1", 1.4), ("9x16", 0.7), ("16x9", 1.4)])
def test_logo_drawn_smaller_or_larger_than_expected_still_passes(ratio: str, factor: float) -> None:
    # The renderer reports its usual box; the pixels hold the logo at another size in the same corner.
    bare = _ctx(ratio, None, brand=EXAMPLE_LOGO)
    expected = logo_box_for(EXAMPLE_LOGO.size, bare.placement)
    w, h = round(expected.width * factor), round(expected.height * factor)
    drawn = Box(expected.right - w, expected.top, expected.right, expected.top + h)
    ctx = ImageContext(**{**_paste(bare, EXAMPLE_LOGO, drawn).__dict__, "logo_box": expected})
    result = _run(ctx)
    assert result.status == "pass", result
    assert result.measured["score"] >= 0.85
    assert result.measured["scale"] == pytest.approx(factor, rel=0.04)
    assert iou(Box(*result.measured["found_box"]), drawn) >= 0.85


def test_logo_far_from_the_reported_box_is_found_anywhere() -> None:
    bare = _ctx("9x16", None, brand=EXAMPLE_LOGO)
    reported = logo_box_for(EXAMPLE_LOGO.size, bare.placement)  # top right
    drawn = Box(80, 700, 80 + reported.width, 700 + reported.height)  # mid left, where nothing was reported
    ctx = ImageContext(**{**_paste(bare, EXAMPLE_LOGO, drawn).__dict__, "logo_box": reported})
    result = _run(ctx)
    assert result.status == "pass", result
    assert iou(Box(*result.measured["found_box"]), drawn) >= 0.85
    assert result.measured["iou_with_reported_box"] == 0.0


def test_a_different_logo_fails() -> None:
    # The brief's logo is the example; the creative carries another brand's logo in the logo's place.
    other = _run(_ctx("1x1", BADGE, brand=EXAMPLE_LOGO))
    assert other.status == "fail" and other.measured["score"] < 0.6, other
    # And the other way round.
    swapped = _run(_ctx("9x16", EXAMPLE_LOGO, brand=BADGE))
    assert swapped.status == "fail" and swapped.measured["score"] < 0.7, swapped


@pytest.mark.parametrize("ratio", ["1x1", "16x9"])
def test_synthetic_logo_passes_then_fails_when_painted_over(ratio: str) -> None:
    ctx = _ctx(ratio, BADGE, brand=BADGE, seed=3)
    found = _run(ctx)
    assert found.status == "pass" and found.measured["score"] >= 0.8, found
    assert ctx.logo_box is not None
    gone = _run(_with_image(ctx, _paint_over(ctx.image, ctx.logo_box)))
    assert gone.status == "fail" and gone.measured["score"] < 0.7, gone


@pytest.mark.parametrize("color", [(255, 255, 255), (18, 18, 24), (255, 107, 53)])
def test_flat_colour_wordmark_is_matched_by_its_shape(color: tuple[int, int, int]) -> None:
    logo = _wordmark("Brava", color)
    template = logo_template(logo)
    assert template.ink is not None and template.search_mode == "ink"  # nothing to correlate under its mask
    ctx = _ctx("4x5", logo, brand=logo, seed=5)
    found = _run(ctx)
    assert found.status == "pass" and found.measured["score"] >= 0.8, found
    assert ctx.logo_box is not None
    gone = _run(_with_image(ctx, _paint_over(ctx.image, ctx.logo_box)))
    assert gone.status == "fail" and gone.measured["score"] < 0.7, gone


def test_no_logo_in_the_brief_is_skipped() -> None:
    ctx = _ctx("1x1", None, brand=None)
    result = _run(ctx)
    assert result.status == "skipped" and result.evidence == "no logo: the brief names none (brand.logo)"
    # A logo that is expected but was not handed to the check is a warning too, never a silent pass.
    unseen = _run(ImageContext(**{**ctx.__dict__, "expects_logo": True}))
    assert unseen.status == "warn" and "not given" in unseen.evidence


def test_threshold_is_configurable_and_checked() -> None:
    ctx = _ctx("1x1", EXAMPLE_LOGO, brand=EXAMPLE_LOGO)
    strict = LogoPresenceCheck(threshold=1.0).run(ctx)
    assert strict.status == "fail" and strict.measured["threshold"] == 1.0 and strict.measured["score"] < 1.0
    with pytest.raises(ValueError, match="correlation coefficient"):
        LogoPresenceCheck(threshold=1.5)


def test_flat_regions_score_zero_not_inf_or_nan() -> None:
    template, alpha = np.zeros((12, 30), np.float32), np.zeros((12, 30), np.uint8)
    template[3:9, 5:25], alpha[2:10, 3:27] = 200.0, 1
    flat = np.full((60, 90), 77.0, np.float32)
    raw = cv2.matchTemplate(flat, template, cv2.TM_CCOEFF_NORMED, mask=alpha)
    assert not np.isfinite(raw).all() or np.abs(raw).max() > 1  # what OpenCV gives on a flat region
    scores = correlate(flat, template, alpha)
    assert np.isfinite(scores).all() and np.abs(scores).max() == 0.0


def test_logo_check_is_registered_and_blocking_by_default() -> None:
    assert "logo" in [check.name for check in image_checks()]
    assert "logo" in BLOCKING
    assert Settings().blocking_checks == ["legal", "legibility", "logo_placement", "logo", "framing"]


def _ring() -> Image.Image:
    """A thin outline: nearly every logo pixel is an edge pixel mixed with the background when scaled."""
    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((10, 10, 390, 390), outline=(255, 200, 40, 255), width=6)
    return logo


def _two_colour_wordmark() -> Image.Image:
    """A very wide wordmark of two flat colours: under its mask alone, a smooth gradient correlates with it."""
    logo = Image.new("RGBA", (1600, 90), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    bold = ImageFont.truetype(str(Path(__file__).resolve().parents[1] / "src/creative_ai/fonts/Inter-Bold.otf"), 70)
    draw.text((5, 5), "TIDEWELL OUTDOOR", font=bold, fill=(20, 60, 140, 255))
    draw.text((800, 5), "COMPANY", font=bold, fill=(230, 90, 40, 255))
    return logo


@pytest.mark.parametrize("ratio", ["1x1", "9x16", "16x9", "4x5"])
@pytest.mark.parametrize("seed", [0, 2])
@pytest.mark.parametrize("make", [_ring, _two_colour_wordmark], ids=["thin-ring", "wide-two-colour"])
def test_thin_and_wide_logos_pass_and_fail_once_removed(make, seed: int, ratio: str) -> None:  # type: ignore[no-untyped-def]
    logo = make()
    ctx = _ctx(ratio, logo, brand=logo, seed=seed)
    found = _run(ctx)
    assert found.status == "pass", found
    assert ctx.logo_box is not None
    gone = _run(_with_image(ctx, _paint_over(ctx.image, ctx.logo_box)))
    assert gone.status == "fail", gone
