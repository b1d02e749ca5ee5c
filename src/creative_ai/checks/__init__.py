"""Checks: small classes with a name, a phase and a result.

``copy`` checks run on the words before any generation, ``image`` checks on a rendered creative; the suite
(:mod:`creative_ai.checks.suite`) is what a run is given. A result is ``pass``, ``warn``, ``fail`` or ``skipped``:
a check that does not apply to a creative (no logo in the brief, no brand colours, no product in brand art, a hero
no image model made) is skipped, with evidence saying why, and is left out of the compliance score.
"""

from __future__ import annotations

from creative_ai.checks.base import (
    BLOCKING,
    CheckResult,
    ImageCheck,
    ImageContext,
    Phase,
    Status,
    Verdict,
    overall,
)

__all__ = ["BLOCKING", "CheckResult", "ImageCheck", "ImageContext", "Phase", "Status", "Verdict", "overall"]
