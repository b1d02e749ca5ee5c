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
    fallback: int = 0  # heroes a provider after the chain's first made (or had made in an earlier run)
    placeholders: int = 0  # of those, offline art standing in for an image model's picture
    refused: str | None = None  # a vendor refused the key: no further paid call is made this run
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        *,
        generated: int = 0,
        reused: int = 0,
        calls: int = 0,
        cost: float = 0.0,
        fallback: int = 0,
        placeholders: int = 0,
    ) -> None:
        with self._lock:
            self.fallback += fallback
            self.placeholders += placeholders
            self.generated += generated
            self.reused += reused
            self.provider_calls += calls
            self.cost_usd += cost

    def refuse(self, reason: str) -> None:
        with self._lock:
            self.refused = self.refused or reason
