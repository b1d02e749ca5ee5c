"""Legibility: the headline's (and a terms line's) measured contrast against its final background, and the safe
zone."""

from __future__ import annotations

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.render.color import WCAG_AA
from creative_ai.render.measure import measured_contrast


class LegibilityCheck(ImageCheck):
    name = "legibility"

    def run(self, ctx: ImageContext) -> CheckResult:
        ratio = measured_contrast(ctx.image, ctx.text_mask, ctx.text_box, ctx.text_color)
        safe = ctx.placement.safe_box()
        inside = safe.contains(ctx.block_box)
        measured = {
            "contrast_ratio": ratio,
            "minimum": WCAG_AA,
            "text_box": list(ctx.block_box.as_tuple()),
            "safe_box": list(safe.as_tuple()),
            "text_in_safe_zone": inside,
        }
        problems = []
        if ratio < WCAG_AA:
            problems.append(f"text contrast {ratio}:1 is below {WCAG_AA}:1")
        if ctx.terms_box is not None and ctx.terms_mask is not None:  # the terms line must read as well
            terms = measured_contrast(ctx.image, ctx.terms_mask, ctx.terms_box, ctx.text_color)
            measured["terms_contrast_ratio"] = terms
            if terms < WCAG_AA:
                problems.append(f"terms line contrast {terms}:1 is below {WCAG_AA}:1")
        if not inside:
            problems.append(f"text block {ctx.block_box.as_tuple()} leaves the safe zone {safe.as_tuple()}")
        if problems:
            return CheckResult(self.name, "fail", "; ".join(problems), measured)
        return CheckResult(self.name, "pass", f"contrast {ratio}:1, text inside the safe zone", measured)
