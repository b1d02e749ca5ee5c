"""The read model: campaign facts (``Facts``), typed results (``models``) and the one compliance report
(``compliance``), read by the MCP tools, the agent, the review gallery and ``creative-ai report``."""

from __future__ import annotations

from creative_ai.facts import compliance, models
from creative_ai.facts.causes import ADVICE, classify
from creative_ai.facts.models import (
    AlertLine,
    AlertList,
    CampaignDetails,
    CampaignItem,
    CampaignList,
    CampaignVariants,
    Cause,
    ComplianceLine,
    ComplianceReport,
    DuplicatePair,
    ErrorLine,
    JobLine,
    ProductLine,
    ProductVariants,
    RecentErrors,
    Refusal,
    RefusalHit,
    RootCause,
    Submitted,
)
from creative_ai.facts.read import Facts
from creative_ai.facts.select import find_campaign, variant_store_key

__all__ = [
    "ADVICE",
    "AlertLine",
    "AlertList",
    "CampaignDetails",
    "CampaignItem",
    "CampaignList",
    "CampaignVariants",
    "Cause",
    "ComplianceLine",
    "ComplianceReport",
    "DuplicatePair",
    "ErrorLine",
    "Facts",
    "JobLine",
    "ProductLine",
    "ProductVariants",
    "RecentErrors",
    "Refusal",
    "RefusalHit",
    "RootCause",
    "Submitted",
    "classify",
    "compliance",
    "find_campaign",
    "models",
    "variant_store_key",
]
