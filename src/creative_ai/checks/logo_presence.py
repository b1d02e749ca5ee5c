"""Logo presence and visibility: the brand logo's pixels are in the final creative (scale-tolerant; see
``logo_match``), and where it was found it stands out from its surround by at least 3:1 (WCAG 1.4.11 non-text
contrast, measured on the final pixels: the logo's opaque pixels against its clear parts and a ring around it).

The box the renderer reports is not trusted: it is only where the search starts, and it is compared with where the
logo was found.
"""

from __future__ import annotations

from PIL import Image

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.checks.logo_match import DEFAULT_THRESHOLD, find_logo, iou
from creative_ai.placements import Box
from creative_ai.render.measure import NON_TEXT_AA, logo_box_for, mark_contrast


class LogoPresenceCheck(ImageCheck):
    """The brand logo is in the final pixels (scale-tolerant); where it was found is compared with the reported box."""

    name = "logo"

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold {threshold} is outside (0, 1]: it is a correlation coefficient")
        self.threshold = threshold

    def run(self, ctx: ImageContext) -> CheckResult:
        if ctx.logo is None:
            if ctx.expects_logo:
                return CheckResult(
                    self.name, "warn", "the brand logo is expected but the check was not given its image to look for"
                )
            return CheckResult(self.name, "skipped", "no logo: the brief names none (brand.logo)")
        expected = logo_box_for(ctx.logo.size, ctx.placement)  # where the renderer puts it, at scale 1
        try:
            match = find_logo(
                ctx.image, ctx.logo, height=expected.height, near=ctx.logo_box or expected, threshold=self.threshold
            )
        except ValueError as exc:  # a logo with nothing opaque in it
            return CheckResult(self.name, "fail", f"the brand logo cannot be looked for: {exc}")
        score = round(match.score, 3) if match else 0.0
        measured: dict[str, object] = {"score": score, "threshold": self.threshold}
        if match is not None:
            measured |= {
                "scale": round(match.scale, 3),
                "found_box": list(match.box.as_tuple()),
                "correlation": round(match.correlation or 0.0, 3),  # score = sqrt(correlation * edge agreement)
                "edge_agreement": round(match.edge_agreement or 0.0, 3),
                "colour_agreement": round(match.colour_agreement or 0.0, 3),
            }
        if ctx.logo_box is not None:
            measured["reported_box"] = list(ctx.logo_box.as_tuple())
        if match is None or match.score < self.threshold:
            evidence = (
                f"the brand logo is not in the creative: the best match scores {score}, below the threshold "
                f"{self.threshold}"
            )
            return CheckResult(self.name, "fail", evidence, measured)
        if ctx.logo_box is not None:
            measured["iou_with_reported_box"] = round(iou(match.box, ctx.logo_box), 3)
        seen = _visibility(ctx, match.box)
        if ctx.logo_box is not None and iou(match.box, ctx.logo_box) >= 0.3:
            # A wide logo can match a little off its true box; where the renderer says it is, and the pixels agree
            # that it is there, its footprint is exact.
            seen = max(seen, _visibility(ctx, ctx.logo_box))
        measured |= {"contrast": seen, "min_contrast": NON_TEXT_AA}
        if seen < NON_TEXT_AA:
            evidence = (
                f"the brand logo is there but hard to see: {seen}:1 against its surround, below {NON_TEXT_AA}:1 "
                "(give brand.logo_light / brand.logo_dark, or let the renderer set it on a plate)"
            )
            return CheckResult(self.name, "fail", evidence, measured)
        return CheckResult(
            self.name,
            "pass",
            f"logo found at {match.box.as_tuple()}, {match.scale:.2f}x the expected size, score {score}, "
            f"{seen}:1 against its surround",
            measured,
        )


def _visibility(ctx: ImageContext, found: Box) -> float:
    assert ctx.logo is not None
    mark = ctx.logo.convert("RGBA").resize((found.width, found.height), Image.Resampling.LANCZOS)
    return mark_contrast(ctx.image, mark, found, ring=max(4, found.height // 4))
