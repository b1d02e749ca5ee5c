"""Why provider calls and heroes fail: a cause from an error's type and text, and what to do about each cause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from creative_ai.db import tables as t
from creative_ai.facts import models as m

ACCESS_OUTCOMES = {"ProviderAuthError": "auth_or_licence", "RateLimited": "quota"}
ACCESS_WORDS = {
    "auth_or_licence": ("401", "403", "unauthor", "forbidden", "api key", "licen", "permission", "not provisioned"),
    "quota": ("429", "quota", "rate limit", "billing", "insufficient"),
    "outage": ("500", "502", "503", "504", "timeout", "timed out", "unavailable", "connection"),
    "refused_content": ("refus", "safety", "policy", "blocked"),
}
# What to do, in the words of the people who read alerts and e-mails: no setting, variable or command names.
ADVICE: dict[str, str] = {
    "auth_or_licence": "The image provider is refusing our account: whoever manages the provider account should "
    "confirm its access key, its access to the image model and its licence.",
    "quota": "The image provider is limiting how much we may generate: raise the account's quota, or let the work "
    "go on more slowly.",
    "outage": "The image provider is failing or unreachable: try again later, or switch to another provider.",
    "refused_content": "The image provider refused the request: reword the product description or the message.",
    "bad_input": "The brief or one of its files is not usable (the error names the field): fix it, then run again.",
    "render": "The copy does not fit its creative or a font lacks some letters: shorten the message or add a font "
    "for the language.",
    "none": "No errors recorded for this campaign.",
    "unknown": "No known pattern matched the errors: the operators will look into them.",
}
# The same causes in plain words, for a sentence such as "The likely cause is ...".
PLAIN: dict[str, str] = {
    "auth_or_licence": "the image provider refusing our account (access key or licence)",
    "quota": "the image provider's usage limit",
    "outage": "the image provider failing or being unreachable",
    "refused_content": "the image provider refusing the content",
    "bad_input": "a problem in the brief or its files",
    "render": "copy that does not fit, or a missing font",
    "none": "nothing recorded",
    "unknown": "not known yet",
}
# Engineering detail for the operators who run the service: the "Operator notes" of an alert, never an e-mail.
OPERATOR_NOTES: dict[str, str] = {
    "auth_or_licence": "Check OPENAI_API_KEY / GEMINI_API_KEY, the organisation's access to the image model and "
    "its licence; `creative-ai providers` shows what is configured.",
    "quota": "Raise the provider quota or lower CREATIVE_AI_CONCURRENCY; retries honour Retry-After "
    "(CREATIVE_AI_MAX_ATTEMPTS).",
    "outage": "Retry later or put a fallback provider in the chain (`--provider openai,local`).",
    "refused_content": "Read the refusal in the recent errors; reword the product description or message.",
    "bad_input": "The error names the brief's field; fix it, then rerun.",
    "render": "Shorten the message or add a font for the script (fonts/).",
    "none": "No errors recorded.",
    "unknown": "Read the recent errors (`get_recent_errors`); no known pattern matched.",
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


def final_failures(generations: Sequence[t.Generation], errors: Sequence[t.Error]) -> tuple[list[Any], list[Any]]:
    """The failures of one stretch of work, each counted once: a provider call's final failure (not its retried
    attempts), and the errors of products whose provider calls did not fail (a product's hero and render errors
    after its call failed are that same failure). The alert, the root cause and the drafts all count these."""
    calls = [g for g in generations if g.outcome != "ok" and not g.outcome.startswith("retry:")]
    failed_products = {g.product_id for g in calls}
    return calls, [e for e in errors if e.product_id not in failed_products]


def error_cause(error: t.Error) -> m.Cause:
    """The likely cause of a recorded error that is not a provider call's."""
    if error.stage == "render" and "hero" not in error.message:
        return "render"
    if error.stage in ("render", "hero"):
        return classify("", error.message)
    return "bad_input"
