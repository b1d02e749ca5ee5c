"""``creative-ai results``: import the ad platforms' reports, pull Meta's Insights, and report what works."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creative_ai.cli.app import EXIT_FAILED, app, handles_errors, write_text

if TYPE_CHECKING:
    from creative_ai.config import Settings
    from creative_ai.db.repository import Repository
    from creative_ai.results.ingest import ImportSummary

results_app = typer.Typer(help="Results from the ad platforms, and what works.", no_args_is_help=True)
app.add_typer(results_app, name="results")


class SourceName(StrEnum):
    meta = "meta"
    tiktok = "tiktok"
    google = "google"
    generic = "generic"


class Format(StrEnum):
    table = "table"
    json = "json"
    html = "html"


def _print_summary(summary: ImportSummary, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        typer.echo(
            f"{summary.origin} ({summary.source}): {summary.rows} rows, {summary.matched} matched to creatives; "
            f"stored {summary.added} new, {summary.replaced} replaced, {summary.unchanged} unchanged"
        )
        from creative_ai.results.models import shown

        money = summary.currencies[0] if len(summary.currencies) == 1 else "" if not summary.currencies else None
        for label, t in (("file totals", summary.file_totals), ("stored from it", summary.stored_totals)):
            spend = f"spend {t.spend:,.2f} {money}".rstrip() if money is not None else "spend in several currencies"
            typer.echo(
                f"{label}: {t.impressions:,} impressions, {t.clicks:,} clicks, {shown(t.conversions)} conversions, "
                f"{spend}"
            )
        for missing in summary.unmatched:
            lines = ", ".join(map(str, missing.lines[:10])) + (" …" if len(missing.lines) > 10 else "")
            typer.echo(f"unmatched: {missing.ad_name!r} (line {lines}): no creative has this ad name", err=True)
        for line in summary.skipped:
            typer.echo(f"skipped: {line}", err=True)
        for note in summary.notes:
            typer.echo(f"note: {note}", err=True)
    if summary.rows and not summary.matched:
        raise typer.Exit(EXIT_FAILED)


def _repo() -> tuple[Settings, Repository]:
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository

    settings = get_settings()
    return settings, Repository.open(settings.database_url)


@results_app.command("import")
@handles_errors
def import_file(
    file: Annotated[Path, typer.Argument(help="A report export: CSV or XLSX.")],
    source: Annotated[
        SourceName | None, typer.Option(help="meta, tiktok, google or generic (default: told from the headers).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read a platform's report (Meta Ads Manager, TikTok Ads Manager, Google Ads, or generic columns), match its
    rows to creatives by ad name (or the URL's utm_content) and store them per day or period. Importing the same
    file again changes nothing; a period stored before is replaced, never counted twice. Exit 1 when no row
    matched a creative."""
    from creative_ai.results.ingest import import_results
    from creative_ai.results.sources import read_report

    _, repo = _repo()
    report = read_report(file, source=source.value if source else None)
    data = file.read_bytes()
    _print_summary(import_results(report, repo=repo, origin=file.name, data=data), as_json=as_json)


@results_app.command("pull")
@handles_errors
def pull(
    origin: Annotated[SourceName, typer.Option("--from", help="meta (the Marketing API's Insights).")],
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: 7 days ago).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (default: yesterday).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read daily results per ad from Meta's Insights endpoint (CREATIVE_AI_META_ACCESS_TOKEN and
    CREATIVE_AI_META_AD_ACCOUNT) and store them as an import of the same numbers would."""
    from creative_ai.errors import InputError
    from creative_ai.results.ingest import import_results
    from creative_ai.results.pull_meta import pull_meta

    if origin is not SourceName.meta:
        raise InputError(f"--from {origin.value}: only meta can be pulled; import the others' report files")
    settings, repo = _repo()
    today = datetime.now(UTC).date()
    first = _day(since, "--since") if since else today - timedelta(days=7)
    last = _day(until, "--until") if until else today - timedelta(days=1)
    report = pull_meta(settings=settings, since=first, until=last)
    account = settings.meta_ad_account or ""
    summary = import_results(report, repo=repo, origin=f"meta insights {account} {first}..{last}")
    _print_summary(summary, as_json=as_json)


def _day(text: str, option: str) -> date:
    from creative_ai.errors import InputError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; write YYYY-MM-DD") from None


@results_app.command("report")
@handles_errors
def report(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    fmt: Annotated[Format, typer.Option("--format", help="table, json or html.")] = Format.table,
    group_by: Annotated[
        list[str] | None, typer.Option("--group-by", help="locale, ratio, product, copy or hero (repeatable).")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """What works: per creative impressions, clicks, CTR, conversions, CVR, spend, CPC and CPA with 95% intervals
    and a badge; per attribute which values are better, worse, no different, or have not enough data yet (the rule
    and thresholds are printed with it)."""
    from creative_ai.results.performance import performance, rule_from

    settings, repo = _repo()
    found = performance(repo, campaign, rule=rule_from(settings), group_by=group_by)
    if fmt is Format.json:
        text = json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    elif fmt is Format.html:
        from creative_ai.results.html import render_html

        text = render_html(found, thumbnails=_pictures(repo, campaign, settings))
    else:
        from creative_ai.results.table import render_table

        text = render_table(found)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text(output, text)


def _pictures(repo: Repository, campaign: str, settings: Settings) -> dict[str, str]:
    """Each current creative's thumbnail, by its ad name."""
    from creative_ai.report.thumbnails import thumbnails
    from creative_ai.storage import recorded_store

    rows = [
        {"product_id": v.product_id, "locale": v.locale, "aspect_ratio": v.aspect_ratio, "file_path": v.file_path}
        for v in repo.variants(campaign)
    ]
    by_variant = thumbnails(campaign, rows, store_at=lambda root: recorded_store(root, settings))
    return {
        v.ad_name: by_variant[f"{v.product_id}/{v.locale}/{v.aspect_ratio}"]
        for v in repo.variants(campaign)
        if v.ad_name and f"{v.product_id}/{v.locale}/{v.aspect_ratio}" in by_variant
    }
