"""Every headline of the world example read back by an independent OCR (Debian Tesseract 5 with its language
packs, installed by ``scripts/test-env.sh``): each locale at each ratio reads as the brief's copy (similarity
≥ 0.8), and the same comparison fails on a creative that does not carry that copy.

The headline is cut from the final PNG where the layout put it (checked against the sidecar's text block), its
ink is measured as the distance from the sidecar's text colour, and its glyphs are scaled to one size before
Tesseract reads it. Run with ``-s`` to see the table of similarities.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from PIL import Image

from creative_ai.placements import get_placement
from creative_ai.render.compose import Copy, plan_text
from creative_ai.render.text import FontBook
from tests.conftest import EXAMPLES

WORLD = EXAMPLES / "brief_world.yaml"
BRIEF = yaml.safe_load(WORLD.read_text(encoding="utf-8"))
RATIOS = [r.replace(":", "x") for r in BRIEF["aspect_ratios"]]
(PRODUCT,) = (p["id"] for p in BRIEF["products"])
MINIMUM = 0.8
# Tesseract's language per locale. Right-to-left copy mixes in European digits, which the Hebrew and Arabic
# models read better with English beside them; a Latin model beside a CJK or Thai one makes Tesseract take
# whole lines for Latin at some sizes, so those read with their own model alone.
LANGUAGES = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "ar": "ara+eng",
    "he": "heb+eng",
    "hi": "hin",
    "th": "tha",
    "ja": "jpn",
    "zh": "chi_sim",
    "ko": "kor",
}
GLYPH_PX = 56  # every headline is scaled to this font size: Tesseract reads 48-80 px text steadily
INK_SPAN = 200  # colour distance from the text colour at which a pixel counts as paper
BOOK = FontBook.default()
Sidecar = dict[str, Any]


@dataclass(frozen=True)
class Reading:
    locale: str
    ratio: str
    expected: str
    read: str
    similarity: float


def expected_headline(locale: str) -> str:
    return str(BRIEF.get("messages", {}).get(locale, BRIEF["campaign_message"]))


def normal(text: str) -> str:
    """NFKC, case-folded, letters, marks and digits only (no spaces, punctuation or symbols); logical order."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LMN")


def similarity(expected: str, read: str) -> float:
    return SequenceMatcher(None, normal(expected), normal(read), autojunk=False).ratio()


def missing_languages() -> list[str]:
    """The Tesseract languages this test needs that are not installed (all of them when Tesseract is absent)."""
    needed = {lang for spec in LANGUAGES.values() for lang in spec.split("+")}
    if shutil.which("tesseract") is None:
        return sorted(needed)
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return sorted(needed - set(listed.stdout.split()))


def _need_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (scripts/test-env.sh installs Debian tesseract-ocr as root)")
    if missing := missing_languages():
        packs = " ".join(f"tesseract-ocr-{lang.replace('_', '-')}" for lang in missing)
        pytest.skip(f"Tesseract lacks the language packs {packs} (scripts/test-env.sh installs them as root)")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world example made once with the local provider; the folder of its product's creatives."""
    _need_tesseract()
    from creative_ai import get_settings, load_brief
    from creative_ai.runtime import Runtime

    out = tmp_path_factory.mktemp("ocr-world")
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("CREATIVE_AI_")]:
            patch.delenv(key)
        patch.chdir(out)
        settings = get_settings(
            output_dir=out / "out",
            assets_dir=out / "assets",
            provider="local",
            database_url=f"sqlite:///{out / 'db.sqlite'}",
        )
        runtime = Runtime.open(settings)
        summary = runtime.run(load_brief(WORLD), chain=runtime.chain())
    assert summary.status == "succeeded", [v.reason for v in summary.variants if v.reason]
    return out / "out" / str(BRIEF["campaign_id"]) / str(PRODUCT)


def sidecar_of(world: Path, locale: str, ratio: str) -> Sidecar:
    sidecar: Sidecar = json.loads((world / ratio / f"{PRODUCT}_{ratio}_{locale}.json").read_text(encoding="utf-8"))
    return sidecar


def headline_box(sidecar: Sidecar, expected: str) -> tuple[int, int, int, int]:
    """Where the headline is drawn: the layout of the brief's copy, which must be the block the sidecar records."""
    placement = get_placement(sidecar["aspect_ratio"])
    plan = plan_text(Copy(expected, sidecar["cta"], sidecar["locale"]), placement=placement, book=BOOK)
    recorded = {c["name"]: c["measured"] for c in sidecar["checks"]}["legibility"]["text_box"]
    assert list(plan.block.as_tuple()) == recorded, (sidecar["locale"], sidecar["aspect_ratio"], plan.block, recorded)
    assert list(plan.layout.lines) == sidecar["text"]["lines"]
    return plan.text_box.as_tuple()


def headline_picture(png: Path, box: tuple[int, int, int, int], *, color: str, size: int) -> Image.Image:
    """The headline cut out with a margin: dark ink (distance from the text colour) on white, glyphs at GLYPH_PX."""
    margin = round(size * 0.25)
    left, top, right, bottom = box
    with Image.open(png) as image:
        crop = image.convert("RGB").crop((left - margin, top - margin, right + margin, bottom + margin))
    ink = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)
    distance = np.sqrt(((np.asarray(crop, dtype=np.float32) - ink) ** 2).sum(axis=-1))
    grey = Image.fromarray(np.clip(distance * 255 / INK_SPAN, 0, 255).astype(np.uint8))
    scale = GLYPH_PX / size
    return grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS)


def tesseract(picture: Image.Image, languages: str) -> str:
    """Tesseract's text for one picture (sent as PNG on stdin; one uniform block of text, one thread)."""
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "6"],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout.decode("utf-8").strip()


def read_creative(world: Path, locale: str, ratio: str) -> Reading:
    sidecar = sidecar_of(world, locale, ratio)
    expected = expected_headline(locale)
    assert sidecar["message"] == expected, (locale, ratio, sidecar["message"])
    box = headline_box(sidecar, expected)
    text = sidecar["text"]
    picture = headline_picture(Path(sidecar["file_path"]), box, color=text["color"], size=text["font_size_px"])
    read = tesseract(picture, LANGUAGES[locale])
    return Reading(locale, ratio, expected, read, similarity(expected, read))


def _table(readings: dict[tuple[str, str], Reading]) -> str:
    rows = [f"{'locale':<7}" + "".join(f"{r:>7}" for r in RATIOS)]
    for locale in BRIEF["locales"]:
        rows.append(f"{locale:<7}" + "".join(f"{readings[locale, r].similarity:>7.3f}" for r in RATIOS))
    scores = [r.similarity for r in readings.values()]
    rows.append(f"min {min(scores):.3f}  mean {sum(scores) / len(scores):.3f}  ({len(scores)} creatives)")
    return "\n".join(rows)


@pytest.fixture(scope="module")
def readings(world: Path) -> Iterator[dict[tuple[str, str], Reading]]:
    """Every creative's headline read back, Tesseract running on every core at once."""
    unknown = set(BRIEF["locales"]) - set(LANGUAGES)
    assert not unknown, f"no Tesseract language for {sorted(unknown)}: add it here and to scripts/test-env.sh"
    jobs = [(locale, ratio) for locale in BRIEF["locales"] for ratio in RATIOS]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        found = dict(zip(jobs, pool.map(lambda job: read_creative(world, *job), jobs), strict=True))
    print(f"\nOCR read-back of the world example's headlines (Tesseract, similarity ≥ {MINIMUM}):\n{_table(found)}")
    yield found


@pytest.mark.parametrize("ratio", RATIOS)
@pytest.mark.parametrize("locale", BRIEF["locales"])
def test_the_headline_reads_back(readings: dict[tuple[str, str], Reading], locale: str, ratio: str) -> None:
    reading = readings[locale, ratio]
    assert reading.similarity >= MINIMUM, (
        f"{locale} {ratio}: expected {reading.expected!r}, Tesseract read {reading.read!r}, "
        f"similarity {reading.similarity:.3f} < {MINIMUM}"
    )


@pytest.mark.parametrize(("shown", "claimed"), [("de", "en"), ("en", "fr"), ("fr", "de"), ("zh", "ja"), ("ja", "zh")])
def test_another_locale_s_headline_does_not_read_back(
    readings: dict[tuple[str, str], Reading], shown: str, claimed: str
) -> None:
    for ratio in RATIOS:
        read = readings[shown, ratio].read
        assert similarity(expected_headline(claimed), read) < MINIMUM, (shown, claimed, ratio, read)


def test_a_creative_with_its_headline_painted_over_does_not_read_back(world: Path, tmp_path: Path) -> None:
    sidecar = sidecar_of(world, "en", "1x1")
    left, top, right, bottom = headline_box(sidecar, expected_headline("en"))
    with Image.open(sidecar["file_path"]) as image:
        painted = image.convert("RGB")
    ground = tuple(int(v) for v in np.median(np.asarray(painted)[top - 8 : top - 2, left:right], axis=(0, 1)))
    painted.paste(ground, (left, top, right, bottom))
    painted.save(tmp_path / "painted.png")
    text = sidecar["text"]
    picture = headline_picture(tmp_path / "painted.png", (left, top, right, bottom), color=text["color"],
                               size=text["font_size_px"])  # fmt: skip
    read = tesseract(picture, LANGUAGES["en"])
    assert similarity(expected_headline("en"), read) < MINIMUM, read
    kept = headline_picture(Path(sidecar["file_path"]), (left, top, right, bottom), color=text["color"],
                            size=text["font_size_px"])  # fmt: skip
    assert similarity(expected_headline("en"), tesseract(kept, LANGUAGES["en"])) >= MINIMUM  # the same cut, unpainted
