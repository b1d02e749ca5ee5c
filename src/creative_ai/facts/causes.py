"""Why provider calls and heroes fail: a cause from an error's type and text, and what to do about each cause."""

from __future__ import annotations

from creative_ai.facts import models as m

ACCESS_OUTCOMES = {"ProviderAuthError": "auth_or_licence", "RateLimited": "quota"}
ACCESS_WORDS = {
    "auth_or_licence": ("401", "403", "unauthor", "forbidden", "api key", "licen", "permission", "not provisioned"),
    "quota": ("429", "quota", "rate limit", "billing", "insufficient"),
    "outage": ("500", "502", "503", "504", "timeout", "timed out", "unavailable", "connection"),
    "refused_content": ("refus", "safety", "policy", "blocked"),
}
ADVICE: dict[str, str] = {
    "auth_or_licence": "Check the provider key, its organisation's access to the image model, and its licence.",
    "quota": "Raise the provider quota or lower CREATIVE_AI_CONCURRENCY; retries honour Retry-After.",
    "outage": "The provider is failing or unreachable; retry later or put a fallback provider in the chain.",
    "refused_content": "The provider refused the prompt; reword the product description or message.",
    "bad_input": "Fix the brief or its assets (the error names the field), then rerun.",
    "render": "Copy does not fit or a font lacks glyphs; shorten the message or add a font for the script.",
    "none": "No errors recorded for this campaign.",
    "unknown": "Read the recent errors; no known pattern matched.",
}


def classify(outcome: str, message: str) -> m.Cause:
    """The likely cause of one failed provider call or hero error, from its type and text."""
    if outcome in ACCESS_OUTCOMES:
        return ACCESS_OUTCOMES[outcome]  # type: ignore[return-value]
    if outcome == "ContentRefused":
        return "refused_content"
    text = f"{outcome} {message}".lower()
    for cause, words in ACCESS_WORDS.items():
        if any(word in text for word in words):
            return cause  # type: ignore[return-value]
    return "unknown"
