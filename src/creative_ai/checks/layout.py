"""Logo placement: inside the safe zone, with clearspace of half its height from the text block."""

from __future__ import annotations

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.placements import Box


def _gap(a: Box, b: Box) -> int:
    """Pixels between two boxes (0 when they touch or overlap)."""
    dx = max(b.left - a.right, a.left - b.right, 0)
    dy = max(b.top - a.bottom, a.top - b.bottom, 0)
    return max(dx, dy)


class LogoPlacementCheck(ImageCheck):
    name = "logo_placement"

    def run(self, ctx: ImageContext) -> CheckResult:
        if ctx.logo_box is None:
            if ctx.expects_logo:
                return CheckResult(self.name, "fail", "the brand logo was expected but is not on the creative")
            return CheckResult(self.name, "skipped", "no logo: the brief names none (brand.logo)")
        safe = ctx.placement.safe_box()
        clearspace = ctx.logo_box.height // 2
        gap = _gap(ctx.logo_box, ctx.block_box)
        measured = {
            "logo_box": list(ctx.logo_box.as_tuple()),
            "clearspace_px": gap,
            "clearspace_required_px": clearspace,
            "logo_in_safe_zone": safe.contains(ctx.logo_box),
        }
        problems = []
        if not safe.contains(ctx.logo_box):
            problems.append(f"logo {ctx.logo_box.as_tuple()} leaves the safe zone {safe.as_tuple()}")
        if gap < clearspace:
            problems.append(f"logo is {gap}px from the text; it needs {clearspace}px of clearspace")
        if problems:
            return CheckResult(self.name, "fail", "; ".join(problems), measured)
        return CheckResult(self.name, "pass", f"logo inside the safe zone with {gap}px clearspace", measured)
