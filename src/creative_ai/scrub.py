"""Keep secrets out of text shown to people and models: configured secret values and key-shaped tokens."""

from __future__ import annotations

import re

from creative_ai.config import Settings

PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"EAA[A-Za-z0-9]{20,}"),  # a Meta access token
    re.compile(r"cai_[A-Za-z0-9_\-]{20,}"),  # a person's token
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)(api[_-]?key|token|password|secret|access_token)=([^&\s]+)"),
]


def secret_values(settings: Settings) -> list[str]:
    values = [
        settings.openai_api_key,
        settings.gemini_api_key,
        settings.api_key,
        settings.mcp_token,
        settings.smtp_password,
        settings.slack_webhook_url,
        settings.meta_access_token,
    ]
    return [v.get_secret_value() for v in values if v is not None and len(v.get_secret_value()) >= 4]


def scrub(text: str, settings: Settings) -> str:
    """``text`` with every configured secret and key-like token replaced by ``[redacted]``."""
    for value in secret_values(settings):
        text = text.replace(value, "[redacted]")
    for pattern in PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text
