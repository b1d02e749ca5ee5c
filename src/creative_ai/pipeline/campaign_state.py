"""The campaign as published (stage 7): every variant of the brief's whole outline, whatever part of it a run made.

A variant the run made shows the run's outcome; one an earlier run made shows its stored sidecar (one that failed
without a creative, its database row); one never made is left out of the outcomes and counted as not made yet, so
the campaign cannot be ``succeeded`` while part of its brief was never made. Creatives of variants the brief no
longer has (a product, locale or ratio dropped since) are deleted with their sidecars and database rows.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from creative_ai.brief import CampaignBrief
from creative_ai.db.repository import Repository
from creative_ai.db.tables import Variant
from creative_ai.pipeline.keys import EXTENSIONS, creative_key
from creative_ai.pipeline.plan import Outline, VariantPlan, outline
from creative_ai.pipeline.variant import outcome_of, read_sidecar
from creative_ai.records import CreativeRecord, RunStatus, RunSummary, VariantOutcome, overall_status
from creative_ai.report.manifest import NOT_MADE
from creative_ai.storage import Store, layout

Key = tuple[str, str, str]  # product id, locale, ratio
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")  # a product id, locale or ratio: one safe path segment


@dataclass(frozen=True)
class CampaignState:
    """The whole campaign: ``outcomes`` and ``sidecars`` of every variant of ``grid`` made so far, in plan order."""

    grid: Outline
    outcomes: list[VariantOutcome]
    sidecars: list[CreativeRecord | None]
    status: RunStatus
    removed: list[str]  # product/locale/ratio of the creatives removed because the brief no longer has them

    @property
    def total(self) -> int:
        return len(self.grid.variants)

    @property
    def ok(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "ok")

    @property
    def not_made(self) -> int:
        return self.total - len(self.outcomes)


def key_of(variant: VariantPlan) -> Key:
    return variant.product.id, variant.locale, variant.placement.ratio


def failed_outcome(variant: VariantPlan, reason: str) -> VariantOutcome:
    return VariantOutcome(
        product_id=variant.product.id,
        locale=variant.locale,
        aspect_ratio=variant.placement.ratio,
        status="failed",
        reason=f"{variant.placement.ratio}/{variant.locale}: {reason}",
        file_path=None,
        reused=False,
        needs_translation=variant.copy.needs_translation,
        machine_translated=variant.copy.machine_translated,
    )


def stored_sidecar(store: Store, campaign_id: str, variant: VariantPlan) -> CreativeRecord | None:
    """The variant's stored sidecar (its key is the same whatever the creative's format), if intact."""
    return read_sidecar(store, layout.sidecar_key(creative_key(campaign_id, variant, "png")))


def whole_campaign(
    brief: CampaignBrief,
    made: Sequence[tuple[VariantOutcome, CreativeRecord | None]],
    *,
    store: Store,
    repo: Repository,
    display_root: str,
) -> CampaignState:
    """The whole campaign after a run that ``made`` some of its variants (outcome and sidecar); deletes the
    creatives of variants the brief no longer has."""
    grid = outline(brief)
    mine = {(o.product_id, o.locale, o.aspect_ratio): (o, s) for o, s in made}
    rows = {(r.product_id, r.locale, r.aspect_ratio): r for r in repo.variants(brief.campaign_id)}
    root = display_root.rstrip("/")
    found_outcomes: list[VariantOutcome] = []
    found_sidecars: list[CreativeRecord | None] = []
    for variant in grid.variants:
        key = key_of(variant)
        found = mine.get(key) or _stored(variant, rows.get(key), campaign_id=brief.campaign_id, store=store, root=root)
        if found is not None:
            found_outcomes.append(found[0])
            found_sidecars.append(found[1])
    ok = sum(1 for o in found_outcomes if o.status == "ok")
    removed = _remove_dropped(grid, rows, store=store, repo=repo)
    return CampaignState(grid, found_outcomes, found_sidecars, overall_status(ok, len(grid.variants)), removed)


def _stored(
    variant: VariantPlan, row: Variant | None, *, campaign_id: str, store: Store, root: str
) -> tuple[VariantOutcome, CreativeRecord | None] | None:
    """What earlier runs left of a variant in ``store``: its creative and sidecar, a recorded failure, or nothing."""
    sidecar = stored_sidecar(store, campaign_id, variant)
    if sidecar is not None and sidecar.format in EXTENSIONS:
        image = creative_key(campaign_id, variant, sidecar.format)
        if store.exists(image):
            shown = f"{root}/{image}", f"{root}/{layout.sidecar_key(image)}"
            return outcome_of(variant, sidecar, shown[0], rendered=False, sidecar_path=shown[1]), sidecar
    if row is None:
        return None
    if row.status == "failed":  # a failure leaves no creative behind: its row says why
        failed = failed_outcome(variant, "failed")
        return dataclasses.replace(
            failed, reason=row.reason or failed.reason, reused=row.reused, checks=list(row.checks or [])
        ), None
    if row.file_path and row.file_path.startswith(f"{root}/"):  # made in this store, gone since
        return failed_outcome(variant, "its stored creative or sidecar is missing"), None
    return None  # made in another output folder: not made in this one


def _published(store: Store, campaign_id: str) -> set[Key]:
    """The variants the stored manifest lists as made (ok or failed)."""
    key = layout.manifest_key(campaign_id)
    if not store.exists(key):
        return set()
    try:
        entries = json.loads(store.read(key))["variants"]
        return {(e["product_id"], e["locale"], e["aspect_ratio"]) for e in entries if e.get("status") != NOT_MADE}
    except (ValueError, KeyError, TypeError, AttributeError):  # a damaged manifest names nothing
        return set()


def _remove_dropped(grid: Outline, rows: Mapping[Key, Variant], *, store: Store, repo: Repository) -> list[str]:
    """Delete the creatives, sidecars and rows of the variants recorded or published that ``grid`` no longer has
    (and the rows of products its brief dropped); returns them as ``product/locale/ratio``, sorted. Only keys built
    from safe names are touched."""
    campaign_id = grid.brief.campaign_id
    wanted = {key_of(v) for v in grid.variants}
    known = set(rows) | _published(store, campaign_id)
    gone = sorted(
        k for k in known - wanted if all(isinstance(p, str) and _NAME.fullmatch(p) and ".." not in p for p in k)
    )
    for product_id, locale, ratio in gone:
        stem = layout.stem(product_id=product_id, ratio=ratio, locale=locale)
        for ext in (*dict.fromkeys(EXTENSIONS.values()), "json"):  # the creative in any format, and its sidecar
            store.delete(
                layout.creative_key(campaign_id=campaign_id, product_id=product_id, ratio=ratio, stem=stem, ext=ext)
            )
    dropped = {p.product_id for p in repo.products(campaign_id)} - {p.id for p in grid.brief.products}
    if gone or dropped:
        repo.delete_variants(campaign_id, gone, products=dropped)
    return ["/".join(k) for k in gone]


def with_campaign(summary: RunSummary, state: CampaignState | None) -> RunSummary:
    """``summary`` (of one run) with the totals of the whole campaign it published (unchanged when it did not)."""
    if state is None:
        return summary
    return dataclasses.replace(
        summary,
        campaign_status=state.status,
        campaign_variants_total=state.total,
        campaign_variants_ok=state.ok,
        campaign_variants_not_made=state.not_made,
        removed=state.removed,
    )
