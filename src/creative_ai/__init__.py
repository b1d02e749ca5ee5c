"""creative-ai: campaign brief in, checked and localized social-ad creatives out."""

from __future__ import annotations

from creative_ai import errors
from creative_ai.brief import CampaignBrief, load_brief, parse_brief
from creative_ai.config import Settings, get_settings
from creative_ai.pipeline import run_campaign
from creative_ai.providers import get_provider
from creative_ai.records import RunSummary

__all__ = [
    "CampaignBrief",
    "RunSummary",
    "Settings",
    "errors",
    "get_provider",
    "get_settings",
    "load_brief",
    "parse_brief",
    "run_campaign",
]
__version__ = "0.1.0"
