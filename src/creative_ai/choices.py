"""Closed sets of values shared by the settings, the pipeline and the command line (cheap to import)."""

from __future__ import annotations

from typing import Literal

ImageFormat = Literal["png", "jpg", "webp"]
HeroStrategy = Literal["per-orientation", "single"]
