"""Where a brief's ads lead: the landing URL and the UTM parameters an export adds to it."""

from __future__ import annotations

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_id")


def landing_url(value: str | None) -> str | None:
    """An ad's destination: an absolute http(s) URL, at most 2,000 characters."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(value) > 2000
        or any(c.isspace() for c in value)
    ):
        raise ValueError(f"{value[:80]!r} is not an absolute http(s) URL (e.g. https://example.com/summer)")
    return value


def utm_parameters(value: dict[str, str]) -> dict[str, str]:
    for key, text in value.items():
        if key == "utm_content":
            raise ValueError("utm_content is set by the export to each creative's ad_name; leave it out")
        if key not in UTM_KEYS:
            raise ValueError(f"{key!r} is not a UTM parameter; use {', '.join(UTM_KEYS)}")
        if not text.strip() or len(text) > 200:
            raise ValueError(f"{key} must be 1 to 200 characters")
    return {k: v.strip() for k, v in value.items()}
