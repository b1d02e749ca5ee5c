"""The golden creatives: which example creatives are kept, how they are made, and what is known about each.

A golden is ``tests/golden/ssim/<campaign>/<product>_<locale>_<ratio>.png`` (the creative at 480 px on its long
side) and a ``.json`` beside it with where its headline, logo and product are, in the golden's pixels — what the
crafted changes in ``tests/test_golden_examples.py`` need. Both are written from a fresh render by
``UPDATE_GOLDENS=1 pytest tests/test_golden_examples.py``.

Runs always cover every locale of their brief: a cut-out packshot stands in the box all the locales' text leaves
free, so leaving a locale out could move the product in the others. Runs narrowed by product and ratio give the
same bytes as the whole brief.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from creative_ai.placements import get_placement
from tests import perturb, ssim

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "golden" / "ssim"
WHITE, INK = (255, 255, 255), (17, 17, 20)


@dataclass(frozen=True)
class Run:
    """One run of an example brief: all its locales, narrowed to these products and ratios (empty: all)."""

    brief: str
    products: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Golden:
    campaign: str
    product: str
    locale: str
    ratio: str
    why: str

    @property
    def name(self) -> str:
        return f"{self.campaign}/{self.product}_{self.locale}_{self.ratio}"

    @property
    def png(self) -> Path:
        return FOLDER / f"{self.name}.png"

    @property
    def facts_path(self) -> Path:
        return FOLDER / f"{self.name}.json"

    def creative(self, out: Path) -> Path:
        """Where a run writes this creative under its output folder ``out``."""
        stem = f"{self.product}_{self.ratio}_{self.locale}"
        return out / self.campaign / self.product / self.ratio / f"{stem}.png"


RUNS = (
    Run("brief_multi_product.json"),
    Run("brief_packshots.yaml", products=("towel",), ratios=("4x5", "9x16")),
    Run("brief_packshots.yaml", products=("sandals",), ratios=("1x1",)),
    Run("brief_world.yaml", ratios=("16x9",)),
)
SPLASH, SUMMER, WORLD = "summer-splash-eu-2025", "tidewell-summer-2026", "tidewell-world-2026"
GOLDENS = (
    Golden(SPLASH, "prod_beach_towel_001", "en", "1x1", "generated art, square"),
    Golden(SPLASH, "prod_sunscreen_spf50", "en", "9x16", "generated art, Stories"),
    Golden(SPLASH, "prod_water_bottle_003", "en", "16x9", "generated art, landscape"),
    Golden(SUMMER, "towel", "de", "4x5", "packshot, logo and CTA, portrait feed"),
    Golden(SUMMER, "towel", "en", "9x16", "packshot with the strongest scrim of the examples"),
    Golden(SUMMER, "sandals", "fr", "1x1", "packshot of two parts, square"),
    Golden(WORLD, "towel", "ar", "16x9", "right to left: text right, product left"),
    Golden(WORLD, "towel", "ja", "16x9", "CJK headline"),
)


@dataclass(frozen=True)
class Facts:
    """Where things are on a golden, in its pixels (boxes are left, top, right, bottom)."""

    scale: float  # golden pixels per creative pixel
    text_box: perturb.Box
    text_color: perturb.RGB
    scrim_side: str  # the side the scrim grows from: bottom, left or right
    scrim_strength: float
    logo_box: perturb.Box | None
    product_box: perturb.Box | None  # a cut-out packshot's; None on generated art

    @property
    def scrim_color(self) -> perturb.RGB:
        """A scrim darkens under white text and lightens under dark text."""
        return INK if self.text_color == WHITE else WHITE

    @classmethod
    def load(cls, path: Path) -> Facts:
        data = json.loads(path.read_text())
        boxes = {k: tuple(data[k]) if data[k] is not None else None for k in ("text_box", "logo_box", "product_box")}
        return cls(
            scale=data["scale"],
            text_box=boxes["text_box"],  # type: ignore[arg-type]
            text_color=_rgb(data["text_color"]),
            scrim_side=data["scrim_side"],
            scrim_strength=data["scrim_strength"],
            logo_box=boxes["logo_box"],  # type: ignore[arg-type]
            product_box=boxes["product_box"],  # type: ignore[arg-type]
        )


def _rgb(value: str) -> perturb.RGB:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _scaled(box: list[int], k: float) -> perturb.Box:
    left, top, right, bottom = (round(v * k) for v in box)
    return left, top, right, bottom


def facts_from_sidecar(sidecar: dict[str, Any], golden: Image.Image, full_width: int) -> dict[str, Any]:
    """The golden's facts (as JSON) from its creative's sidecar, boxes scaled to the golden."""
    k = golden.width / full_width
    measured = {c["name"]: c["measured"] for c in sidecar["checks"]}
    text_box = _scaled(measured["legibility"]["text_box"], k)
    logo = measured.get("logo_placement", {}).get("logo_box")
    logo_box = _scaled(logo, k) if logo else None
    rtl = sidecar["text"]["direction"] == "rtl"
    side = get_placement(sidecar["aspect_ratio"]).text_side
    product_box = None
    if sidecar["hero_source"] == "input":  # a packshot set on local art
        product_box = perturb.find_product(golden, leave_out=_not_product(golden, text_box, logo_box))
    return {
        "scale": round(k, 6),
        "text_box": text_box,
        "text_color": sidecar["text"]["color"],
        "scrim_side": ("right" if rtl else "left") if side == "left" else side,
        "scrim_strength": sidecar["text"]["scrim_strength"],
        "logo_box": logo_box,
        "product_box": product_box,
    }


def _not_product(golden: Image.Image, text_box: perturb.Box, logo_box: perturb.Box | None) -> list[perturb.Box]:
    """The text block (the headline down to the picture's foot, where the CTA is) and the logo, with a margin."""
    margin = round(0.02 * max(golden.size))
    left, top, right, _bottom = perturb.grow(text_box, margin, golden.size)
    found = [(left, top, right, golden.height)]
    if logo_box is not None:
        found.append(perturb.grow(logo_box, margin, golden.size))
    return found


def write(golden: Golden, picture: Image.Image, facts: dict[str, Any]) -> None:
    """Store a golden picture and its facts (what ``UPDATE_GOLDENS=1`` does)."""
    golden.png.parent.mkdir(parents=True, exist_ok=True)
    picture.save(golden.png, optimize=True)
    golden.facts_path.write_text(json.dumps(facts, indent=2) + "\n")


def picture_of(creative: Path) -> Image.Image:
    """A creative as goldens are stored and compared: RGB, 480 px on its long side."""
    with Image.open(creative) as image:
        return ssim.downscale(image)
