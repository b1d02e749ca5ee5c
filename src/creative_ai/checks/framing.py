"""Framing: the product is in the creative, measured on its final pixels.

The subject's box (where the product was found, mapped into the creative) must lie inside the frame and must not
be covered by what was painted on top of the picture (scrim, headline, CTA, logo): the pixels inside it are
compared with the framed picture before any overlay. A creative that keeps less than 85% of its product visible
fails; for a generated scene, whose salient part may not be the product, it warns.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.placements import Box

MIN_VISIBLE = 0.85
CHANGED = 40  # a pixel counts as covered when an overlay moved one of its channels by more than this


def _area(box: Box) -> int:
    return max(0, box.width) * max(0, box.height)


def _clip(box: Box, width: int, height: int) -> Box:
    return Box(max(0, box.left), max(0, box.top), min(width, box.right), min(height, box.bottom))


def covered_share(ctx: ImageContext, inside: Box) -> float:
    """The share of ``inside`` whose pixels an overlay changed, measured at the size of the pre-overlay thumbnail."""
    scale = ctx.base.width / ctx.image.width
    small = ctx.image.resize(ctx.base.size, Image.Resampling.BOX) if scale < 1 else ctx.image
    left, top = int(inside.left * scale), int(inside.top * scale)
    right, bottom = max(left + 1, round(inside.right * scale)), max(top + 1, round(inside.bottom * scale))
    before = np.asarray(ctx.base.convert("RGB"), dtype=np.int16)[top:bottom, left:right]
    after = np.asarray(small.convert("RGB"), dtype=np.int16)[top:bottom, left:right]
    if before.size == 0:
        return 0.0
    changed = np.abs(after - before).max(axis=2) > CHANGED
    return float(changed.mean())


def _overlaps(ctx: ImageContext, box: Box) -> list[str]:
    named = {"headline": ctx.text_box, "text block": ctx.block_box, "logo": ctx.logo_box}
    return [name for name, other in named.items() if other is not None and _area(_intersect(box, other)) > 0]


def _intersect(a: Box, b: Box) -> Box:
    return Box(max(a.left, b.left), max(a.top, b.top), min(a.right, b.right), min(a.bottom, b.bottom))


class FramingCheck(ImageCheck):
    name = "framing"

    def __init__(self, min_visible: float = MIN_VISIBLE) -> None:
        self.min_visible = min_visible

    def run(self, ctx: ImageContext) -> CheckResult:
        box = ctx.product_box
        if box is None:
            note = ctx.subject_note or "no distinct subject in the picture"
            return CheckResult(self.name, "pass", f"{note}; nothing to keep in frame", {"product_box": None})
        width, height = ctx.image.size
        inside = _clip(box, width, height)
        in_frame = _area(inside) / max(1, _area(box))
        covered = covered_share(ctx, inside) if _area(inside) else 0.0
        visible = in_frame * (1 - covered)
        tall = box.height >= box.width
        share = box.height / height if tall else box.width / width
        measured = {
            "product_box": list(box.as_tuple()),
            "product_share": round(share, 3),
            "product_share_axis": "height" if tall else "width",
            "in_frame_share": round(in_frame, 3),
            "covered_share": round(covered, 3),
            "visible_share": round(visible, 3),
            "min_visible_share": self.min_visible,
        }
        if visible >= self.min_visible:
            axis = "height" if tall else "width"
            evidence = f"{visible:.0%} of the product is visible; it fills {share:.0%} of the frame's {axis}"
            return CheckResult(self.name, "pass", evidence, measured)
        reasons = []
        if in_frame < 1:
            reasons.append(f"{1 - in_frame:.0%} of it is outside the frame")
        if covered > 0:
            over = _overlaps(ctx, inside)
            reasons.append(f"{covered:.0%} of it is covered" + (f" ({', '.join(over)})" if over else " (scrim)"))
        evidence = f"only {visible:.0%} of the product is visible (needs {self.min_visible:.0%}): " + "; ".join(reasons)
        if ctx.generated_scene:  # the subject of an image model's scene may not be the product
            return CheckResult(self.name, "warn", evidence.replace("the product", "the scene's subject"), measured)
        return CheckResult(self.name, "fail", evidence, measured)
