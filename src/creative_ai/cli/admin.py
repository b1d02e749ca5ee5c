"""``creative-ai providers [select]`` and ``creative-ai db upgrade``."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from creative_ai.cli.app import app, db_app, handles_errors

providers_app = typer.Typer(help="Image providers: availability, models, the runtime selection.")
app.add_typer(providers_app, name="providers")


@providers_app.callback(invoke_without_command=True)
@handles_errors
def providers(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False
) -> None:
    """List the image providers, whether each can run here (key present), their models and the selection."""
    if ctx.invoked_subcommand is not None:
        return
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.providers import available_providers
    from creative_ai.providers.selection import current_selection, stored_selection

    settings = get_settings()
    repo = Repository.from_url(settings.database_url)
    selection = current_selection(settings, repo)
    stored = stored_selection(repo)
    first = selection.provider.split(",")[0]
    rows: list[dict[str, Any]] = []
    for name, cls in sorted(available_providers().items()):
        ok, why = cls.is_available(settings)
        rows.append(
            {
                "name": name,
                "available": ok,
                "detail": why,
                "models": list(cls.known_models(settings)),
                "default_model": cls.default_model_for(settings),
                "selected": name == first,
                "selected_model": (selection.model or cls.default_model_for(settings)) if name == first else None,
            }
        )
    why = {
        "environment": "CREATIVE_AI_PROVIDER (the environment or .env; it beats a stored selection)",
        "database": "the stored selection (providers select, POST /select-model)",
        "settings": "the default (no --provider, no CREATIVE_AI_PROVIDER, nothing stored)",
    }.get(selection.source, selection.source)
    ignored = None
    if stored is not None and selection.source == "environment":
        ignored = f"{stored.provider} ({stored.model or 'default model'}), ignored while CREATIVE_AI_PROVIDER is set"
    if as_json:
        answer = {"selection": selection.__dict__, "why": why, "stored_ignored": ignored, "providers": rows}
        typer.echo(json.dumps(answer, indent=2))
        return
    typer.echo(f"selected: {selection.provider} ({selection.model or 'default model'}) — from {why}")
    if ignored:
        typer.echo(f"stored selection: {ignored}")
    typer.echo("precedence: --provider > CREATIVE_AI_PROVIDER > stored selection > default")
    for row in rows:
        mark = "*" if row["selected"] else " "
        state = "available" if row["available"] else f"unavailable: {row['detail']}"
        typer.echo(f"{mark} {row['name']:<8} models: {', '.join(row['models'])}\n           {state}")


@providers_app.command("select")
@handles_errors
def providers_select(
    name: Annotated[str, typer.Argument(help="Provider, or a fallback chain such as openai,local.")],
    model: Annotated[str | None, typer.Option(help="Model of the (first) provider.")] = None,
) -> None:
    """Store the provider (and model) every run, API call and worker uses unless told otherwise."""
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.providers.selection import select

    settings = get_settings()
    chosen = select(name, model, settings=settings, repo=Repository.from_url(settings.database_url))
    typer.echo(f"selected {chosen.provider} with model {chosen.model}")


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest migration."""
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository

    settings = get_settings()
    repo = Repository.open(settings.database_url)
    typer.echo(f"database at revision {repo.current_revision()}")
