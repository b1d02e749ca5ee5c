"""``creative-ai run`` and ``creative-ai validate``."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from creative_ai.choices import HeroStrategy, ImageFormat
from creative_ai.cli.app import EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, app, err_console, handles_errors

if TYPE_CHECKING:
    from rich.console import Console

    from creative_ai.records import RunSummary

BriefArg = Annotated[Path, typer.Argument(help="Campaign brief (.json, .yaml or .yml).", show_default=False)]


def _print_summary(summary: RunSummary, console: Console, *, tty: bool) -> None:
    from rich.table import Table

    if tty:
        table = Table(title=f"{summary.campaign_id}: {summary.status}", show_lines=False)
        for column in ("product", "locale", "ratio", "status", "file / reason", "hero"):
            table.add_column(column)
        for v in summary.variants:
            style = "green" if v.status == "ok" else "red"
            where = v.file_path or v.reason or ""
            table.add_row(
                v.product_id, v.locale, v.aspect_ratio, f"[{style}]{v.status}[/]", where, v.hero or "packshot"
            )
        console.print(table)
    else:  # a log or a pipe: one whole line per creative, nothing cut to a terminal's width
        typer.echo(f"{summary.campaign_id}: {summary.status}")
        for v in summary.variants:
            where = v.file_path or v.reason or ""
            typer.echo(f"{v.product_id}\t{v.locale}\t{v.aspect_ratio}\t{v.status}\t{where}\t{v.hero or 'packshot'}")
    if summary.heroes_fallback:
        stand_in = (
            f"; {summary.heroes_placeholder} are offline placeholders, not {summary.provider} pictures: the run is "
            "partial (fix the provider and run again to replace them)"
            if summary.heroes_placeholder
            else ""
        )
        console.print(
            f"warning: {summary.heroes_fallback} hero(es) came from a fallback provider, not {summary.provider}"
            f"{stand_in}",
            markup=False,
        )
    for locale, counts in summary.copy_state().items():
        if counts["needs_translation"]:
            console.print(
                f"warning: {counts['needs_translation']} of {counts['creatives']} {locale} creative(s) carry the "
                "source copy untranslated (needs_translation): add messages for it or configure a translator",
                markup=False,
            )
        if counts["machine_translated"]:
            console.print(
                f"note: {counts['machine_translated']} of {counts['creatives']} {locale} creative(s) carry "
                "machine-translated copy (machine_translated): have it reviewed",
                markup=False,
            )
    console.print(
        f"{summary.variants_ok}/{summary.variants_total} ok · heroes generated {summary.heroes_generated}, "
        f"reused {summary.heroes_reused} · provider calls {summary.provider_calls} · "
        f"${summary.cost_estimate_usd:.2f} · {summary.duration_s:.2f}s"
    )
    if summary.campaign_variants_total is not None and summary.campaign_variants_total != summary.variants_total:
        console.print(
            f"campaign: {summary.campaign_variants_ok}/{summary.campaign_variants_total} creatives ok, "
            f"{summary.campaign_variants_not_made} not made yet ({summary.campaign_status})",
            markup=False,
        )
    if summary.removed:
        console.print(
            f"warning: removed {len(summary.removed)} creative(s) no longer in the brief: {', '.join(summary.removed)}",
            markup=False,
        )
    console.print(f"gallery: {summary.gallery_path}")


def _interrupt(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt  # SIGTERM stops a run the way Ctrl-C does


def _exit_now(_signum: int, _frame: FrameType | None) -> NoReturn:
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)  # a second signal: do not wait for the provider calls still in flight


@contextmanager
def stops_cleanly(campaign_id: str) -> Iterator[None]:
    """Ctrl-C (SIGINT) or SIGTERM ends the run with one line on stderr and exit code 130, no traceback. The run
    has marked its campaign ``interrupted``; the provider calls in flight finish (and are recorded) before the
    process exits, unless a second signal comes."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except KeyboardInterrupt:
        previous = _exit_now
        signal.signal(signal.SIGINT, _exit_now)
        err_console().print(
            f"interrupted: campaign {campaign_id} stopped; run again to resume (finished heroes and creatives are "
            "kept)",
            markup=False,
        )
        # The calls in flight are waited for here, where a second signal ends the process at once; past this point
        # nothing is left to wait for, and a late signal must not kill an exit that is already under way.
        from creative_ai.pipeline.pool import wait_for_calls_in_flight

        wait_for_calls_in_flight()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command()
@handles_errors
def run(
    brief: BriefArg,
    provider: Annotated[
        str | None,
        typer.Option(help="Provider or fallback chain, e.g. openai,gemini,local (default: the stored selection)."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model of the (first) provider (default: the provider's).")] = None,
    output: Annotated[
        Path | None, typer.Option(help="Output folder (default: CREATIVE_AI_OUTPUT_DIR or ./outputs).")
    ] = None,
    locale: Annotated[list[str] | None, typer.Option(help="Only this locale (repeatable).")] = None,
    ratio: Annotated[list[str] | None, typer.Option(help="Only this aspect ratio, e.g. 9x16 (repeatable).")] = None,
    product: Annotated[list[str] | None, typer.Option(help="Only this product id (repeatable).")] = None,
    hero: Annotated[HeroStrategy | None, typer.Option(help="per-orientation or single.")] = None,
    image_format: Annotated[ImageFormat | None, typer.Option("--format", help="png, jpg or webp.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only: show what would be made.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the RunSummary as JSON.")] = False,
    max_cost: Annotated[
        float | None,
        typer.Option("--max-cost", min=0.0, help="Refuse the run when its estimated cost in USD is over this."),
    ] = None,
) -> None:
    """Make every creative of a brief."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from creative_ai.brief import load_brief
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.pipeline.estimate import dry_run_report
    from creative_ai.pipeline.plan import plan_campaign
    from creative_ai.providers.selection import current_selection, resolve_chain
    from creative_ai.render.text import FontBook
    from creative_ai.runtime import Runtime
    from creative_ai.storage import make_store

    overrides: dict[str, object] = {}
    if output is not None:
        overrides["output_dir"] = output
    if max_cost is not None:
        overrides["max_cost"] = max_cost
    settings = get_settings(**overrides)
    campaign = load_brief(brief)
    book = FontBook.default()
    repo = Repository.from_url(settings.database_url)  # created and migrated by the run's first write, not before
    chain = resolve_chain(current_selection(settings, repo, flag=provider, model=model), settings=settings)
    if dry_run:
        plan = plan_campaign(
            campaign,
            assets_dir=settings.assets_dir,
            max_pixels=settings.max_image_pixels,
            book=book,
            ratios=ratio or (),
            locales=locale or (),
            only_products=product or (),
            hero_strategy=hero or settings.hero_strategy,
        )
        report = dry_run_report(
            plan, chain=chain, repo=repo, store=make_store(settings)[0], settings=settings, book=book
        )
        if settings.max_cost is not None:  # what the run would do with this estimate
            report["spend_cap_usd"] = settings.max_cost
            report["over_spend_cap"] = report["estimated_cost_usd"] > settings.max_cost
        typer.echo(json.dumps(report, indent=2) if as_json else "\n".join(f"{k}: {v}" for k, v in report.items()))
        raise typer.Exit(EXIT_OK)

    runtime = Runtime.open(settings, repo=repo, migrate=False)
    show_progress = sys.stderr.isatty() and not as_json
    if sys.stderr.isatty():
        from creative_ai.logs import readable_warnings

        readable_warnings()
    with (
        stops_cleanly(campaign.campaign_id),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console(),
            disable=not show_progress,
        ) as bar,
    ):
        task = bar.add_task("planning", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        summary = runtime.run(
            campaign,
            chain=chain,
            ratios=ratio or (),
            locales=locale or (),
            products=product or (),
            hero_strategy=hero,
            image_format=image_format,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        tty = sys.stdout.isatty()
        _print_summary(summary, Console(highlight=False, soft_wrap=True, width=None if tty else 10_000), tty=tty)
    raise typer.Exit(EXIT_OK if summary.status == "succeeded" else EXIT_FAILED)


@app.command()
@handles_errors
def validate(brief: BriefArg) -> None:
    """Check a brief and its assets without making anything."""
    from creative_ai.brief import load_brief
    from creative_ai.config import get_settings
    from creative_ai.jobs.intake import preflight

    campaign = load_brief(brief)
    plan, blocked = preflight(campaign, get_settings())
    typer.echo(
        f"{brief}: valid — {len(campaign.products)} product(s) × {len(plan.locales)} locale(s) × "
        f"{len(plan.ratios)} ratio(s) = {len(plan.variants)} creatives"
    )
    for b in blocked:
        typer.echo(f"  blocked: product {b.product_id}, locale {b.locale}, ratio {b.aspect_ratio}: {b.reason}")
    raise typer.Exit(EXIT_INPUT if blocked else EXIT_OK)  # the brief as written cannot be made whole
