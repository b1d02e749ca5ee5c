"""``creative-ai report``: a campaign's compliance report (every check of every creative, its defects, its score,
or what refused it)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from creative_ai.cli.app import app, handles_errors, write_text


class Format(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"


@app.command()
@handles_errors
def report(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    fmt: Annotated[Format, typer.Option("--format", help="json, csv or html.")] = Format.json,
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print a campaign's compliance report: checks per creative, counts per check, the compliance score (checks
    passed of those that applied), each defect (a failing or warning check, with its evidence), and for a refused
    campaign the prohibited terms that refused it (in HTML with a small picture of each creative)."""
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.facts import compliance

    settings = get_settings()
    repo = Repository.open(settings.database_url)
    found = compliance.report(repo, campaign)
    pictures = None
    if fmt is Format.html:  # each creative's picture, embedded: the page shows them wherever it is read
        from creative_ai.report.thumbnails import thumbnails
        from creative_ai.storage import recorded_store

        pictures = thumbnails(campaign, found["variants"], store_at=lambda root: recorded_store(root, settings))
    text = compliance.render(found, fmt.value, thumbnails=pictures)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text(output, text)
