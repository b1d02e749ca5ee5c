"""The check suite a run is given: the image checks, which of them block, and the painted-text memo.

One suite is made where a process composes its runs (the CLI's runtime, the API's, each job executor's) and is
passed down, so a hero read once by OCR is not read again by the next run that shares the suite; nothing is kept
at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from creative_ai.checks.base import BLOCKING, CheckResult, ImageCheck, ImageContext
from creative_ai.checks.brand_colors import BrandColorCheck
from creative_ai.checks.framing import FramingCheck
from creative_ai.checks.layout import LogoPlacementCheck
from creative_ai.checks.legibility import LegibilityCheck
from creative_ai.checks.logo_presence import LogoPresenceCheck
from creative_ai.checks.painted_text import HeroTextMemo, PaintedTextCheck, applies_to, skipped

if TYPE_CHECKING:
    from creative_ai.config import Settings


def image_checks(*, max_delta_e: float = 20.0, min_brand_share: float = 0.15) -> list[ImageCheck]:
    """The image checks every creative gets, in the order their results are listed."""
    return [
        LegibilityCheck(),
        FramingCheck(),
        LogoPlacementCheck(),
        LogoPresenceCheck(),
        BrandColorCheck(max_delta_e=max_delta_e, min_share=min_brand_share),
    ]


def _memo() -> HeroTextMemo:
    return HeroTextMemo(PaintedTextCheck())


@dataclass
class CheckSuite:
    """What judges a rendered creative. ``blocking`` names the checks whose failure fails the creative."""

    image: Sequence[ImageCheck] = field(default_factory=image_checks)
    blocking: frozenset[str] = frozenset(BLOCKING)
    painted_text: HeroTextMemo = field(default_factory=_memo)

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckSuite:
        return cls(
            image=image_checks(max_delta_e=settings.brand_max_delta_e, min_brand_share=settings.brand_min_share),
            blocking=frozenset(settings.blocking_checks),
        )

    def run(
        self,
        ctx: ImageContext,
        *,
        copy_results: Sequence[CheckResult],
        hero: tuple[str, str, str],
        load_hero: Callable[[], Image.Image],
    ) -> list[CheckResult]:
        """Copy results, then each image check, then the hero's painted-text reading.

        ``hero`` is (source, provider, sha256): an image model's hero is read once per suite by sha256, before any
        overlay, and every creative cut from it carries the result; it only warns. Any other hero is skipped.
        """
        results = [*copy_results, *(check.run(ctx) for check in self.image)]
        source, provider, sha256 = hero
        if applies_to(source=source, provider=provider):
            results.append(self.painted_text.get(sha256, load_hero))
        else:
            results.append(skipped(source=source, provider=provider))
        return results

    def failed(self, results: Sequence[CheckResult]) -> list[CheckResult]:
        """The failed results that fail the creative (a failed non-blocking check is recorded, not blocking)."""
        return [r for r in results if r.status == "fail" and r.name in self.blocking]
