"""Each creative's stable identity on the ad platforms: its ``ad_name``.

``<campaign>_<product>_<locale>_<ratio>_<first 8 hex of the creative's sha256>``: readable, unique within the
tool, the same on every rerun while the creative's bytes are unchanged, and a new name (a new version, linked to
the one before) when they change. Only letters, digits, ``-``, ``_`` and ``.`` (the slugs' own characters), so it
survives every platform's name field and a URL's ``utm_content`` unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


VariantKey = tuple[str, str, str]  # product id, locale, ratio


@dataclass(frozen=True)
class History:
    """The versions a campaign's creatives have had, as the database keeps them (``creative_versions``)."""

    known: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # ad name → (version, replaced ad name)
    newest: dict[VariantKey, int] = field(default_factory=dict)  # the highest version of each variant
    newest_name: dict[VariantKey, str] = field(default_factory=dict)  # the ad name of that version
    current: dict[VariantKey, str] = field(default_factory=dict)  # the ad name each variant has now

    def version_of(self, key: VariantKey, *, ad_name: str, before: Versioned | None) -> tuple[int, str | None]:
        """The version of the creative ``key`` now made with the bytes named ``ad_name``, and the ad name it
        replaces. Bytes it had before (changed back) keep the version and link they had; new bytes are the next
        version after the highest, linked to the creative they replace. ``before`` (the sidecar stored before) is
        used where the database has no record of the variant."""
        if ad_name in self.known:
            return self.known[ad_name]
        if before is not None and before.ad_name == ad_name:  # the same bytes made again
            return before.version, before.previous_ad_name
        top = max(self.newest.get(key, 0), before.version if before is not None else 0)
        # The creative it replaces: the variant's current one; after a failed run (no current one) its newest.
        replaced = (
            self.current.get(key) or self.newest_name.get(key) or (before.ad_name if before is not None else None)
        )
        return top + 1, None if replaced == ad_name else replaced
