"""Each creative's stable identity on the ad platforms: its ``ad_name``.

``<campaign>_<product>_<locale>_<ratio>_<first 8 hex of the creative's sha256>``: readable, unique within the
tool, the same on every rerun while the creative's bytes are unchanged, and a new name (a new version, linked to
the one before) when they change. Only letters, digits, ``-``, ``_`` and ``.`` (the slugs' own characters), so it
survives every platform's name field and a URL's ``utm_content`` unescaped.
"""

from __future__ import annotations

from typing import Protocol

HASH_CHARS = 8


class Versioned(Protocol):
    """What a stored creative's record says of its identity (a ``CreativeRecord`` has these)."""

    sha256: str
    version: int
    ad_name: str
    previous_ad_name: str | None


def ad_name(*, campaign_id: str, product_id: str, locale: str, aspect_ratio: str, sha256: str) -> str:
    """The ad name of the creative with these bytes (``sha256``, hex) for this campaign, product, locale, ratio."""
    return f"{campaign_id}_{product_id}_{locale}_{aspect_ratio}_{sha256[:HASH_CHARS]}"


def next_version(*, sha256: str, before: Versioned | None) -> tuple[int, str | None]:
    """The version of a creative now made with ``sha256`` and the ad name of the version it replaces, given the
    sidecar stored before it (None: there was none). The same bytes keep their version and link; new bytes are the
    next version, linked to the one they replace."""
    if before is None:
        return 1, None
    if before.sha256 == sha256:
        return before.version, before.previous_ad_name
    return before.version + 1, before.ad_name
