"""``creative-ai export``: a campaign's creatives as an ad platform's bulk-upload package."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors


class PlatformName(StrEnum):
    meta = "meta"
    tiktok = "tiktok"
    google = "google"


@app.command()
@handles_errors
def export(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    platform: Annotated[PlatformName, typer.Option("--for", help="meta, tiktok or google.")],
    approved_only: Annotated[
        bool, typer.Option("--approved-only", help="Only creatives approved in review for their current bytes.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", help="A new folder for the package (default: under the output folder).")
    ] = None,
) -> None:
    """Write the platform's bulk-upload package: the images at the sizes and formats it takes, and the sheet with
    its column headers (ad name, copy, call to action, destination URL with UTMs that carry the ad name, image file,
    placement). Creatives that failed a check are never exported."""
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.export.campaign import default_out_dir, export_campaign
    from creative_ai.storage import recorded_store

    settings = get_settings()
    repo = Repository.open(settings.database_url)
    out_dir = output or default_out_dir(settings.output_dir, campaign, platform.value)
    done = export_campaign(
        repo,
        campaign,
        platform=platform.value,
        out_dir=out_dir,
        approved_only=approved_only,
        store_at=lambda root: recorded_store(root, settings),
    )
    package = done.package
    typer.echo(f"wrote {len(package.image_paths)} images and {len(package.sheet_paths)} sheets to {done.out_dir}")
    for path in package.sheet_paths:
        typer.echo(f"  {path}")
    for label, reason in done.left_out:
        typer.echo(f"not exported: {label}: {reason}", err=True)
    for name, reason in package.skipped:
        typer.echo(f"not exported: {name}: {reason}", err=True)
    for note in package.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(package.readme_line)
