"""Checks: small classes with a name, a phase and a result.

``copy`` checks run on the words before any generation, ``image`` checks on a rendered creative; the suite
(:mod:`creative_ai.checks.suite`) is what a run is given.
"""

from __future__ import annotations

from creative_ai.checks.base import BLOCKING, CheckResult, ImageCheck, ImageContext, Phase, Status, overall

__all__ = ["BLOCKING", "CheckResult", "ImageCheck", "ImageContext", "Phase", "Status", "overall"]
