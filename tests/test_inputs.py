"""Common inputs as people hand them over: phone-shot packshots with an EXIF orientation, briefs with a BOM."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw

from creative_ai.assets import load_image
from creative_ai.pipeline.heroes import HeroSet
from creative_ai.pipeline.keys import stage_identity
from tests.conftest import base_brief

RED, BLUE = (210, 30, 30), (30, 40, 210)


def upright_packshot() -> Image.Image:
    """A bottle on white: a red body with a blue cap on top."""
    image = Image.new("RGB", (600, 900), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 320, 400, 820), fill=RED)
    draw.rectangle((250, 150, 350, 320), fill=BLUE)
    return image


def phone_shot(path: Path) -> Path:
    """What a phone stores for the upright bottle: the pixels turned a quarter, and EXIF orientation 6 saying so."""
    stored = upright_packshot().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, format="JPEG", quality=95, exif=exif)
    return path


def _centroid(pixels: np.ndarray, colour: tuple[int, int, int]) -> tuple[float, float, int]:  # type: ignore[type-arg]
    near = np.abs(pixels.astype(int) - np.array(colour)).sum(axis=2) < 90
    ys, xs = np.nonzero(near)
    return (float(xs.mean()) if xs.size else -1.0, float(ys.mean()) if ys.size else -1.0, int(xs.size))


def test_an_exif_rotated_packshot_is_loaded_upright(tmp_path: Path) -> None:
    loaded = load_image(phone_shot(tmp_path / "bottle.jpg"), field="products[0].image", max_pixels=10**8)
    assert loaded.orientation == 6 and loaded.image.size == (600, 900)
    cap, body = _centroid(np.asarray(loaded.image), BLUE), _centroid(np.asarray(loaded.image), RED)
    assert cap[1] < body[1] and abs(cap[0] - body[0]) < 10


def test_an_exif_rotated_packshot_stands_upright_in_every_ratio(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    phone_shot(workdir / "bottle.jpg")
    brief = base_brief(
        products=[{"id": "bottle", "name": "Bottle", "image": "bottle.jpg"}],
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
        brand_colors=["#2E7D32", "#F9A825"],
    )
    summary = make_campaign(brief, output="out")
    assert summary.status == "succeeded"
    for variant in summary.variants:
        pixels = np.asarray(Image.open(workdir / variant.file_path).convert("RGB"))
        (cap_x, cap_y, cap_n), (body_x, body_y, body_n) = _centroid(pixels, BLUE), _centroid(pixels, RED)
        assert cap_n > 500 and body_n > 2000, variant.aspect_ratio
        assert cap_y < body_y and abs(cap_x - body_x) < 0.05 * pixels.shape[1], (variant.aspect_ratio, cap_x, body_x)


def test_the_render_key_names_the_orientation(workdir: Path) -> None:
    """The same file, turned, is another picture to draw: a creative made before it was turned is not kept."""
    loaded = load_image(phone_shot(workdir / "bottle.jpg"), field="products[0].image", max_pixels=10**8)
    assert stage_identity(HeroSet(packshot=loaded), None) == loaded.sha256 + "+exif6"  # type: ignore[arg-type]


def test_briefs_saved_with_a_byte_order_mark_are_read(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(base_brief()).encode())
    (workdir / "bom.yaml").write_bytes(b"\xef\xbb\xbfcampaign_id: test-campaign\n" + _yaml_rest())
    for name in ("bom.json", "bom.yaml"):
        result = cli("validate", name)
        assert result.code == 0 and "valid" in result.stdout, (name, result.stderr)


def _yaml_rest() -> bytes:
    return yaml.safe_dump({k: v for k, v in base_brief().items() if k != "campaign_id"}).encode()


def test_an_orientation_tag_out_of_range_leaves_the_picture_as_stored(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 9  # no such orientation
    upright_packshot().save(tmp_path / "odd.jpg", format="JPEG", exif=exif)
    loaded = load_image(tmp_path / "odd.jpg", field="products[0].image", max_pixels=10**8)
    assert loaded.orientation == 1 and loaded.image.size == (600, 900)
