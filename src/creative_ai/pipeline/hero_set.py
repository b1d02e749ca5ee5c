"""The heroes of a run as the later stages see them: one hero (decoded on first use), a product's set of heroes
with the subject found on each picture, and the run's generation counters."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from PIL import Image

from creative_ai.assets import InputImage
from creative_ai.render.subject import Subject, find_subject


@dataclass
class Hero:
    """A hero image; its pixels are decoded on first use (an unchanged rerun never needs them)."""

    load: Callable[[], Image.Image]
    sha256: str
    source: str  # "reused" | "generated"
    provider: str
    model: str
    seed: int | None

    @cached_property
    def image(self) -> Image.Image:
        return self.load()


@dataclass
class HeroSet:
    """The heroes of one product by size class, and why any could not be made."""

    packshot: InputImage | None = None
    by_class: dict[str, Hero] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict, repr=False)

    def subject_of(self, sha256: str, image: Image.Image, *, generated: bool) -> Subject:
        """The subject of one of this product's pictures, found once a run whatever the number of placements."""
        found = self.subjects.get(sha256)
        if found is None:
            found = self.subjects[sha256] = find_subject(image, generated=generated)
        return found

    def failure_for(self, size_class: str) -> str | None:
        if self.packshot is not None:
            return None
        return self.failures.get(size_class)


@dataclass
class HeroStats:
    generated: int = 0
    reused: int = 0
    provider_calls: int = 0
    cost_usd: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, generated: int = 0, reused: int = 0, calls: int = 0, cost: float = 0.0) -> None:
        with self._lock:
            self.generated += generated
            self.reused += reused
            self.provider_calls += calls
            self.cost_usd += cost
