"""Painted text: OCR warns on lettering painted into a hero and passes the same picture without it.

The pictures are drawn here: brand art from the local provider (without its title texture), a photo-like
fractal, noise and stripes; the words are set in the project's own font. The real rapidocr engine reads them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from creative_ai.checks.painted_text import (
    MIN_CONFIDENCE,
    HeroTextMemo,
    PaintedTextCheck,
    RapidOcrReader,
    Reading,
    applies_to,
)
from creative_ai.checks.suite import CheckSuite
from creative_ai.render.backdrop import draw_backdrop
from tests.conftest import as_json, base_brief

FONT = str(files("creative_ai") / "fonts" / "Inter-Bold.otf")
PALETTE = ["#E4572E", "#17BEBB", "#FFC914"]
PURPLE = ["#6A1B9A", "#F8BBD0"]


def hero(width: int = 1024, height: int = 1024, seed: int = 7, palette: list[str] = PALETTE) -> Image.Image:
    return draw_backdrop(width=width, height=height, palette=palette, seed=seed)


def photo_like(width: int = 1024, height: int = 1024, seed: int = 3) -> Image.Image:
    """1/f² noise per channel: soft clouds and mottled detail at every scale, like a defocused photo."""
    rng = np.random.default_rng(seed)
    fy, fx = np.fft.fftfreq(height)[:, None], np.fft.fftfreq(width)[None, :]
    power = fx**2 + fy**2
    power[0, 0] = 1.0
    channels = []
    for _ in range(3):
        spectrum = (rng.normal(size=power.shape) + 1j * rng.normal(size=power.shape)) / power**0.5
        x = np.real(np.fft.ifft2(spectrum))
        channels.append((x - x.min()) / (x.max() - x.min()))
    return Image.fromarray((np.stack(channels, -1) * 255).astype(np.uint8), "RGB")


def with_words(
    image: Image.Image, text: str, *, size: int, fill: tuple[int, int, int] = (255, 255, 255)
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The picture with ``text`` painted across its middle, and the box the ink covers."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    font = ImageFont.truetype(FONT, size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = (out.width - (right - left)) // 2, (out.height - (bottom - top)) // 2
    draw.text((x - left, y - top), text, font=font, fill=fill)
    return out, (x, y, x + right - left, y + bottom - top)


def overlap(a: tuple[int, ...] | list[int], b: tuple[int, ...]) -> float:
    """Intersection over the smaller box."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return max(0, w) * max(0, h) / smaller


@pytest.fixture(scope="module")
def check() -> PaintedTextCheck:
    return PaintedTextCheck()


@pytest.mark.parametrize("background", [hero, photo_like], ids=["brand-art", "photo-like"])
def test_painted_words_warn_and_the_same_picture_without_them_passes(check: PaintedTextCheck, background) -> None:  # type: ignore[no-untyped-def]
    clean = background()
    painted, ink = with_words(clean, "SALE 50% OFF", size=110)

    warned = check.run(painted)
    assert warned.name == "painted_text" and warned.status == "warn"
    assert "SALE 50% OFF" in warned.evidence
    assert warned.measured["regions"] == 1 and warned.measured["texts"] == ["SALE 50% OFF"]
    assert warned.measured["max_confidence"] >= 0.9
    assert overlap(warned.measured["boxes"][0], ink) > 0.8  # the box is where the words were painted
    assert warned.measured["ocr_ms"] > 0

    passed = check.run(clean)
    assert passed.status == "pass", passed.evidence
    assert passed.measured["regions"] == 0 and passed.measured["texts"] == []
    assert passed.measured["max_confidence"] == 0.0


def test_gibberish_lettering_on_a_portrait_hero_is_found_in_the_heros_own_pixels(check: PaintedTextCheck) -> None:
    painted, ink = with_words(hero(1024, 1536, seed=11), "BRESH TOWLE", size=72, fill=(250, 215, 40))
    result = check.run(painted)
    assert result.status == "warn"
    assert result.measured["texts"] == ["BRESH TOWLE"]
    assert overlap(result.measured["boxes"][0], ink) > 0.8


def _noise(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    base = np.asarray(hero(seed=seed), dtype=np.float32)
    return Image.fromarray(np.clip(base + rng.normal(0, 40, base.shape), 0, 255).astype(np.uint8), "RGB")


def _stripes() -> Image.Image:
    yy, xx = np.mgrid[0:1024, 0:1024]
    v = (((xx + yy) // 12) % 2) * 120 + 60
    return Image.fromarray(np.stack([v, v * 0.8, v * 0.6], -1).astype(np.uint8), "RGB")


def _bokeh(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    image = hero(seed=seed)
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(60):
        x, y, r = rng.uniform(0, 1024), rng.uniform(0, 1024), rng.uniform(8, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*(int(c) for c in rng.uniform(120, 255, 3)), 90))
    return image


@pytest.mark.parametrize(
    "picture",
    [
        lambda: _noise(1),
        _stripes,
        lambda: _bokeh(2),
        lambda: photo_like(1536, 1024, seed=5),
        lambda: hero(1024, 1536, seed=105, palette=PURPLE),
        lambda: hero(1088, 1920, seed=51, palette=PURPLE),
    ],
    ids=["noise", "stripes", "bokeh", "photo-like-landscape", "art-portrait", "art-tall"],
)
def test_texture_without_words_passes(check: PaintedTextCheck, picture) -> None:  # type: ignore[no-untyped-def]
    result = check.run(picture())
    assert result.status == "pass", result.evidence
    assert result.measured["regions"] == 0


def test_what_the_detector_makes_of_smooth_art_is_ignored(check: PaintedTextCheck) -> None:
    # On this art the detector boxes the whole frame and the recogniser reads "2" with high confidence:
    # the confidence floor alone would not stop it, the one-glyph and whole-frame rules do.
    result = check.run(hero(1024, 1024, seed=98, palette=PURPLE))
    assert result.status == "pass", result.evidence
    assert result.measured["regions"] == 0 and result.measured["ignored"] >= 1
    assert result.measured["ignored_max_confidence"] >= MIN_CONFIDENCE


class FakeReader:
    """Returns fixed readings and counts the pictures it was asked to read."""

    def __init__(self, readings: list[Reading], *, delay: float = 0.0) -> None:
        self.readings = readings
        self.delay = delay
        self.calls = 0
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> list[Reading]:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        return list(self.readings)


def test_faint_tiny_single_glyph_and_whole_frame_readings_are_ignored() -> None:
    size = (1024, 1024)
    texture = [
        Reading("00日000", 0.54, (100, 300, 700, 580)),  # below the confidence floor
        Reading("SALE", 0.99, (100, 100, 160, 112)),  # 12 px tall on a 1024 px hero
        Reading("O", 0.88, (400, 400, 500, 500)),  # a lone glyph
        Reading("TOWE", 0.99, (0, 0, 1023, 1023)),  # the whole frame: no line of text
    ]
    result = PaintedTextCheck(reader=FakeReader(texture)).run(Image.new("RGB", size))
    assert result.status == "pass"
    assert result.measured["regions"] == 0 and result.measured["ignored"] == 4
    assert result.measured["ignored_max_confidence"] == 0.99
    assert "4 faint, tiny, one-glyph or whole-frame readings ignored" in result.evidence

    words = Reading("XQRT BLOMPH", MIN_CONFIDENCE, (200, 600, 800, 660))
    result = PaintedTextCheck(reader=FakeReader([*texture, words])).run(Image.new("RGB", size))
    assert result.status == "warn" and '"XQRT BLOMPH" (0.70)' in result.evidence
    assert result.measured["regions"] == 1 and result.measured["boxes"] == [[200, 600, 800, 660]]


def test_long_readings_are_truncated_in_the_evidence() -> None:
    long = Reading("W" * 120, 0.95, (0, 100, 900, 160))
    result = PaintedTextCheck(reader=FakeReader([long])).run(Image.new("RGB", (1024, 1024)))
    assert result.status == "warn"
    assert len(result.measured["texts"][0]) == 40 and result.measured["texts"][0].endswith("…")
    assert "W" * 41 not in result.evidence


def test_without_rapidocr_the_check_warns_that_it_did_not_look(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # makes `import rapidocr` raise ImportError
    result = PaintedTextCheck(reader=RapidOcrReader()).run(hero())
    assert result.status == "warn"
    assert "painted-text OCR is unavailable" in result.evidence and "not checked" in result.evidence
    assert result.measured["available"] is False


def test_ocr_uses_the_models_inside_the_wheel_and_never_opens_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"painted-text OCR tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    painted, _ink = with_words(hero(), "FRESH", size=120)
    result = PaintedTextCheck(reader=RapidOcrReader()).run(painted)  # a new engine: its models load here
    assert result.status == "warn" and result.measured["texts"] == ["FRESH"]


READ_IN_A_FRESH_PROCESS = """
import json
import os
from PIL import Image, ImageDraw, ImageFont
from creative_ai.checks.painted_text import PaintedTextCheck
image = Image.new("RGB", (1024, 1024), (30, 60, 90))
ImageDraw.Draw(image).text((100, 450), "FRESH", font=ImageFont.truetype({font!r}, 120), fill="white")
result = PaintedTextCheck().run(image)
print(result.status, os.environ.get("ORT_DISABLE_TELEMETRY"))
"""


def test_onnxruntime_telemetry_is_off_and_leaves_no_device_id(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"))
    code = READ_IN_A_FRESH_PROCESS.format(font=FONT)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["warn", "1"]
    assert list(tmp_path.rglob("*")) == []  # no ~/.cache/Microsoft/DeveloperTools/.onnxruntime device id or queue


def test_memo_reads_a_hero_once_for_every_creative_cut_from_it() -> None:
    reader = FakeReader([Reading("SALE", 0.99, (10, 10, 300, 80))])
    memo = HeroTextMemo(PaintedTextCheck(reader=reader), size=2)
    loads = []

    def load(name: str) -> Image.Image:
        loads.append(name)
        return Image.new("RGB", (1024, 1024))

    first = memo.get("a" * 64, lambda: load("a"))
    second = memo.get("a" * 64, lambda: load("a"))
    assert first is second and first.status == "warn"
    assert reader.calls == 1 and loads == ["a"]

    memo.get("b" * 64, lambda: load("b"))
    memo.get("a" * 64, lambda: load("a"))  # a is the most recent again
    memo.get("c" * 64, lambda: load("c"))  # evicts b, the least recently used
    memo.get("a" * 64, lambda: load("a"))
    memo.get("b" * 64, lambda: load("b"))
    assert loads == ["a", "b", "c", "b"] and reader.calls == 4


def test_memo_reads_once_when_many_threads_ask_for_the_same_hero() -> None:
    reader = FakeReader([], delay=0.2)
    memo = HeroTextMemo(PaintedTextCheck(reader=reader))
    start = threading.Barrier(6)
    results = []

    def ask() -> None:
        start.wait()
        results.append(memo.get("d" * 64, lambda: Image.new("RGB", (64, 64))))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reader.calls == 1 and len(results) == 6 and {r.status for r in results} == {"pass"}


def test_suite_runs_the_real_ocr_once_per_hero_sha() -> None:
    painted, _ink = with_words(hero(seed=21), "SALE 50% OFF", size=110)
    loads = []

    def load() -> Image.Image:
        loads.append(1)
        return painted

    sha = "e3" * 32
    suite = CheckSuite()
    first = suite.painted_text.get(sha, load)
    second = suite.painted_text.get(sha, load)
    assert CheckSuite().painted_text.get(sha, lambda: hero(seed=22)).status == "pass"  # a new suite reads again
    assert len(loads) == 1 and first is second
    assert first.status == "warn" and first.measured["texts"] == ["SALE 50% OFF"]


def test_only_image_model_heroes_are_read() -> None:
    assert applies_to(source="generated", provider="openai") and applies_to(source="reused", provider="gemini")
    assert not applies_to(source="generated", provider="local")  # local art paints its title on purpose
    assert not applies_to(source="input", provider="input")  # the brand's own packshot


def test_creatives_from_a_hero_with_painted_lettering_carry_the_warning(make_campaign, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    """Through the whole pipeline: the vendor paints words into its pictures; every creative cut from them warns,
    the creatives are still made (the check only warns), and a clean vendor gives a pass."""
    vendor.painted_text = "SUMMER SALE"
    result = make_campaign(base_brief(aspect_ratios=["1x1", "9x16"]), provider="openai", output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    assert summary["variants_ok"] == summary["variants_total"] == 2
    for variant in summary["variants"]:
        sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
        (painted,) = [c for c in sidecar["checks"] if c["name"] == "painted_text"]
        assert painted["status"] == "warn" and "SUMMER" in " ".join(painted["measured"]["texts"]).upper()
        assert sidecar["status"] == "ok"  # a warning never fails the creative

    vendor.painted_text = None
    clean = make_campaign(
        base_brief(campaign_id="clean", products=[{"id": "clean_item", "name": "Clean Item"}], aspect_ratios=["1x1"]),
        provider="openai",
        output="out",
    )
    assert clean.status == "succeeded"
    (variant,) = as_json(clean)["variants"]
    sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
    (painted,) = [c for c in sidecar["checks"] if c["name"] == "painted_text"]
    assert painted["status"] == "pass"


def test_local_art_is_not_read_for_painted_text(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = make_campaign(base_brief(aspect_ratios=["1x1"]), output="out")
    assert result.status == "succeeded"
    (variant,) = as_json(result)["variants"]
    sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
    (painted,) = [c for c in sidecar["checks"] if c["name"] == "painted_text"]
    assert painted["status"] == "skipped" and "drawn by the local provider" in painted["evidence"]
    assert "regions" not in painted["measured"]  # nothing was read


@pytest.mark.parametrize("ground", ["art", "photo"])
def test_modest_lettering_is_still_found_at_the_reading_resolution(ground: str) -> None:
    """The hero is shrunk before reading; a 28 px line on a 1024 px hero (a shop sign, a label) still warns."""
    base = hero() if ground == "art" else photo_like()
    painted, _ink = with_words(base, "SUMMER SALE", size=28)
    result = PaintedTextCheck().run(painted)
    assert result.status == "warn" and "SUMMER" in " ".join(result.measured["texts"]).upper()
    assert PaintedTextCheck().run(base).status == "pass"
