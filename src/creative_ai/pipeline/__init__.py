"""The core: ``run_campaign`` and ``publish_campaign``, one named call per numbered stage (SPEC §3):

1. plan (``plan``) · 2. heroes (``heroes``) · 3. keys (``keys``) · 4. outpaint (``outpaint``) ·
5. render, check and store (``render`` over ``variant``) · 6. record (``record``) · 7. publish (``publish``).
"""

from __future__ import annotations

from creative_ai.pipeline.publish import publish_campaign
from creative_ai.pipeline.run import run_campaign

__all__ = ["publish_campaign", "run_campaign"]
