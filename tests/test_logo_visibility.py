"""A logo you can see (WCAG 1.4.11, 3:1 against its surround), measured on the final pixels: the renderer picks a
variant the brief gives or sets the logo on a plate; the logo check fails a logo that sinks into the picture."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_ai.checks.logo_presence import LogoPresenceCheck
from creative_ai.errors import InputError
from creative_ai.jobs.outcome import confined_brief
from creative_ai.pipeline.variant import check_context
from creative_ai.placements import PLACEMENTS
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.logo import PLATE_PAD
from creative_ai.render.text import FontBook
from tests.conftest import base_brief

NAVY = (16, 28, 52)
DARK_BRAND = ["#101C34", "#1B2A44"]


def _logo(colour: tuple[int, int, int]) -> Image.Image:
    logo = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((8, 8, 152, 152), fill=(*colour, 255))
    draw.rectangle((190, 50, 470, 110), fill=(*colour, 255))
    return logo


def _luminance(rgb: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    c = rgb.astype(np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])  # type: ignore[no-any-return]


def _seen(creative: Path, logo: Image.Image, box: list[int]) -> float:
    """Contrast of the logo's pixels against the 12 px around its box, measured independently of the product."""
    left, top, right, bottom = box
    pixels = np.asarray(Image.open(creative).convert("RGB"))
    mask = np.asarray(logo.resize((right - left, bottom - top)).getchannel("A")) >= 128
    mark = _luminance(pixels[top:bottom, left:right][mask])
    ring = np.concatenate([
        pixels[top - 12 : top, left:right].reshape(-1, 3), pixels[bottom : bottom + 12, left:right].reshape(-1, 3),
    ])  # fmt: skip
    a, b = float(np.median(mark)), float(np.median(_luminance(ring)))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _made(make_campaign, workdir: Path, **brand: str):  # type: ignore[no-untyped-def]
    brief = base_brief(aspect_ratios=["1x1", "9x16", "16x9", "4x5"], brand_colors=DARK_BRAND, brand=brand)
    summary = make_campaign(brief, output="out")
    assert summary.status == "succeeded"
    return summary


def test_a_dark_logo_on_a_dark_picture_is_set_on_a_plate(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    _logo(NAVY).save(workdir / "logo.png")
    for variant in _made(make_campaign, workdir, logo="logo.png").variants:
        checks = {c["name"]: c for c in variant.checks}
        check = checks["logo"]
        assert check["status"] == "pass" and check["measured"]["contrast"] >= 3.0, check
        assert checks["logo_placement"]["status"] == "pass"
        left, top, right, bottom = check["measured"]["reported_box"]
        pad = round((bottom - top) * PLATE_PAD)
        safe = PLACEMENTS[variant.aspect_ratio].safe_box()
        assert safe.left <= left - pad and safe.top <= top - pad and right + pad <= safe.right  # plate in the zone
        pixels = np.asarray(Image.open(workdir / variant.file_path).convert("RGB")).astype(int)
        plate = pixels[top - pad // 2, (left + right) // 2]
        outside = pixels[top - pad - 3, left:right]
        assert (np.abs(outside - plate).sum(axis=1) > 60).mean() > 0.9  # the plate ends where it should


def test_the_light_variant_is_placed_where_the_logo_would_sink(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    _logo(NAVY).save(workdir / "logo.png")
    _logo((250, 250, 245)).save(workdir / "logo_light.png")
    for variant in _made(make_campaign, workdir, logo="logo.png", logo_light="logo_light.png").variants:
        check = {c["name"]: c for c in variant.checks}["logo"]
        assert check["status"] == "pass", check
        left, top, right, bottom = check["measured"]["reported_box"]
        inside = np.asarray(Image.open(workdir / variant.file_path).convert("RGB"))[top:bottom, left:right]
        assert (np.abs(inside.astype(int) - (250, 250, 245)).sum(axis=2) < 30).mean() > 0.3  # the light logo
        assert _seen(workdir / variant.file_path, _logo(NAVY), [left, top, right, bottom]) >= 3.0


def test_logo_variants_without_the_logo_are_refused(workdir: Path) -> None:
    from creative_ai.brief import parse_brief
    from creative_ai.pipeline.plan import plan_campaign

    _logo((250, 250, 245)).save(workdir / "logo_light.png")
    brief = parse_brief(base_brief(brand={"logo_light": "logo_light.png"}), base_dir=workdir)
    with pytest.raises(InputError, match=r"give brand\.logo too"):
        plan_campaign(brief, assets_dir=workdir, max_pixels=10**8, book=FontBook.default())


def test_the_logo_check_fails_a_logo_that_sinks_into_the_picture() -> None:
    placement = PLACEMENTS["1x1"]
    book = FontBook.default()
    hero = Image.new("RGB", (placement.width, placement.height), NAVY)
    text = plan_text(Copy("Make Waves", "Shop now"), placement=placement, book=book)
    rendered = render_creative(hero, placement=placement, text=text, palette=DARK_BRAND, logo=None, book=book)
    logo = _logo((24, 38, 64))  # nearly the picture's own colour
    assert rendered.logo is None
    box = (700, 80, 940, 160)
    scaled = logo.resize((240, 80))
    rendered.image.paste(scaled, box[:2], scaled)
    ctx = check_context(rendered, placement, logo=logo, palette=tuple(DARK_BRAND))
    result = LogoPresenceCheck().run(ctx)
    assert result.status == "fail" and "hard to see" in result.evidence, result
    assert result.measured["contrast"] < 3.0


def test_logo_variants_sent_over_http_stay_inside_the_assets_folder(tmp_path: Path) -> None:
    data = base_brief(brand={"logo": "logo.png", "logo_dark": "../../etc/passwd"})
    with pytest.raises(InputError, match=r"brand\.logo_dark"):
        confined_brief(data, assets_dir=tmp_path)


@pytest.mark.parametrize("example", ["brief_packshots.yaml", "brief_world.yaml"])  # the examples with a logo
def test_every_example_logo_stands_out(make_campaign, workdir: Path, example: str) -> None:  # type: ignore[no-untyped-def]
    root = Path(__file__).resolve().parents[1]
    summary = make_campaign(root / "examples" / example, output="out")
    logo = Image.open(root / "examples/assets/brand/logo.png").convert("RGBA")
    assert summary.status == "succeeded" and summary.variants
    for variant in summary.variants:
        check = {c["name"]: c for c in variant.checks}["logo"]
        assert check["measured"]["contrast"] >= 3.0, (variant.product_id, variant.aspect_ratio, variant.locale)
        assert _seen(workdir / variant.file_path, logo, check["measured"]["reported_box"]) >= 3.0
    sidecar = json.loads((workdir / summary.variants[0].file_path).with_suffix(".json").read_text())
    assert sidecar["checks_overall"] in ("pass", "warn")
