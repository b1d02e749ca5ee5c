"""Framing: the product is in the creative, measured on its final pixels.

The subject's box (where the product was found, mapped into the creative) must lie inside the frame, must not be
overlapped by the headline, the text block (CTA) or the logo, and must not be painted over (a scrim): its pixels are
compared with the framed picture before any overlay. A creative that keeps less than 85% of its product visible, or
whose copy or logo overlaps it, fails; for a generated scene, whose subject may not be the product, it warns. A
packshot on which no product was located warns (nothing was measured); a generated picture with no distinct subject
(brand art, a scene) has no product to keep, and the check is skipped. A product the photograph cuts (it reaches
the photo's edge) fails when that cut stands inside the creative rather than on its edge: it would end in mid-air.
"""

from __future__ import annotations

import numpy as np

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.placements import Box

MIN_VISIBLE = 0.85
CHANGED = 40  # a pixel counts as covered when an overlay moved one of its channels by more than this


def _area(box: Box) -> int:
    return max(0, box.width) * max(0, box.height)


def _clip(box: Box, width: int, height: int) -> Box:
    return Box(max(0, box.left), max(0, box.top), min(width, box.right), min(height, box.bottom))


def covered_share(ctx: ImageContext, inside: Box) -> float:
    """The share of ``inside`` whose pixels an overlay changed, measured at the size of the pre-overlay thumbnail
    (the final image reduced by the same integer factor, so both sample the same grid)."""
    factor = max(1, round(ctx.image.width / ctx.base.width))
    small = ctx.image.reduce(factor) if factor > 1 else ctx.image
    left, top = inside.left // factor, inside.top // factor
    right, bottom = max(left + 1, -(-inside.right // factor)), max(top + 1, -(-inside.bottom // factor))
    before = np.asarray(ctx.base.convert("RGB"), dtype=np.int16)[top:bottom, left:right]
    after = np.asarray(small.convert("RGB"), dtype=np.int16)[top:bottom, left:right]
    if before.size == 0 or before.shape != after.shape:
        return 0.0 if before.size == 0 else 1.0  # thumbnails that do not match cannot vouch for anything
    changed = np.abs(after - before).max(axis=2) > CHANGED
    return float(changed.mean())


def _overlaps(ctx: ImageContext, box: Box) -> list[str]:
    named = {"headline": ctx.text_box, "text block": ctx.block_box, "logo": ctx.logo_box}
    return [name for name, other in named.items() if other is not None and _area(_intersect(box, other)) > 0]


def _intersect(a: Box, b: Box) -> Box:
    return Box(max(a.left, b.left), max(a.top, b.top), min(a.right, b.right), min(a.bottom, b.bottom))


def _floating(box: Box, cut: frozenset[str], width: int, height: int, slack: int = 2) -> list[str]:
    """The sides the photograph cut the product by whose cut lies inside the creative instead of on its edge."""
    on_edge = {
        "top": box.top <= slack,
        "bottom": box.bottom >= height - slack,
        "left": box.left <= slack,
        "right": box.right >= width - slack,
    }
    return [side for side in ("top", "bottom", "left", "right") if side in cut and not on_edge[side]]


class FramingCheck(ImageCheck):
    name = "framing"

    def __init__(self, min_visible: float = MIN_VISIBLE) -> None:
        self.min_visible = min_visible

    def run(self, ctx: ImageContext) -> CheckResult:
        box = ctx.product_box
        if box is None:
            note = ctx.subject_note or "no distinct subject in the picture"
            if ctx.generated_scene:  # brand art or a scene: there is no product in it to keep
                return CheckResult(self.name, "skipped", f"{note}; nothing to keep in frame", {"product_box": None})
            evidence = f"{note}: the product was not located on the packshot, so its visibility was not measured"
            return CheckResult(self.name, "warn", evidence, {"product_box": None})
        width, height = ctx.image.size
        inside = _clip(box, width, height)
        in_frame = _area(inside) / max(1, _area(box))
        covered = covered_share(ctx, inside) if _area(inside) else 0.0
        over = _overlaps(ctx, inside) if _area(inside) else []
        floating = _floating(box, ctx.product_cut, width, height)
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
            "overlapped_by": over,
            "cut_by_photo": sorted(ctx.product_cut),
            "cut_edge_inside_frame": floating,
        }
        if visible >= self.min_visible and not over and not floating:
            axis = "height" if tall else "width"
            evidence = f"{visible:.0%} of the product is visible; it fills {share:.0%} of the frame's {axis}"
            return CheckResult(self.name, "pass", evidence, measured)
        reasons = []
        if in_frame < 1:
            reasons.append(f"{1 - in_frame:.0%} of it is outside the frame")
        if over:
            reasons.append(f"the {', '.join(over)} overlap{'s' if len(over) == 1 else ''} it")
        if covered > 0:
            reasons.append(f"{covered:.0%} of its pixels are painted over")
        if floating:
            sides = " and ".join(floating)
            reasons.append(f"the photo cuts it at its {sides}, and that cut stands inside the frame, not on its edge")
        evidence = f"{visible:.0%} of the product is visible (needs {self.min_visible:.0%}, uncovered): " + "; ".join(
            reasons
        )
        if ctx.generated_scene:  # the subject of an image model's scene may not be the product
            return CheckResult(self.name, "warn", evidence.replace("the product", "the scene's subject"), measured)
        return CheckResult(self.name, "fail", evidence, measured)
