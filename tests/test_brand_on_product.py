"""Brand colour measured on what the brand controls: a packshot's product pixels (cut-out or photographed) or an
image model's hero, never the backdrop we paint from the palette. Thresholds, with the values measured here:
pass from 15% of those pixels within ΔE2000 20 of a brand colour, warn from 5%, fail below."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from tests.conftest import as_json, base_brief, run_brief, write_brief

GOLD_RED = ["#C9A227", "#7A1F1F"]  # a gold and dark-red brand
BLUE, GOLD = (40, 90, 200), (201, 162, 39)


def _cutout(path: Path, colour: tuple[int, int, int]) -> None:
    """A bottle of one colour on a transparent canvas, with a white label."""
    image = Image.new("RGBA", (600, 1200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((150, 200, 450, 1150), radius=60, fill=(*colour, 255))
    draw.rectangle((230, 80, 370, 200), fill=(*colour, 255))
    draw.rectangle((180, 600, 420, 700), fill=(245, 245, 240, 255))
    image.save(path)


def _run(tmp_path: Path, products: list[dict], ratios: list[str]) -> dict:  # type: ignore[type-arg]
    brief = base_brief(campaign_id="brand", products=products, brand_colors=GOLD_RED, aspect_ratios=ratios)
    return as_json(run_brief(write_brief(tmp_path, brief), output=tmp_path / "out", provider="local"))


def _check(variant: dict) -> dict:  # type: ignore[type-arg]
    sidecar = json.loads(Path(variant["file_path"]).with_suffix(".json").read_text(encoding="utf-8"))
    return next(c for c in sidecar["checks"] if c["name"] == "brand_colors")


def test_an_off_palette_packshot_fails_and_an_on_palette_one_passes_on_our_brand_backdrop(tmp_path: Path) -> None:
    _cutout(tmp_path / "blue.png", BLUE)
    _cutout(tmp_path / "gold.png", GOLD)
    summary = _run(
        tmp_path,
        [
            {"id": "blue", "name": "Blue Bottle", "image": str(tmp_path / "blue.png")},
            {"id": "gold", "name": "Gold Bottle", "image": str(tmp_path / "gold.png")},
        ],
        ["1x1", "9x16"],
    )
    for variant in summary["variants"]:
        check = _check(variant)
        assert check["measured"]["measured_on"] == "packshot's product", check
        if variant["product_id"] == "blue":  # the backdrop around it is painted in gold and red: not counted
            assert check["status"] == "fail" and check["measured"]["near_brand_share"] < 0.05, check
        else:
            assert check["status"] == "pass" and check["measured"]["near_brand_share"] > 0.8, check


def test_a_photographed_packshot_is_measured_on_its_product_not_its_backdrop(tmp_path: Path) -> None:
    photo = Image.new("RGB", (1600, 1200), (201, 162, 39))  # a gold sweep: on brand, and not the product
    ImageDraw.Draw(photo).rounded_rectangle((650, 250, 950, 1100), radius=40, fill=BLUE)
    photo.save(tmp_path / "shot.jpg", quality=92)
    summary = _run(tmp_path, [{"id": "shot", "name": "Shot", "image": str(tmp_path / "shot.jpg")}], ["1x1"])
    check = _check(summary["variants"][0])
    assert check["measured"]["measured_on"] == "packshot's product"
    assert check["status"] == "fail" and check["measured"]["near_brand_share"] < 0.05, check


def test_brand_art_we_paint_alone_never_decides_the_check(tmp_path: Path) -> None:
    summary = _run(tmp_path, [{"id": "art", "name": "Art"}], ["1x1"])  # no packshot: local brand art
    check = _check(summary["variants"][0])
    assert check["measured"]["measured_on"] is None and "brand art" in check["evidence"], check
    assert check["status"] == "skipped"
