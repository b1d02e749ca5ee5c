"""SVG logos: drawn by libvips at placement size, placed and found by the logo check; outside references refused."""

from __future__ import annotations

import json
from pathlib import Path

from creative_ai.assets import load_image
from tests.conftest import base_brief

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">
  <rect x="0" y="0" width="240" height="80" rx="12" fill="#0B3D91"/>
  <circle cx="40" cy="40" r="24" fill="#FFD23F"/>
  <rect x="80" y="28" width="140" height="24" fill="#FFFFFF"/>
</svg>
"""


def test_an_svg_is_drawn_with_its_alpha_at_its_own_proportions(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(LOGO)
    logo = load_image(tmp_path / "logo.svg", field="brand.logo", max_pixels=10**8)
    assert logo.image.mode == "RGBA" and logo.image.size == (1024, 341)
    assert logo.image.getpixel((2, 2))[3] == 0  # outside the rounded corner: transparent
    assert logo.image.getpixel((170, 170)) == (255, 210, 63, 255)  # the yellow circle


def test_an_svg_logo_is_placed_and_found_in_every_ratio(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "logo.svg").write_text(LOGO)
    brief = base_brief(aspect_ratios=["1x1", "9x16", "16x9", "4x5"], brand={"logo": "logo.svg"})
    summary = make_campaign(brief, output="out")
    assert summary.status == "succeeded"
    for variant in summary.variants:
        checks = {c["name"]: c for c in variant.checks}
        assert checks["logo"]["status"] == "pass", (variant.aspect_ratio, checks["logo"])
        assert checks["logo_placement"]["status"] == "pass"


def test_an_svg_that_reaches_outside_itself_is_refused(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "secret.png").write_bytes(b"")
    reaching = LOGO.replace("</svg>", '<image href="secret.png" width="10" height="10"/></svg>')
    (workdir / "logo.svg").write_text(reaching)
    (workdir / "brief.json").write_text(json.dumps(base_brief(brand={"logo": "logo.svg"})))
    result = cli("validate", "brief.json")
    assert result.code == 2 and "brand.logo" in result.stderr and "outside itself" in result.stderr
    assert "Traceback" not in result.stderr


def test_compressed_svgs_and_css_references_are_refused(tmp_path: Path) -> None:
    import gzip

    import pytest

    from creative_ai.errors import AssetError

    (tmp_path / "logo.svgz").write_bytes(gzip.compress(LOGO.encode()))
    with pytest.raises(AssetError, match="compressed SVG"):
        load_image(tmp_path / "logo.svgz", field="brand.logo", max_pixels=10**8)
    styled = LOGO.replace("<rect", '<style>@import url("other.css");</style><rect', 1)
    (tmp_path / "styled.svg").write_text(styled)
    with pytest.raises(AssetError, match="outside itself"):
        load_image(tmp_path / "styled.svg", field="brand.logo", max_pixels=10**8)


def test_an_svg_that_would_take_minutes_to_draw_is_refused_before_drawing(tmp_path: Path) -> None:
    import time

    import pytest

    from creative_ai.errors import AssetError

    # Ten levels of ten <use> copies each: 10^10 circles to draw, in a file of a few kilobytes.
    levels = ['<circle id="l0" cx="1" cy="1" r="1"/>']
    for level in range(1, 11):
        uses = "".join(f'<use href="#l{level - 1}" x="{i}"/>' for i in range(10))
        levels.append(f'<g id="l{level}">{uses}</g>')
    bomb = LOGO.replace("</svg>", f"<defs>{''.join(levels)}</defs><use href='#l10'/></svg>")
    (tmp_path / "bomb.svg").write_text(bomb)
    started = time.perf_counter()
    with pytest.raises(
        AssetError, match=r"draws [\d,]+ elements once its <use> copies are expanded; .* at most 50,000"
    ):
        load_image(tmp_path / "bomb.svg", field="brand.logo", max_pixels=10**8)
    assert time.perf_counter() - started < 5  # refused on reading, not after drawing
    looped = LOGO.replace("</svg>", '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>')
    (tmp_path / "looped.svg").write_text(looped)
    with pytest.raises(AssetError, match="copies are expanded"):  # a <use> cycle never ends
        load_image(tmp_path / "looped.svg", field="brand.logo", max_pixels=10**8)
