"""The core: ``run_campaign`` and ``publish_campaign``, one named call per numbered stage (SPEC §3)."""

from __future__ import annotations

from creative_ai.pipeline.run import publish_campaign, run_campaign

__all__ = ["publish_campaign", "run_campaign"]
