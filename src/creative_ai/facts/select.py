"""Which campaign and which of its variants a fact is about: the lookups every read shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.errors import InputError
from creative_ai.storage import layout


def find_campaign(repo: Repository, campaign_id: str) -> t.Campaign:
    """The campaign, or an InputError naming the known ones."""
    campaign = repo.campaign(campaign_id)
    if campaign is None:
        known = ", ".join(c.id for c in repo.campaigns()[:20]) or "none yet"
        raise InputError(f"no campaign {campaign_id!r} (known: {known})")
    return campaign


def in_brief(campaign: t.Campaign) -> Callable[[t.Variant], bool]:
    """Whether a variant is one the campaign's current brief still asks for (older ratios and locales are not)."""
    brief: dict[str, Any] = dict(campaign.brief)
    ratios = {str(r).replace(":", "x") for r in brief.get("aspect_ratios", [])}
    locales = brief.get("locales") or [brief.get("locale")]
    wanted = {str(loc).lower() for loc in locales if loc}

    def asked(v: t.Variant) -> bool:
        return (not ratios or v.aspect_ratio in ratios) and (not wanted or v.locale.lower() in wanted)

    return asked


def current_variants(repo: Repository, campaign: t.Campaign) -> list[t.Variant]:
    """The campaign's variants that its current brief still asks for, in the repository's order."""
    asked = in_brief(campaign)
    return [v for v in repo.variants(campaign.id) if asked(v)]


def variant_store_key(v: t.Variant) -> str | None:
    """Where a variant's creative is in the store (its file name under campaign/product/ratio)."""
    if not v.file_path:
        return None
    return layout.recorded_creative_key(
        campaign_id=v.campaign_id, product_id=v.product_id, ratio=v.aspect_ratio, file_path=v.file_path
    )


def iso(moment: datetime | None) -> str | None:
    """UTC to the second with a ``Z`` (the database may hand back naive UTC datetimes)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def utc(moment: datetime) -> str:
    """``iso`` for a moment that is always there."""
    return iso(moment) or ""
