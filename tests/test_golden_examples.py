"""The example campaigns still look like their golden creatives: SSIM (``tests/ssim.py``) of eight creatives — every
ratio, generated art and cut-out packshots, a right-to-left and a CJK headline — against the pictures in
``tests/golden/ssim/`` (see ``tests/goldens.py``), and every manifest sha256 is its file's.

A comparison passes when the worst 24 px tile of the SSIM map (at 480 px on the long side) is at least
``THRESHOLD`` (the mean alone averages a missing logo away: 0.988–0.991, no lower than ±1 level of noise). Measured
on the eight goldens, changes made to the full-size creative and then downscaled: a fresh render scores 1.0 (the
same pixels); harmless differences score ≥ 0.952 (±1 level of noise on every pixel ≥ 0.988, ±2 ≥ 0.966, Lanczos
instead of area resampling ≥ 0.981, WebP q85 ≥ 0.960, JPEG q90 ≥ 0.952); unintended changes score ≤ 0.915 (headline
moved 2 px ≤ 0.915, 20 px ≤ 0.18; logo missing ≤ 0.62; product 2% larger ≤ 0.68, 10% ≤ 0.12; text in the brand
orange ≤ 0.40; the 7% scrim painted orange 0.886 or white 0.874). A 1 px headline move scores 0.913–0.976. The
changes made on the goldens themselves are tests below: each must fail the comparison, and noise must pass it.

A change that alters pixels on purpose re-renders the goldens in the same commit:
``UPDATE_GOLDENS=1 pytest tests/test_golden_examples.py`` (or ``UPDATE_GOLDENS=1 make test``) rewrites each PNG and
its facts JSON; look at them before committing. A failing comparison writes the render and a diff picture (SSIM
loss in red, the worst tile boxed in yellow) to ``$GOLDEN_ARTIFACTS`` (default: a folder in the system temp
directory) and names them in the failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative_ai import get_settings, load_brief
from creative_ai.runtime import Runtime
from tests import perturb, ssim
from tests.conftest import VENDOR_VARIABLES
from tests.goldens import GOLDENS, ROOT, RUNS, Facts, Golden, facts_from_sidecar, picture_of, write

THRESHOLD = 0.95
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
BRAND_ORANGE = (0xFF, 0x6B, 0x35)  # the first brand colour of every example brief
VISIBLE_SCRIM = 0.05


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The output folder of the example runs in ``tests.goldens.RUNS``, made once for this module."""
    folder = tmp_path_factory.mktemp("goldens")
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("CREATIVE_AI_") or k in VENDOR_VARIABLES]:
            env.delenv(key)
        settings = get_settings(
            output_dir=folder / "out",
            assets_dir=folder / "assets",
            database_url=f"sqlite:///{folder / 'creative_ai.db'}",
            provider="local",
        )
        runtime = Runtime.open(settings)
        try:
            for run in RUNS:
                brief = load_brief(ROOT / "examples" / run.brief)
                summary = runtime.run(brief, chain=runtime.chain(), products=run.products, ratios=run.ratios)
                assert summary.status == "succeeded", (run, summary.to_dict())
        finally:
            runtime.repo.engine.dispose()
    yield folder / "out"


def _artifacts(golden: Golden, actual: Image.Image, expected: Image.Image, found: ssim.Similarity) -> str:
    folder = Path(os.environ.get("GOLDEN_ARTIFACTS") or Path(tempfile.gettempdir()) / "creative-ai-golden-failures")
    stem = folder / golden.name
    stem.parent.mkdir(parents=True, exist_ok=True)
    actual.save(f"{stem}.actual.png")
    ssim.diff_image(expected, actual, found).save(f"{stem}.diff.png")
    return f"render: {stem}.actual.png · diff: {stem}.diff.png · golden: {golden.png}"


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
def test_example_creative_looks_like_its_golden(rendered: Path, golden: Golden) -> None:
    creative = golden.creative(rendered)
    actual = picture_of(creative)
    if UPDATE:
        sidecar = json.loads(creative.with_suffix(".json").read_text())
        with Image.open(creative) as full:
            facts = facts_from_sidecar(sidecar, actual, full.width)
        write(golden, actual, {"source": str(creative.relative_to(rendered)), **facts})
    with Image.open(golden.png) as stored:
        expected = stored.convert("RGB")
    assert actual.size == expected.size, f"{golden.name}: rendered at {actual.size}, golden {expected.size}"
    found = ssim.compare(expected, actual)
    if found.worst_tile < THRESHOLD:
        where = _artifacts(golden, actual, expected, found)
        pytest.fail(
            f"{golden.name} ({golden.why}) no longer looks like its golden: SSIM mean {found.mean:.4f}, worst tile "
            f"{found.worst_tile:.4f} at {found.worst_box} < {THRESHOLD}. {where}. If the change is intended, "
            "re-render the goldens: UPDATE_GOLDENS=1 pytest tests/test_golden_examples.py"
        )


@pytest.mark.parametrize("campaign", sorted({g.campaign for g in GOLDENS}))
def test_manifest_sha256_is_the_file_sha256(rendered: Path, campaign: str) -> None:
    manifest = json.loads((rendered / campaign / "manifest.json").read_text())
    assert manifest["variants"]
    for entry in manifest["variants"]:
        if entry["status"] == "not_made":  # the example runs make part of a brief: the rest is listed, not made
            assert entry["file"] is None and entry["sha256"] is None
            continue
        data = (rendered / campaign / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]


@dataclass(frozen=True)
class Change:
    make: Callable[[Image.Image, Facts], Image.Image]
    applies: Callable[[Facts], bool] = lambda facts: True


def _px(facts: Facts, creative_px: int) -> int:
    """``creative_px`` pixels of the full-size creative, in golden pixels."""
    return max(1, round(creative_px * facts.scale))


def _moved(dx: int = 0, dy: int = 0, *, golden_px: bool = False) -> Callable[[Image.Image, Facts], Image.Image]:
    def move(image: Image.Image, f: Facts) -> Image.Image:
        x, y = (dx, dy) if golden_px else (_px(f, dx) if dx else 0, _px(f, dy) if dy else 0)
        return perturb.move_text(image, f.text_box, f.text_color, dx=x, dy=y)

    return move


def _scaled(factor: float) -> Callable[[Image.Image, Facts], Image.Image]:
    def scale(image: Image.Image, f: Facts) -> Image.Image:
        assert f.product_box is not None
        return perturb.scale(image, f.product_box, factor)

    return scale


def _without_logo(image: Image.Image, f: Facts) -> Image.Image:
    assert f.logo_box is not None
    return perturb.remove(image, f.logo_box)


def _text_orange(image: Image.Image, f: Facts) -> Image.Image:
    return perturb.recolor_text(image, f.text_box, f.text_color, BRAND_ORANGE)


def _scrim_orange(image: Image.Image, f: Facts) -> Image.Image:
    return perturb.recolor_scrim(
        image, text_box=f.text_box, side=f.scrim_side, strength=f.scrim_strength, color=f.scrim_color, new=BRAND_ORANGE
    )


def _has_logo(f: Facts) -> bool:
    return f.logo_box is not None


def _has_packshot(f: Facts) -> bool:
    return f.product_box is not None


def _has_visible_scrim(f: Facts) -> bool:
    return f.scrim_strength >= VISIBLE_SCRIM  # a weaker scrim is invisible in any colour


CHANGES: dict[str, Change] = {
    "headline 20 px lower": Change(_moved(dy=20)),
    "headline 20 px sideways": Change(_moved(dx=20)),
    "headline 1 golden px lower": Change(_moved(dy=1, golden_px=True)),
    "text in the brand orange": Change(_text_orange),
    "logo missing": Change(_without_logo, _has_logo),
    "product 10% larger": Change(_scaled(1.1), _has_packshot),
    "product 10% smaller": Change(_scaled(0.9), _has_packshot),
    "scrim in the brand orange": Change(_scrim_orange, _has_visible_scrim),  # only one golden has a visible scrim
}
HARMLESS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "±1 level of noise": lambda im: _noise(im, 1),
    "±2 levels of noise": lambda im: _noise(im, 2),
}


def _noise(image: Image.Image, levels: int) -> Image.Image:
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(7).integers(-levels, levels + 1, pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def _golden(golden: Golden) -> tuple[Image.Image, Facts]:
    with Image.open(golden.png) as stored:
        return stored.convert("RGB"), Facts.load(golden.facts_path)


def _applicable() -> list[tuple[Golden, str]]:
    """Each golden with each change that applies to it (no logo to lose on generated art, …); every change for a
    golden not written yet (its tests then fail, naming the missing file)."""
    pairs = []
    for golden in GOLDENS:
        facts = Facts.load(golden.facts_path) if golden.facts_path.exists() else None
        pairs += [(golden, name) for name, change in CHANGES.items() if facts is None or change.applies(facts)]
    return pairs


PAIRS = _applicable()


@pytest.mark.parametrize(("golden", "change"), PAIRS, ids=[f"{g.name}-{c}" for g, c in PAIRS])
def test_an_unintended_change_fails_the_comparison(golden: Golden, change: str) -> None:
    expected, facts = _golden(golden)
    changed = CHANGES[change].make(expected, facts)
    assert changed.size == expected.size
    found = ssim.compare(expected, changed)
    assert found.worst_tile < THRESHOLD, f"{change}: worst tile {found.worst_tile:.4f}, mean {found.mean:.4f}"


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
@pytest.mark.parametrize("change", sorted(HARMLESS))
def test_invisible_differences_pass_the_comparison(golden: Golden, change: str) -> None:
    expected, _facts = _golden(golden)
    found = ssim.compare(expected, HARMLESS[change](expected))
    assert found.worst_tile >= THRESHOLD, f"{change}: worst tile {found.worst_tile:.4f}"


@pytest.mark.parametrize(("a", "b"), [(40, 40), (40, 60), (200, 90), (0, 255)])
def test_ssim_of_two_flat_pictures_is_the_papers_luminance_term(a: int, b: int) -> None:
    """No variance: the contrast-structure term is C2/C2 = 1 and SSIM is (2ab + C1) / (a² + b² + C1) everywhere."""
    found = ssim.compare(Image.new("RGB", (64, 48), (a,) * 3), Image.new("RGB", (64, 48), (b,) * 3))
    expected = (2 * a * b + ssim.C1) / (a * a + b * b + ssim.C1)
    assert found.mean == pytest.approx(expected, abs=1e-9) and found.worst_tile == pytest.approx(expected, abs=1e-9)
