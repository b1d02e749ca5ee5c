"""Bad input exits 2, names the problem, prints no traceback and writes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import base_brief, write_brief


def _png_bytes(size: tuple[int, int] = (40, 40), mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def _case(workdir: Path, name: str) -> tuple[list[str], str]:
    """Build the bad input named ``name`` in ``workdir``; returns (extra CLI args, expected text in stderr)."""
    brief = base_brief()
    if name == "malformed_json":
        (workdir / "brief.json").write_text('{"campaign_id": "x",\n  "products": [,]}')
        return [], "malformed JSON at line 2"
    if name == "malformed_yaml":
        (workdir / "brief.yaml").write_text("campaign_id: x\nproducts: [a, b\n  c: d\n")
        return ["brief.yaml"], "malformed YAML"
    if name == "missing_field":
        del brief["target_audience"]
        write_brief(workdir, brief)
        return [], "target_audience: is required"
    if name == "unknown_key":
        brief["campain_message"] = "typo"
        write_brief(workdir, brief)
        return [], "campain_message: unknown field"
    if name == "traversal_campaign_id":
        write_brief(workdir, base_brief(campaign_id="../../x"))
        return [], "campaign_id: '../../x' is not a slug"
    if name == "absolute_product_id":
        write_brief(workdir, base_brief(products=[{"id": "/etc/passwd", "name": "P"}]))
        return [], "products[0].id: '/etc/passwd' is not a slug"
    if name == "duplicate_ids":
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]))
        return [], "products[1].id: 'a' repeats products[0].id"
    if name == "bad_hex":
        write_brief(workdir, base_brief(brand_colors=["#FF6B35", "orange"]))
        return [], "brand_colors[1]: 'orange' is not a hex colour"
    if name == "empty_message":
        write_brief(workdir, base_brief(campaign_message="   "))
        return [], "campaign_message: is empty"
    if name == "missing_image":
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A", "image": "nope/a.png"}]))
        return [], "products[0].image: file not found"
    if name == "corrupt_image":
        (workdir / "a.png").write_bytes(b"\x89PNG not really an image at all" * 10)
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A", "image": "a.png"}]))
        return [], "products[0].image"
    if name == "truncated_image":
        data = _png_bytes((400, 400), "RGB")
        noisy = Image.effect_noise((400, 400), 80).convert("RGB")
        buffer = io.BytesIO()
        noisy.save(buffer, format="PNG")
        data = buffer.getvalue()
        (workdir / "a.png").write_bytes(data[: len(data) // 2])
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A", "image": "a.png"}]))
        return [], "corrupt or truncated"
    if name == "bomb_over_limit":
        Image.new("1", (8000, 8000)).save(workdir / "a.png")  # 64 M pixels, a few KB on disk
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A", "image": "a.png"}]))
        return [], "pixels"
    if name == "bomb_over_pillow_limit":
        Image.new("1", (13000, 13000)).save(workdir / "a.png")  # 169 M pixels
        write_brief(workdir, base_brief(products=[{"id": "a", "name": "A", "image": "a.png"}]))
        return [], "pixels"
    if name == "missing_logo":
        write_brief(workdir, base_brief(brand={"logo": "logo.png"}))
        return [], "brand.logo: file not found"
    if name == "transparent_logo":
        (workdir / "logo.png").write_bytes(_png_bytes((120, 40), "RGBA"))  # every pixel alpha 0
        write_brief(workdir, base_brief(brand={"logo": "logo.png"}))
        return [], "is fully transparent"
    if name == "no_brief_file":
        return ["missing.json"], "brief file not found"
    if name == "txt_brief":
        (workdir / "brief.txt").write_text(json.dumps(brief))
        return ["brief.txt"], "must end in .json, .yaml or .yml"
    if name == "bad_ratio_flag":
        write_brief(workdir, brief)
        return ["brief.json", "--ratio", "2x1"], "--ratio: unknown aspect ratio '2x1'"
    if name == "bad_locale_flag":
        write_brief(workdir, brief)
        return ["brief.json", "--locale", "english!"], "--locale: 'english!' is not a BCP 47 language tag"
    if name == "top_level_list":
        (workdir / "brief.json").write_text("[1, 2]")
        return [], "must be a mapping"
    raise AssertionError(name)


CASES = [
    "malformed_json",
    "malformed_yaml",
    "missing_field",
    "unknown_key",
    "traversal_campaign_id",
    "absolute_product_id",
    "duplicate_ids",
    "bad_hex",
    "empty_message",
    "missing_image",
    "corrupt_image",
    "truncated_image",
    "bomb_over_limit",
    "bomb_over_pillow_limit",
    "missing_logo",
    "transparent_logo",
    "no_brief_file",
    "txt_brief",
    "bad_ratio_flag",
    "bad_locale_flag",
    "top_level_list",
]


@pytest.mark.parametrize("name", CASES)
def test_bad_input_exits_2_and_writes_nothing(cli, workdir: Path, name: str) -> None:
    args, expected = _case(workdir, name)
    brief_arg = args[:1] or ["brief.json"]
    before = sorted(p.name for p in workdir.iterdir())
    result = cli("run", *brief_arg, *args[1:], "--output", "out", "--json")
    assert result.code == 2, (result.stdout, result.stderr)
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert not (workdir / "out").exists()
    assert sorted(p.name for p in workdir.iterdir()) == before  # no database, no stray files


def test_validate_accepts_example_and_rejects_bad_brief(cli, workdir: Path) -> None:
    from tests.conftest import EXAMPLES

    ok = cli("validate", str(EXAMPLES / "brief_multi_product.json"))
    assert ok.code == 0 and "9 creatives" in ok.stdout
    packshots = cli("validate", str(EXAMPLES / "brief_packshots.yaml"))
    assert packshots.code == 0 and "36 creatives" in packshots.stdout
    write_brief(workdir, base_brief(campaign_id="Bad Id"))
    bad = cli("validate", "brief.json")
    assert bad.code == 2 and "campaign_id" in bad.stderr and "Traceback" not in bad.stderr
