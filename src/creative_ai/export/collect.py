"""Which creatives of a campaign go to an ad platform, with what they carry: only a creative that passed its checks
(``ok``), whose stored bytes are still the ones recorded, and with ``approved_only`` only one whose reviewer's
approval is for its current bytes. Every creative left out is listed with why."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from creative_ai.approvals import signoff_states
from creative_ai.errors import InputError, StorageError
from creative_ai.facts.select import variant_store_key
from creative_ai.records import CreativeRecord
from creative_ai.storage import Store, layout

if TYPE_CHECKING:
    from creative_ai.db.repository import Repository
    from creative_ai.export.package import ExportItem


@dataclass
class Selection:
    items: list[ExportItem] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (product/locale/ratio, why)


def select_for_export(
    repo: Repository, campaign_id: str, *, approved_only: bool, store_at: Callable[[str], Store]
) -> Selection:
    """The campaign's creatives ready to upload (see the module docstring). ``store_at(root)``: the store under
    the root a creative's ``file_path`` was recorded with."""
    from creative_ai.export.package import ExportItem

    campaign = repo.campaign(campaign_id)
    if campaign is None:
        raise InputError(f"no campaign {campaign_id!r} in the database; run its brief first (creative-ai run BRIEF)")
    brief: dict[str, Any] = dict(campaign.brief)
    landing = {p["id"]: p.get("landing_url") or brief.get("landing_url") for p in brief.get("products", [])}
    names = {p["id"]: p.get("name", p["id"]) for p in brief.get("products", [])}
    versions = {v.ad_name: v for v in repo.versions(campaign_id)}
    approvals = signoff_states(repo, campaign_id) if approved_only else {}
    stores: dict[str, Store] = {}
    chosen = Selection()
    for v in sorted(repo.variants(campaign_id), key=lambda v: (v.product_id, v.locale, v.aspect_ratio)):
        label = f"{v.product_id}/{v.locale}/{v.aspect_ratio}"
        if v.status != "ok":
            chosen.left_out.append((label, f"it failed: {v.reason or 'a check failed'}"))
            continue
        decision = approvals.get((v.product_id, v.locale, v.aspect_ratio))
        if approved_only and (decision is None or decision.decision != "approved"):
            if decision is not None and decision.decision == "rejected":
                why = f"rejected: {decision.comment}" if decision.comment else "rejected"
            else:
                waiting = ", ".join(decision.pending) if decision is not None else "review"
                why = f"not approved yet (waiting for {waiting})"
            chosen.left_out.append((label, f"{why} (--approved-only)"))
            continue
        key = variant_store_key(v)
        version = versions.get(v.ad_name or "")
        if key is None or v.file_path is None or version is None or not v.sha256:
            chosen.left_out.append((label, "no stored creative is recorded for it; run the brief again"))
            continue
        root = v.file_path.removesuffix(key).rstrip("/") or "."
        store = stores[root] if root in stores else stores.setdefault(root, store_at(root))
        try:
            data = store.read(key)
        except (StorageError, OSError):
            chosen.left_out.append((label, f"its file {v.file_path} is missing; run the brief again"))
            continue
        if hashlib.sha256(data).hexdigest() != v.sha256:
            chosen.left_out.append((label, f"its file {v.file_path} changed since it was made; run the brief again"))
            continue
        chosen.items.append(
            ExportItem(
                ad_name=version.ad_name,
                campaign_id=campaign_id,
                campaign_name=campaign.name,
                product_id=v.product_id,
                product_name=names.get(v.product_id, v.product_id),
                locale=v.locale,
                aspect_ratio=v.aspect_ratio,
                headline=version.message,
                cta=version.cta,
                terms=_terms(store, key),
                image=data,
                landing_url=landing.get(v.product_id),
                utm=dict(brief.get("utm", {})),
            )
        )
    return chosen


def _terms(store: Store, key: str) -> str | None:
    """The terms line set on the creative, as its sidecar records it."""
    try:
        sidecar = CreativeRecord.from_json(store.read(layout.sidecar_key(key)))
    except (StorageError, OSError):
        return None
    return sidecar.terms if sidecar else None
