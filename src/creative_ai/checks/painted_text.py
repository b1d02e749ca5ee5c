"""Painted text (hero check): OCR finds lettering an image model painted into a generated hero → warn.

Image models often paint words, or word-like gibberish, into a picture; under our own copy they clash. The hero
is read once, before any overlay, so our own headline is never mistaken for painted text, and every creative
cut from that hero reuses the result (a :class:`HeroTextMemo`, owned by the run's check suite).

OCR is rapidocr on onnxruntime with the detector and recogniser that ship inside the rapidocr wheel, loaded by
path, so nothing is ever downloaded; onnxruntime's telemetry is switched off. The hero is shrunk to about
``OCR_PIXELS`` first (a 1024² hero to 544²): text big enough to clash with a headline survives that, and
detecting on the small picture is what keeps the check fast. A reading counts only when it is confident, tall
enough, at least two letters or digits long and a line rather than the whole frame, so photographic texture
(foliage, gravel, bokeh, noise, stripes) does not warn.

A check that could not look never passes: without rapidocr the result is a ``warn`` saying so. A creative whose
hero no image model made (the brand's packshot, drawn art) gets ``skipped``, saying what the hero was.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from creative_ai.checks.base import CheckResult

NAME = "painted_text"
# Heroes this check is for: pictures from an image model, generated now or recorded from an earlier run. The
# local provider's art is drawn, not generated, and carries no lettering; input packshots are the brand's.
HERO_SOURCES = frozenset({"generated", "reused"})
OCR_PIXELS = 448 * 448  # the hero is shrunk to about this many pixels for OCR (a 1024² hero to 448²)
OCR_THREADS = 1  # onnxruntime threads per call (see RapidOcrReader)
MIN_CONFIDENCE = 0.7  # recogniser confidence a reading needs to count
MIN_HEIGHT = 0.02  # a reading's box height as a share of the hero's short side (20 px on a 1024 px hero)
MIN_CHARS = 2  # letters or digits a reading needs (a lone glyph is usually a shape read as "1" or "O")
MAX_FRAME = 0.8  # a "line" covering this share of both the hero's width and height is no line of text
SHOWN_TEXTS = 8  # readings listed in the evidence and measured values
SHOWN_CHARS = 40  # characters kept of each reading


class OcrUnavailable(Exception):
    """The OCR engine cannot run here. It never leaves this module: the check turns it into a ``warn``."""


@dataclass(frozen=True)
class Reading:
    """One line of text the OCR read, with its box in the hero's own pixels."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]  # left, top, right, bottom

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


class TextReader(Protocol):
    def read(self, image: Image.Image) -> list[Reading]:
        """Every line of text found in ``image`` (boxes in its pixels); raises OcrUnavailable."""


def _wheel_model(folder: Path, task: str) -> Path:
    """The ``det`` or ``rec`` model shipped inside the rapidocr wheel (never fetched from anywhere)."""
    found = sorted(folder.glob(f"*_{task}_*.onnx"))
    if not found:
        raise OcrUnavailable(f"the rapidocr wheel ships no {task} model in {folder}")
    return found[-1]


class RapidOcrReader:
    """rapidocr's detector and recogniser, created on first use and then reused; one OCR call at a time.

    rapidocr keeps per-call state on the engine (the pre-processing step, parameter overrides), so calls are
    serialised with a lock. One onnxruntime thread per call: heroes are read while other creatives render, and
    on a busy 2-core machine a second, spinning inference thread made each reading about twice as slow.
    """

    def __init__(self, *, pixels: int = OCR_PIXELS, threads: int = OCR_THREADS) -> None:
        self.pixels = pixels
        self.threads = threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        # onnxruntime (1.29 on) sends usage telemetry from Linux and keeps a device id under ~/.cache unless this
        # is set before it is first imported; nothing here may reach the network. An operator's own value stays.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        try:
            import onnxruntime
            import rapidocr
        except ImportError as exc:
            raise OcrUnavailable(f"rapidocr or onnxruntime cannot be imported ({exc})") from exc
        onnxruntime.disable_telemetry_events()  # in case something imported onnxruntime before us
        models = Path(str(files("rapidocr") / "models"))
        params = {
            "Global.log_level": "critical",
            "Global.use_cls": False,  # heroes are upright; the angle classifier only costs time
            "Det.model_path": str(_wheel_model(models, "det")),
            "Rec.model_path": str(_wheel_model(models, "rec")),
            "Det.limit_type": "max",  # never upscale the shrunk hero back (the default raises the short side)
            "Det.limit_side_len": 4096,
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
        }
        try:
            return rapidocr.RapidOCR(params=params)
        except (ImportError, OSError) as exc:
            raise OcrUnavailable(f"rapidocr could not start ({exc})") from exc

    def read(self, image: Image.Image) -> list[Reading]:
        rgb = image.convert("RGB")
        scale = min(1.0, (self.pixels / (rgb.width * rgb.height)) ** 0.5)
        if scale < 1.0:
            size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
            rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        bgr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        with self._lock:
            if self._engine is None:
                self._engine = self._load()
            try:
                found = self._engine(bgr)
            except Exception as exc:  # the OCR runtime's own errors: this check warns, it never ends a run
                raise OcrUnavailable(f"OCR failed on this hero ({type(exc).__name__}: {exc})") from exc
        boxes, texts, scores = (
            getattr(found, "boxes", None),
            getattr(found, "txts", None),
            getattr(found, "scores", None),
        )
        if boxes is None or texts is None or scores is None:
            return []
        readings = []
        width, height = image.size
        for quad, text, score in zip(boxes, texts, scores, strict=True):
            xs = np.clip(np.asarray(quad, dtype=np.float64)[:, 0] / scale, 0, width)
            ys = np.clip(np.asarray(quad, dtype=np.float64)[:, 1] / scale, 0, height)
            box = (int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max())))
            readings.append(Reading(str(text), round(float(score), 3), box))
        return readings


_shared_lock = threading.RLock()
_shared_reader: RapidOcrReader | None = None


def shared_reader() -> RapidOcrReader:
    """The process's one OCR engine, made on first use (its models load on its first reading, not at import)."""
    global _shared_reader
    with _shared_lock:
        if _shared_reader is None:
            _shared_reader = RapidOcrReader()
        return _shared_reader


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


class PaintedTextCheck:
    """Reads a hero picture and warns when it carries text; run it on the hero, never on a finished creative."""

    name = NAME

    def __init__(
        self,
        *,
        reader: TextReader | None = None,
        min_confidence: float = MIN_CONFIDENCE,
        min_height: float = MIN_HEIGHT,
        min_chars: int = MIN_CHARS,
    ) -> None:
        self.reader = reader if reader is not None else shared_reader()
        self.min_confidence = min_confidence
        self.min_height = min_height
        self.min_chars = min_chars

    def counts(self, reading: Reading, size: tuple[int, int]) -> bool:
        """Whether a reading is painted text rather than texture: confident, tall enough, a word not a glyph,
        and a line rather than the whole frame (the detector's answer when it cannot localise anything)."""
        left, top, right, bottom = reading.box
        whole_frame = right - left >= MAX_FRAME * size[0] and bottom - top >= MAX_FRAME * size[1]
        return (
            reading.confidence >= self.min_confidence
            and reading.height >= self.min_height * min(size)
            and sum(ch.isalnum() for ch in reading.text) >= self.min_chars
            and not whole_frame
        )

    def run(self, image: Image.Image) -> CheckResult:
        started = time.perf_counter()
        try:
            readings = self.reader.read(image)
        except OcrUnavailable as exc:
            return CheckResult(
                self.name,
                "warn",
                f"painted-text OCR is unavailable: {exc}; the hero was not checked for painted text",
                {"available": False, "regions": 0},
            )
        ocr_ms = round((time.perf_counter() - started) * 1000, 1)
        kept = [r for r in readings if self.counts(r, image.size)]
        ignored = [r for r in readings if not self.counts(r, image.size)]
        measured: dict[str, Any] = {
            "available": True,
            "regions": len(kept),
            "texts": [_shown(r.text) for r in kept[:SHOWN_TEXTS]],
            "boxes": [list(r.box) for r in kept[:SHOWN_TEXTS]],
            "confidences": [r.confidence for r in kept[:SHOWN_TEXTS]],
            "max_confidence": max((r.confidence for r in kept), default=0.0),
            "ignored": len(ignored),
            "ignored_max_confidence": max((r.confidence for r in ignored), default=0.0),
            "min_confidence": self.min_confidence,
            "min_height_px": round(self.min_height * min(image.size), 1),
            "ocr_ms": ocr_ms,
        }
        if kept:
            quoted = ", ".join(f'"{_shown(r.text)}" ({r.confidence:.2f})' for r in kept[:SHOWN_TEXTS])
            more = f" and {len(kept) - SHOWN_TEXTS} more" if len(kept) > SHOWN_TEXTS else ""
            return CheckResult(
                self.name,
                "warn",
                f"the hero has text painted into it: {quoted}{more}; it may clash with the copy "
                "(regenerate the hero, or ask the prompt for no text or lettering)",
                measured,
            )
        note = f" ({len(ignored)} faint, tiny, one-glyph or whole-frame readings ignored)" if ignored else ""
        return CheckResult(self.name, "pass", f"no painted text found in the hero{note}", measured)


class HeroTextMemo:
    """A small, thread-safe LRU of painted-text results by hero sha256: each hero is read once.

    Two threads asking for the same hero at once wait for one reading instead of both running the OCR.
    """

    def __init__(self, check: PaintedTextCheck, *, size: int = 64) -> None:
        self.check = check
        self.size = size
        self._done: OrderedDict[str, CheckResult] = OrderedDict()
        self._reading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _cached(self, sha256: str) -> CheckResult | None:
        result = self._done.get(sha256)
        if result is not None:
            self._done.move_to_end(sha256)
        return result

    def get(self, sha256: str, load: Callable[[], Image.Image]) -> CheckResult:
        with self._lock:
            result = self._cached(sha256)
            if result is not None:
                return result
            hero_lock = self._reading.setdefault(sha256, threading.Lock())
        with hero_lock:
            with self._lock:
                result = self._cached(sha256)
            if result is not None:
                return result
            try:
                result = self.check.run(load())
                with self._lock:
                    self._done[sha256] = result
                    while len(self._done) > self.size:
                        self._done.popitem(last=False)
            finally:
                with self._lock:
                    self._reading.pop(sha256, None)
        return result


def applies_to(*, source: str, provider: str) -> bool:
    """Whether a hero is an image model's picture, the kind this check reads (providers say so with
    ``ImageProvider.generative``; a provider no longer registered is read, to be safe)."""
    if source not in HERO_SOURCES:
        return False
    from creative_ai.errors import ProviderError
    from creative_ai.providers import load_provider_class

    try:
        return load_provider_class(provider).generative
    except ProviderError:
        return True


def skipped(*, source: str, provider: str) -> CheckResult:
    """The result of a creative whose hero this check does not read (see :func:`applies_to`), saying why."""
    if source not in HERO_SOURCES:
        why = "the hero is the brand's own packshot"
    else:
        why = f"the hero is drawn by the {provider} provider"
    return CheckResult(NAME, "skipped", f"{why}, not an image model's picture: it is not read for painted text")
