"""Photographed packshots (off-centre, on gradient and vignetted sweeps and a textured surface, one stored sideways
with an EXIF orientation tag): the subject is found, and in every ratio and locale the product is whole, upright,
uncovered and in the same box — measured on the final pixels by colour, not read from the sidecar."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_ai.checks.base import ImageContext
from creative_ai.checks.framing import FramingCheck
from creative_ai.placements import PLACEMENTS, Box
from creative_ai.render.subject import find_subject
from tests.conftest import as_json, base_brief
from tests.photos import BODY, CAP, iou, photo, save_sideways

RATIOS = ["1x1", "9x16", "16x9", "4x5"]
SHOTS = {  # product id: (backdrop, the bottle's box in the photo)
    "right": ("gradient", (1100, 300, 1400, 1100)),
    "left": ("vignette", (200, 250, 520, 1050)),
    "low": ("texture", (650, 500, 950, 1150)),
    "phone": ("gradient", (250, 200, 560, 1000)),  # stored sideways, EXIF orientation 6
}


@pytest.mark.parametrize("kind", ["gradient", "vignette", "texture"])
@pytest.mark.parametrize("box", [(180, 260, 520, 1060), (1100, 300, 1400, 1100), (200, 700, 1500, 1000)])
def test_the_product_is_found_on_sweeps_and_surfaces(kind: str, box: tuple[int, int, int, int]) -> None:
    shot = photo(kind, box=box, seed=5)
    found = find_subject(shot.image)
    assert found.method == "backdrop" and iou(found.box, box) >= 0.85, (found, box)
    ix = max(0, min(found.box[2], box[2]) - max(found.box[0], box[0]))
    iy = max(0, min(found.box[3], box[3]) - max(found.box[1], box[1]))
    assert ix * iy >= 0.97 * (box[2] - box[0]) * (box[3] - box[1])  # it holds the whole product, not a slice of it


def _mask(pixels: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Saturated pixels of ``colour``'s hue (shading changes brightness, not hue): the bottle's body or cap."""
    hsv = cv2.cvtColor(pixels, cv2.COLOR_RGB2HSV).astype(np.int32)
    hue = int(cv2.cvtColor(np.uint8([[colour]]), cv2.COLOR_RGB2HSV)[0, 0, 0])
    near = np.minimum(np.abs(hsv[..., 0] - hue), 180 - np.abs(hsv[..., 0] - hue)) <= 8
    return near & (hsv[..., 1] > 110) & (hsv[..., 2] > 50)  # type: ignore[no-any-return]


def _product(pixels: np.ndarray) -> tuple[tuple[int, int, int, int], float, float, float]:
    """The bottle on a creative: its box (body and cap), how much of that box is bottle-coloured, and the
    vertical centres of cap and body."""
    body, cap = _mask(pixels, BODY), _mask(pixels, CAP)
    both = body | cap
    ys, xs = np.nonzero(both)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    filled = float(both[box[1] : box[3], box[0] : box[2]].mean())
    return box, filled, float(np.nonzero(cap)[0].mean()), float(np.nonzero(body)[0].mean())


@pytest.fixture(scope="module")
def photographed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    from tests.conftest import run_brief, write_brief

    root = tmp_path_factory.mktemp("photos")
    (root / "shots").mkdir()
    for seed, (product, (kind, box)) in enumerate(SHOTS.items()):
        shot = photo(kind, box=box, seed=seed)
        if product == "phone":
            save_sideways(shot, root / f"shots/{product}.jpg")
        else:
            shot.image.save(root / f"shots/{product}.jpg", quality=88)
    brief = base_brief(
        campaign_id="photographed",
        products=[
            {"id": k, "name": f"{k.title()} Bottle", "image": f"shots/{k}.jpg"}
            for k in ("right", "left", "low", "phone")
        ],
        aspect_ratios=RATIOS,
        locales=["en", "de", "ar"],
        campaign_message="Fresh all summer",
        messages={"de": "Den ganzen Sommer lang frisch und bereit für jedes Abenteuer", "ar": "انتعاش طوال الصيف"},
        cta="Shop now",
        brand_colors=["#2E7D32", "#F4F4F4"],  # green and white: nothing on the creative shares the bottle's hues
    )
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        summary = run_brief(write_brief(root, brief), output="out", provider="local")
    finally:
        os.chdir(cwd)
    return root, as_json(summary)


def test_photographed_products_are_whole_upright_and_uncovered_in_every_ratio(photographed) -> None:  # type: ignore[no-untyped-def]
    root, summary = photographed
    assert summary["status"] == "succeeded"
    seen = 0
    for variant in summary["variants"]:
        with Image.open(root / variant["file_path"]) as image:
            pixels = np.asarray(image.convert("RGB"))
        h, w, _ = pixels.shape
        box, filled, cap_y, body_y = _product(pixels)
        where = (variant["product_id"], variant["locale"], variant["aspect_ratio"])
        assert box[0] > 0 and box[1] > 0 and box[2] < w and box[3] < h, where  # not cut by the frame
        bw, bh = box[2] - box[0], box[3] - box[1]
        x0, y0, x1, y1 = SHOTS[variant["product_id"]][1]
        assert abs(bw / bh - (x1 - x0) / (y1 - y0)) <= 0.04, (where, bw / bh)  # the bottle's own proportions: not cut
        assert filled >= 0.85 * 0.83, (where, filled)  # as full of bottle as the photo's box is: nothing painted on it
        assert cap_y < body_y, where  # upright: the cap is on top, also for the phone shot stored sideways
        sidecar = json.loads((root / variant["file_path"]).with_suffix(".json").read_text())
        check = next(c for c in sidecar["checks"] if c["name"] == "framing")
        assert check["status"] == "pass" and check["measured"]["visible_share"] >= 0.85, (where, check)
        seen += 1
    assert seen == 4 * 4 * 3


def test_the_product_stands_in_the_same_box_in_every_locale(photographed) -> None:  # type: ignore[no-untyped-def]
    root, summary = photographed
    boxes: dict[tuple[str, str], dict[str, tuple[int, int, int, int]]] = {}
    for variant in summary["variants"]:
        with Image.open(root / variant["file_path"]) as image:
            box, *_ = _product(np.asarray(image.convert("RGB")))
        boxes.setdefault((variant["product_id"], variant["aspect_ratio"]), {})[variant["locale"]] = box
    for (product, ratio), by_locale in boxes.items():
        sizes = {(b[2] - b[0], b[3] - b[1]) for b in by_locale.values()}
        spread = max(abs(a - b) for s in sizes for t in sizes for a, b in zip(s, t, strict=True))
        assert spread <= 2, (product, ratio, by_locale)  # the same size in en, de (long copy) and ar
        ltr = [b for locale, b in by_locale.items() if locale != "ar"]  # right-to-left copy may mirror the layout
        assert max(b[0] for b in ltr) - min(b[0] for b in ltr) <= 2, (product, ratio, by_locale)
        assert max(b[1] for b in ltr) - min(b[1] for b in ltr) <= 2, (product, ratio, by_locale)


def _ctx(image: Image.Image, base: Image.Image, product: Box, ratio: str = "1x1") -> ImageContext:
    placement = PLACEMENTS[ratio]
    nothing = Box(0, 0, 1, 1)
    return ImageContext(
        image=image,
        placement=placement,
        text_box=Box(100, 930, 900, 990),  # below the product
        block_box=Box(100, 930, 900, 1020),
        text_mask=Image.new("L", (800, 300), 0),
        text_color=(255, 255, 255),
        logo_box=nothing,
        expects_logo=False,
        base=base.reduce(max(1, placement.short_side // 256)),
        product_box=product,
    )


def test_a_creative_that_hides_or_cuts_its_product_fails_framing() -> None:
    base = Image.new("RGB", (1080, 1080), (230, 228, 224))
    ImageDraw.Draw(base).rectangle((400, 300, 700, 900), fill=BODY)
    product = Box(400, 300, 700, 900)
    assert FramingCheck().run(_ctx(base.copy(), base, product)).status == "pass"
    covered = base.copy()
    ImageDraw.Draw(covered).rectangle((100, 600, 900, 900), fill=(17, 17, 20))  # a text block over its lower half
    result = FramingCheck().run(_ctx(covered, base, product))
    assert result.status == "fail" and result.measured["covered_share"] >= 0.45 and "covered" in result.evidence
    cut = FramingCheck().run(_ctx(base.copy(), base, Box(400, -400, 700, 900)))  # its top half above the frame
    assert cut.status == "fail" and cut.measured["in_frame_share"] < 0.85 and "outside the frame" in cut.evidence


def test_a_covered_subject_of_a_generated_scene_warns_instead() -> None:
    base = Image.new("RGB", (1080, 1080), (230, 228, 224))
    ImageDraw.Draw(base).ellipse((300, 300, 780, 780), fill=BODY)
    covered = base.copy()
    ImageDraw.Draw(covered).rectangle((100, 500, 900, 900), fill=(17, 17, 20))
    ctx = _ctx(covered, base, Box(300, 300, 780, 780))
    result = FramingCheck().run(replace(ctx, generated_scene=True))
    assert result.status == "warn" and "scene's subject" in result.evidence
    assert FramingCheck().run(replace(ctx, generated_scene=False)).status == "fail"


def test_a_textured_backdrop_is_extended_without_streaks_or_a_hard_seam() -> None:
    from creative_ai.render.framing import place
    from creative_ai.render.subject import find_subject as found_in

    shot = photo("texture", size=(1200, 900), box=(500, 250, 700, 750), seed=7)
    subject = found_in(shot.image)
    out, framing = place(shot.image, 1080, 1920, subject, (340, 200, 740, 1100))
    assert framing.extended and framing.extension == "edge-blur"
    pixels = np.asarray(out.convert("L"), dtype=np.float32)
    bottom = round(
        (framing.crop_box[3] - framing.crop_box[1])
        and (900 - framing.crop_box[1]) * 1920 / (framing.crop_box[3] - framing.crop_box[1])
    )
    new_area = pixels[bottom + 40 : bottom + 400, 60:1020]
    columns = new_area.mean(axis=0)
    assert float(np.abs(np.diff(columns)).max()) < 3.0  # no streaks: neighbouring columns of new area agree
    texture = pixels[bottom - 200 : bottom - 20, 60:1020]
    own_step = float(np.abs(np.diff(texture, axis=0)).mean())
    seam_step = float(np.abs(pixels[bottom + 1, 60:1020] - pixels[bottom - 2, 60:1020]).mean())
    assert seam_step <= own_step * 1.5, (seam_step, own_step)  # the seam is no harder than the texture itself


def test_copy_over_the_product_fails_however_few_pixels_its_glyphs_cover() -> None:
    base = Image.new("RGB", (1080, 1080), (230, 228, 224))
    ImageDraw.Draw(base).rectangle((400, 300, 700, 900), fill=BODY)
    thin = base.copy()
    for y in range(640, 880, 60):  # hairline "glyphs" across the product's lower half: few pixels change
        ImageDraw.Draw(thin).line((120, y, 880, y), fill=(17, 17, 20), width=2)
    result = FramingCheck().run(replace(_ctx(thin, base, Box(400, 300, 700, 900)), text_box=Box(120, 630, 880, 890)))
    assert result.measured["covered_share"] < 0.15  # by pixels alone it would pass
    assert result.status == "fail" and "headline" in result.measured["overlapped_by"], result.evidence


def test_fine_detail_on_the_product_is_not_read_as_covered_at_any_ratio() -> None:
    for ratio in RATIOS:
        placement = PLACEMENTS[ratio]
        base = Image.new("RGB", (placement.width, placement.height), (230, 228, 224))
        draw = ImageDraw.Draw(base)
        for x in range(300, 600, 3):  # a finely striped label
            draw.line((x, 200, x, 500), fill=BODY if x % 2 else (250, 250, 250), width=1)
        ctx = replace(_ctx(base.copy(), base, Box(300, 200, 600, 500), ratio), text_box=Box(0, 0, 1, 1))
        ctx = replace(ctx, block_box=Box(0, 0, 1, 1))
        result = FramingCheck().run(ctx)
        assert result.measured["covered_share"] == 0 and result.status == "pass", (ratio, result.measured)


def test_a_scrim_the_copy_needs_stops_at_the_product() -> None:
    from creative_ai.render.compose import Copy, _scrim_band, plan_text, product_region, render_creative
    from creative_ai.render.packshot import product_target
    from creative_ai.render.subject import Subject
    from creative_ai.render.text import FontBook
    from tests.photos import bottle

    book = FontBook.default()
    shots = {"16x9": ((3200, 1200), (1400, 300, 1600, 900)), "9x16": ((1200, 3000), (500, 400, 700, 1000))}
    for ratio, (size, box) in shots.items():
        ys, xs = np.mgrid[0 : size[1], 0 : size[0]]
        checks = np.where(((xs // 48) + (ys // 48)) % 2, 200.0, 60.0)  # a busy surface: text needs a strong scrim
        shot = bottle(size, box, checks[..., None].repeat(3, axis=2))
        subject = Subject(box, "backdrop")
        placement = PLACEMENTS[ratio]
        copy = Copy("Den ganzen Sommer lang frisch und bereit", "Jetzt kaufen", "de")
        text = plan_text(copy, placement=placement, book=book)
        target = product_target(product_region(placement, text.rtl), placement, (box[2] - box[0], box[3] - box[1]))
        out = render_creative(
            shot,
            placement=placement,
            text=text,
            palette=["#2E7D32"],
            logo=None,
            book=book,
            subject=subject,
            target=target.as_tuple(),
        )
        assert out.scrim_strength > 0.3 and out.product_box is not None, (ratio, out.scrim_strength)
        side = "left" if placement.text_side == "left" else "bottom"
        band, _ramp = _scrim_band(out.image.size, out.text_box, side)  # unclamped, the scrim would reach the product
        assert band[2] > out.product_box.left if side == "left" else band[1] < out.product_box.bottom
        ctx = replace(_ctx(out.image, out.image, out.product_box, ratio), base=out.base)
        ctx = replace(ctx, text_box=out.text_box, block_box=out.block_box)
        result = FramingCheck().run(ctx)
        assert result.status == "pass" and result.measured["covered_share"] <= 0.02, (ratio, result.measured)


def test_a_packshot_whose_product_was_not_found_warns_rather_than_passes() -> None:
    picture = Image.new("RGB", (1080, 1080), (230, 228, 224))
    ctx = replace(_ctx(picture, picture, Box(0, 0, 1, 1)), product_box=None, subject_note="no distinct subject found")
    unseen = FramingCheck().run(ctx)
    assert unseen.status == "warn" and "not measured" in unseen.evidence  # a packshot: the product is in it somewhere
    art = FramingCheck().run(replace(ctx, generated_scene=True))
    assert art.status == "skipped" and "nothing to keep in frame" in art.evidence  # brand art: there is no product


def test_a_tall_product_stands_beside_the_copy_in_9x16_when_every_locale_fits_the_column() -> None:
    from creative_ai.pipeline.arrange import layout_for
    from creative_ai.render.compose import Copy, product_region
    from creative_ai.render.packshot import product_target
    from creative_ai.render.text import FontBook

    book = FontBook.default()
    story = PLACEMENTS["9x16"]
    copies = [Copy("Fresh all summer", "Shop now", "en"), Copy("Frisch den ganzen Sommer", "Jetzt kaufen", "de")]
    side = layout_for(story, (340, 800), copies, book=book)
    assert side.text_side == "left" and side.ratio == "9x16" and side.logo_side == "left"
    stacked = product_target(product_region(story), story, (340, 800)).height / 1920
    beside = product_target(product_region(side), side, (340, 800)).height / 1920
    assert beside >= 0.45 and beside > stacked + 0.1, (beside, stacked)  # even before the logo narrows the stack
    assert layout_for(story, (800, 340), copies, book=book) is story  # a wide product stays above the copy
    essay = Copy("Den ganzen Sommer lang frisch und bereit für jedes einzelne Abenteuer am Strand", "Jetzt", "de")
    assert layout_for(story, (340, 800), [*copies, essay], book=book) is story  # one locale does not fit the column
    assert layout_for(PLACEMENTS["4x5"], (340, 800), copies, book=book) is PLACEMENTS["4x5"]


@pytest.mark.parametrize("locales", [["en", "de"], ["en", "de", "ar"]])
def test_a_tall_product_fills_55_to_70_percent_of_the_9x16_height_when_the_copy_allows(
    tmp_path: Path, locales: list[str]
) -> None:
    from tests.conftest import run_brief, write_brief

    (tmp_path / "shots").mkdir()
    products = {"slim": ("gradient", (1100, 300, 1400, 1100)), "squat": ("vignette", (600, 450, 900, 1100))}
    for seed, (product, (kind, box)) in enumerate(products.items()):
        photo(kind, box=box, seed=seed).image.save(tmp_path / f"shots/{product}.jpg", quality=90)
    brief = base_brief(
        campaign_id="tall",
        products=[{"id": k, "name": k.title(), "image": str(tmp_path / f"shots/{k}.jpg")} for k in products],
        aspect_ratios=["9x16"],
        locales=locales,
        campaign_message="Fresh all summer",
        messages={
            k: v for k, v in {"de": "Frisch den ganzen Sommer", "ar": "انتعاش طوال الصيف"}.items() if k in locales
        },
        cta="Shop now",
        brand_colors=["#2E7D32", "#F4F4F4"],
    )
    summary = as_json(run_brief(write_brief(tmp_path, brief), output=tmp_path / "out", provider="local"))
    assert summary["status"] == "succeeded"
    heights: dict[str, set[int]] = {}
    for variant in summary["variants"]:
        with Image.open(variant["file_path"]) as image:
            box, *_ = _product(np.asarray(image.convert("RGB")))
        heights.setdefault(variant["product_id"], set()).add(box[3] - box[1])
        assert 0.55 * 1920 <= box[3] - box[1] <= 0.70 * 1920, (variant["product_id"], variant["locale"], box)
        assert box[1] > 0 and box[3] < 0.65 * 1920 + 2, box  # whole, and above the Reels caption zone
    for product, seen in heights.items():
        assert max(seen) - min(seen) <= 2, (product, seen)  # one size in every locale


def test_a_product_the_photo_cuts_at_its_bottom_stands_on_the_bottom_edge_in_every_ratio(tmp_path: Path) -> None:
    from tests.conftest import run_brief, write_brief

    (tmp_path / "shots").mkdir()
    box = (600, 400, 900, 1200)  # the photo's bottom edge cuts the bottle's base off
    photo("gradient", box=box, seed=1).image.save(tmp_path / "shots/cut.jpg", quality=90)
    brief = base_brief(
        campaign_id="cut",
        products=[{"id": "cut", "name": "Cut", "image": str(tmp_path / "shots/cut.jpg")}],
        aspect_ratios=RATIOS,
        locales=["en", "ar"],
        campaign_message="Fresh all summer",
        messages={"ar": "انتعاش طوال الصيف"},
        cta="Shop now",
        brand_colors=["#2E7D32", "#F4F4F4"],
    )
    summary = as_json(run_brief(write_brief(tmp_path, brief), output=tmp_path / "out", provider="local"))
    assert summary["status"] == "succeeded"
    for variant in summary["variants"]:
        with Image.open(variant["file_path"]) as image:
            pixels = np.asarray(image.convert("RGB"))
        found, filled, cap_y, body_y = _product(pixels)
        where = (variant["locale"], variant["aspect_ratio"], found)
        assert found[3] >= pixels.shape[0] - 2, where  # the cut is on the frame's edge, not in mid-air
        bw, bh = found[2] - found[0], found[3] - found[1]
        assert abs(bw / bh - (box[2] - box[0]) / (box[3] - box[1])) <= 0.04, where  # no smear of the cut below it
        assert filled >= 0.85 * 0.83 and cap_y < body_y, where
        sidecar = json.loads(Path(variant["file_path"]).with_suffix(".json").read_text())
        check = next(c for c in sidecar["checks"] if c["name"] == "framing")
        assert check["status"] == "pass" and check["measured"]["cut_by_photo"] == ["bottom"], (where, check)


def test_a_cut_product_whose_cut_stands_inside_the_frame_fails_framing() -> None:
    base = Image.new("RGB", (1080, 1080), (230, 228, 224))
    ImageDraw.Draw(base).rectangle((400, 300, 700, 900), fill=BODY)
    floating = replace(_ctx(base.copy(), base, Box(400, 300, 700, 900)), product_cut=frozenset({"bottom"}))
    result = FramingCheck().run(floating)
    assert result.status == "fail" and result.measured["cut_edge_inside_frame"] == ["bottom"], result
    assert "cuts it at its bottom" in result.evidence
    ImageDraw.Draw(base).rectangle((400, 300, 700, 1080), fill=BODY)
    standing = replace(floating, image=base.copy(), base=base.reduce(4), product_box=Box(400, 300, 700, 1080))
    assert FramingCheck().run(replace(standing, text_box=Box(0, 0, 1, 1), block_box=Box(0, 0, 1, 1))).status == "pass"


def test_a_run_of_one_locale_lays_out_like_the_full_run(tmp_path: Path) -> None:
    """The 9:16 column is chosen from every locale of the brief, so a rerun of one locale does not move its product
    (pixel-measured) away from where the other locales have it."""
    from tests.conftest import run_brief, write_brief

    (tmp_path / "shots").mkdir()
    # A squat bottle: alone, the short English copy would take a narrower column so it reaches 55% of the height.
    photo("vignette", box=(600, 450, 900, 1100), seed=1).image.save(tmp_path / "shots/slim.jpg", quality=90)
    brief = base_brief(
        campaign_id="subset",
        products=[{"id": "slim", "name": "Slim", "image": str(tmp_path / "shots/slim.jpg")}],
        aspect_ratios=["9x16"],
        locales=["en", "de"],
        campaign_message="Fresh all summer",
        messages={"de": "Den ganzen Sommer lang frisch und bereit für jedes Abenteuer"},  # needs the widest column
        brand_colors=["#2E7D32", "#F4F4F4"],
    )
    path = write_brief(tmp_path, brief)

    def product_box(summary: dict, locale: str) -> tuple[int, int, int, int]:  # type: ignore[type-arg]
        variant = next(v for v in summary["variants"] if v["locale"] == locale)
        with Image.open(variant["file_path"]) as image:
            return _product(np.asarray(image.convert("RGB")))[0]

    full = as_json(run_brief(path, output=tmp_path / "full", provider="local"))
    alone = as_json(run_brief(path, output=tmp_path / "alone", provider="local", locales=["en"]))
    assert full["status"] == alone["status"] == "succeeded"
    assert product_box(alone, "en") == product_box(full, "en") == product_box(full, "de")
