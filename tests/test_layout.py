"""One layout per product and ratio: a cut-out packshot stands in the same box in every locale of a campaign,
however long one language's headline is (measured on the final pixels)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from tests.conftest import base_brief

MAGENTA = (230, 20, 220)


def _bottle(path: Path) -> None:
    shot = Image.new("RGBA", (400, 900), (0, 0, 0, 0))
    draw = ImageDraw.Draw(shot)
    draw.rounded_rectangle((60, 260, 340, 880), radius=60, fill=(*MAGENTA, 255))
    draw.rectangle((150, 40, 250, 260), fill=(*MAGENTA, 255))
    shot.save(path)


def _product_box(path: Path) -> tuple[int, int, int, int]:
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    near = np.abs(pixels - np.array(MAGENTA)).sum(axis=2) < 60
    ys, xs = np.nonzero(near)
    assert xs.size > 1000, path
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_the_product_box_is_the_same_in_every_locale(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    _bottle(workdir / "bottle.png")
    brief = base_brief(
        products=[{"id": "bottle", "name": "Bottle", "image": "bottle.png"}],
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
        locales=["en", "de", "fr"],
        campaign_message="Stay fresh",
        messages={
            "de": "Bleiben Sie den ganzen langen Sommer über frisch und erholt am Strand",
            "fr": "Restez frais",
        },
        brand_colors=["#1B5E20", "#A5D6A7"],
        cta="Shop now",
    )
    summary = make_campaign(brief, output="out")
    assert summary.status == "succeeded"
    boxes: dict[str, set[tuple[int, int, int, int]]] = {}
    for variant in summary.variants:
        boxes.setdefault(variant.aspect_ratio, set()).add(_product_box(workdir / variant.file_path))
    assert {ratio: len(found) for ratio, found in boxes.items()} == {"1x1": 1, "9x16": 1, "16x9": 1, "4x5": 1}, boxes
