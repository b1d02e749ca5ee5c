"""Typer app, exit codes and the single place where our errors become messages and exit codes.

Exit codes: 0 all ok · 1 some variants failed · 2 bad input · 3 configuration or provider unavailable ·
130 stopped by Ctrl-C or SIGTERM (128 + SIGINT, what shells report for Ctrl-C).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from creative_ai.errors import (
    ConfigurationError,
    CreativeAIError,
    InputError,
    ProviderUnavailable,
    StorageError,
)

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_CONFIG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

app = typer.Typer(
    name="creative-ai",
    help="Campaign brief in, checked and localized social-ad creatives out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"creative-ai {version('creative-ai')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    _show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Campaign brief in, checked and localized social-ad creatives out."""


P = ParamSpec("P")
R = TypeVar("R")


@cache
def err_console() -> Console:
    """The stderr console of messages and progress, made on first use."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def exit_code_for(exc: CreativeAIError) -> int:
    if isinstance(exc, InputError):
        return EXIT_INPUT
    if isinstance(exc, ConfigurationError | ProviderUnavailable | StorageError):
        return EXIT_CONFIG
    return EXIT_FAILED


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a one-paragraph message on stderr and the matching exit code; no traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CreativeAIError as exc:
            err_console().print(f"[bold red]error:[/] {exc}", markup=True)
            raise typer.Exit(exit_code_for(exc)) from exc

    return wrapper


def write_text(path: Path, text: str) -> None:
    """Write a command's ``--output`` file; a path that cannot be written is a clear error, not a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {path}", err=True)
