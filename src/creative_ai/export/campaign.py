"""A campaign's creatives as one ad platform's bulk-upload package: the selection (``collect``) written by
``package`` into a folder, with a README.txt saying how to import it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from creative_ai.errors import InputError
from creative_ai.export.collect import select_for_export
from creative_ai.export.package import PackageResult, write_package
from creative_ai.export.platforms import Platform
from creative_ai.storage import Store

if TYPE_CHECKING:
    from creative_ai.db.repository import Repository

EXPORTS = "_exports"  # under the output folder, beside the campaigns


@dataclass(frozen=True)
class ExportOutcome:
    out_dir: Path
    package: PackageResult
    left_out: list[tuple[str, str]]  # creatives not exported (product/locale/ratio, why)


def default_out_dir(output_dir: Path, campaign_id: str, platform: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return output_dir / EXPORTS / f"{campaign_id}-{platform}-{stamp}"


def export_campaign(
    repo: Repository,
    campaign_id: str,
    *,
    platform: Platform,
    out_dir: Path,
    approved_only: bool,
    store_at: Callable[[str], Store],
) -> ExportOutcome:
    """Write ``campaign_id``'s exportable creatives as ``platform``'s package in ``out_dir`` (which must not hold
    anything yet); InputError when no creative can go."""
    chosen = select_for_export(repo, campaign_id, approved_only=approved_only, store_at=store_at)
    if not chosen.items:
        why = "; ".join(f"{label}: {reason}" for label, reason in chosen.left_out[:5]) or "it has no creatives"
        raise InputError(f"campaign {campaign_id!r} has no creative to export ({why})")
    left_out = [f"{label}: {reason}" for label, reason in chosen.left_out]
    package = write_package(chosen.items, platform=platform, out_dir=out_dir, left_out=left_out)
    return ExportOutcome(out_dir=out_dir, package=package, left_out=chosen.left_out)
