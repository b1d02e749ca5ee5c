"""Subject-aware framing: the subject is found, each placement's crop keeps at least 85% of it, or the canvas is
extended around the untouched picture; the sidecar records what happened."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from creative_ai.render.framing import frame
from creative_ai.render.subject import find_subject
from tests.conftest import as_json, base_brief

GROUND = (236, 236, 232)
RED = (200, 40, 40)


def _packshot(box: tuple[int, int, int, int], size: tuple[int, int] = (1200, 1200)) -> Image.Image:
    image = Image.new("RGB", size, GROUND)
    ImageDraw.Draw(image).rectangle(box, fill=RED)
    return image


def test_subject_found_by_alpha_by_contrast_or_not_at_all() -> None:
    cutout = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(cutout).rectangle((250, 40, 360, 200), fill=(10, 200, 10, 255))
    found = find_subject(cutout)
    assert (found.box, found.method) == ((250, 40, 361, 201), "alpha")
    found = find_subject(_packshot((80, 60, 400, 500)))
    assert found.method == "backdrop" and abs(found.box[0] - 80) <= 12 and abs(found.box[3] - 500) <= 12
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 255, (300, 300, 3), dtype=np.uint8))
    assert find_subject(noise).method == "none" and not find_subject(noise).found


def test_a_picture_without_a_subject_is_kept_whole_not_cut_at_its_centre() -> None:
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 255, (600, 300, 3), dtype=np.uint8))
    _out, framing = frame(noise, 1080, 1080)
    assert framing.method == "none" and framing.extended and framing.kept_share == 1.0 and framing.note
    assert framing.crop_box[0] < 0 and framing.crop_box[2] > 300  # the whole width is shown, and more


def test_off_centre_subject_is_kept_by_moving_the_crop() -> None:
    image = _packshot((40, 60, 420, 560))
    for size in ((1080, 1920), (1920, 1080), (1080, 1350)):
        out, framing = frame(image, *size)
        assert out.size == size and not framing.extended and framing.kept_share >= 0.85


def test_a_subject_the_crop_would_cut_extends_the_canvas_and_keeps_its_pixels() -> None:
    image = _packshot((100, 500, 1100, 760))
    out, framing = frame(image, 1080, 1920)
    assert framing.extended and framing.kept_share == 1.0 and framing.crop_box[1] < 0  # reaches above the source
    pixels = np.asarray(out)
    red = np.all(np.abs(pixels.astype(int) - RED) < 4, axis=2)
    ys, xs = np.nonzero(red)
    assert xs.min() > 0 and xs.max() < 1079  # the whole subject is in the frame
    assert red[ys.min() : ys.max(), xs.min() : xs.max()].mean() > 0.98  # the subject is not blurred


def test_every_ratio_of_an_off_centre_packshot_keeps_its_subject(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "shots").mkdir()
    _packshot((30, 40, 330, 700)).save(workdir / "shots/left.png")
    _packshot((60, 520, 1140, 700)).save(workdir / "shots/wide.png")
    brief = base_brief(
        products=[
            {"id": "left", "name": "Left Item", "image": "shots/left.png"},
            {"id": "wide", "name": "Wide Item", "image": "shots/wide.png"},
        ],
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
    )
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    extended = 0
    for variant in as_json(result)["variants"]:
        sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
        framing = sidecar["framing"]
        assert framing["method"] == "backdrop"
        assert framing["kept_share"] >= 0.85, (variant["product_id"], variant["aspect_ratio"])
        check = next(c for c in sidecar["checks"] if c["name"] == "framing")
        assert check["status"] == "pass" and check["measured"]["visible_share"] >= 0.85, check
        extended += framing["extended"]
    assert extended >= 1  # the wide one cannot be cropped to 9:16 without losing it


def test_a_product_photographed_small_is_not_blown_up_into_a_blur() -> None:
    from creative_ai.render.framing import MAX_UPSCALE, place
    from creative_ai.render.subject import Subject

    image = _packshot((560, 560, 640, 740))  # an 80×180 px product on a 1200 px photo
    _out, framing = place(image, 1080, 1920, Subject((560, 560, 640, 740), "backdrop"), (100, 100, 980, 1200))
    shown = framing.subject_in_frame(1080, 1920)
    assert shown[3] - shown[1] <= round(180 * MAX_UPSCALE) + 1  # not the 1100 px the target would allow
