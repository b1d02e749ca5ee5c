"""What every check shares: its result, what an image check sees, and the base class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from PIL import Image

from creative_ai.placements import Box, Placement
from creative_ai.render.color import RGB

Status = Literal["pass", "warn", "fail", "skipped"]  # skipped: the check does not apply (its evidence says why)
Verdict = Literal["pass", "warn", "fail"]  # what a creative's checks come to: a skipped check never makes it worse
Phase = Literal["copy", "image"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    evidence: str
    measured: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "evidence": self.evidence,
            "measured": self.measured,
        }


@dataclass(frozen=True)
class ImageContext:
    """What an image check sees: the final creative and where text and logo were put."""

    image: Image.Image
    placement: Placement
    text_box: Box
    block_box: Box
    text_mask: Image.Image
    text_color: RGB
    logo_box: Box | None
    expects_logo: bool
    base: Image.Image  # the framed picture before scrim, text, CTA and logo (a thumbnail is enough)
    palette: tuple[str, ...] = ()
    logo: Image.Image | None = None  # the brand logo the creative should carry (the logo check looks for it)
    product_box: Box | None = None  # the product (subject) in the creative's pixels; None: no distinct subject
    subject_note: str | None = None  # what the subject finder said when it found none
    generated_scene: bool = False  # the picture is an image model's scene: its subject may not be the product
    product_cut: frozenset[str] = frozenset()  # sides the photograph cuts the product by (top, bottom, left, right)
    terms_box: Box | None = None  # the terms line (a disclaimer) when one was set
    brand_pixels: Image.Image | None = None  # what the brand controls: its product's pixels or the generated picture
    brand_source: str = ""  # what those pixels are, for the evidence ("packshot product", "generated hero")
    terms_mask: Image.Image | None = None  # its glyph pixels, the size of terms_box


class ImageCheck(ABC):
    name: ClassVar[str]
    phase: ClassVar[Phase] = "image"

    @abstractmethod
    def run(self, ctx: ImageContext) -> CheckResult:
        """Measure the creative and judge it."""


BLOCKING = ("legal", "legibility", "logo_placement", "logo", "framing")


def overall(results: list[CheckResult]) -> Verdict:
    """The worst status of the checks that applied: fail, then warn, else pass (skipped ones are left out)."""
    statuses = {r.status for r in results}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
