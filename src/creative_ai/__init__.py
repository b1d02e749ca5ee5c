"""creative-ai: campaign brief in, checked and localized social-ad creatives out.

The public names resolve on first use (PEP 562), so ``import creative_ai`` and the command line load only what
they touch: the pipeline, the database and the imaging libraries wait until something asks for them.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not typing's: importing typing alone would double the cost of ``import creative_ai``
if TYPE_CHECKING:
    from typing import Any

    from creative_ai import errors
    from creative_ai.brief import CampaignBrief, load_brief, parse_brief
    from creative_ai.config import Settings, get_settings
    from creative_ai.pipeline import run_campaign
    from creative_ai.providers import get_provider
    from creative_ai.records import RunSummary
    from creative_ai.runtime import Runtime

__all__ = [
    "CampaignBrief",
    "RunSummary",
    "Runtime",
    "Settings",
    "errors",
    "get_provider",
    "get_settings",
    "load_brief",
    "parse_brief",
    "run_campaign",
]
__version__ = "0.1.0"

_HOMES = {
    "CampaignBrief": "creative_ai.brief",
    "load_brief": "creative_ai.brief",
    "parse_brief": "creative_ai.brief",
    "Settings": "creative_ai.config",
    "get_settings": "creative_ai.config",
    "run_campaign": "creative_ai.pipeline",
    "get_provider": "creative_ai.providers",
    "RunSummary": "creative_ai.records",
    "Runtime": "creative_ai.runtime",
}


def __getattr__(name: str) -> Any:
    if name == "errors":
        return import_module("creative_ai.errors")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'creative_ai' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
