"""What the render benchmarks share: one core, a median timer and a two-part test logo."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

RUNS = 9


def one_core() -> None:
    """Pin the process to one core and keep numeric libraries to one thread each."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def median_ms(func: Callable[[], object], runs: int = RUNS) -> float:
    func()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def paired_ms(first: Callable[[], object], second: Callable[[], object], runs: int = 15) -> tuple[float, float, float]:
    """Medians of ``first`` and ``second`` run alternately (so a busy moment of the machine hits both), and the
    median of their per-pair ratio."""
    first(), second()  # warm-up
    a, b = [], []
    for _ in range(runs):
        for func, samples in ((first, a), (second, b)):
            start = time.perf_counter()
            func()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b), statistics.median(x / y for x, y in zip(a, b, strict=True))


def sample_logo() -> Image.Image:
    logo = Image.new("RGBA", (600, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((10, 10, 150, 150), fill=(255, 255, 255, 255))
    draw.rectangle((180, 50, 580, 110), fill=(255, 255, 255, 255))
    return logo
