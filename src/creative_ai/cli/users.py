"""``creative-ai users``: the people who sign in, their roles and their API tokens."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from creative_ai.cli.app import app, handles_errors

if TYPE_CHECKING:
    from creative_ai.db.repository import Repository

users_app = typer.Typer(help="People, their roles and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

Name = Annotated[str, typer.Argument(help="The user's name (letters, digits, '.', '_', '@', '-').")]


def _repo() -> Repository:
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository

    return Repository.open(get_settings().database_url)


@users_app.command("add")
@handles_errors
def add(
    name: Name,
    email: Annotated[str, typer.Option("--email", help="Where reminders and alerts for their roles go.")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role", help="admin, creative_lead, legal, ad_ops, viewer or market:<market or locale> (repeatable)."
        ),
    ],
) -> None:
    """Add a person with their roles (then make them a token with `creative-ai users token NAME`)."""
    from creative_ai.errors import InputError
    from creative_ai.people import parse_name, parse_role

    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise InputError(f"--email {email!r} is not an e-mail address")
    user = _repo().add_user(name=parse_name(name), email=email.strip(), roles=[parse_role(r) for r in role])
    typer.echo(f"added {user.name} <{user.email}>: {', '.join(user.roles)}")


@users_app.command("list")
@handles_errors
def list_users(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every person, their roles and whether they are disabled."""
    found: list[dict[str, Any]] = [
        {
            "name": u.name,
            "email": u.email,
            "roles": u.roles,
            "disabled": u.disabled_at is not None,
            "created_at": u.created_at.isoformat(),
        }
        for u in _repo().users()
    ]
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    if not found:
        typer.echo("no users yet (add one: creative-ai users add NAME --email E --role ROLE)")
    for u in found:
        state = " (disabled)" if u["disabled"] else ""
        typer.echo(f"{u['name']} <{u['email']}>: {', '.join(u['roles'])}{state}")


@users_app.command("disable")
@handles_errors
def disable(name: Name) -> None:
    """Disable a person: their tokens and sessions are refused from now on."""
    _repo().disable_user(name)
    typer.echo(f"disabled {name}; their tokens are revoked")


@users_app.command("token")
@handles_errors
def token(
    name: Name,
    days: Annotated[int | None, typer.Option(help="Days it lasts (default CREATIVE_AI_USER_TOKEN_DAYS, 90).")] = None,
) -> None:
    """Make a new API token for a person and print it, once: only its hash is kept, so note it now."""
    from creative_ai.config import get_settings
    from creative_ai.errors import InputError

    lasting = days if days is not None else get_settings().user_token_days
    if not 1 <= lasting <= 730:
        raise InputError(f"--days {lasting} is out of range; a token lasts 1 to 730 days")
    made, expires = _repo().new_token(name, days=lasting)
    typer.echo(made)
    typer.echo(
        f"token for {name}, valid until {expires.isoformat(timespec='seconds')}; it is not shown again", err=True
    )


@users_app.command("revoke")
@handles_errors
def revoke(name: Name) -> None:
    """Revoke every token of a person (and the gallery sessions opened with them)."""
    count = _repo().revoke_tokens(name)
    typer.echo(f"revoked {count} token(s) of {name}")


@users_app.command("policy")
@handles_errors
def policy(
    creative_lead: Annotated[
        bool | None, typer.Option("--creative-lead/--no-creative-lead", help="Every creative needs its lead.")
    ] = None,
    market: Annotated[
        bool | None, typer.Option("--market/--no-market", help="Every creative needs its market's reviewer.")
    ] = None,
    legal: Annotated[
        str | None, typer.Option("--legal", help="flagged (creatives a legal rule flagged) or always.")
    ] = None,
) -> None:
    """Show or set the server's sign-off policy (briefs may add to it, never remove from it)."""
    from creative_ai.errors import InputError
    from creative_ai.signoff import POLICY_SETTING, stored_policy

    repo = _repo()
    now = stored_policy(repo.get_setting(POLICY_SETTING))
    if legal is not None and legal not in ("flagged", "always"):
        raise InputError(f"--legal {legal!r}: use flagged or always (a legal rule's flag always needs legal)")
    wanted = {
        "creative_lead": now.creative_lead if creative_lead is None else creative_lead,
        "market": now.market if market is None else market,
        "legal": legal or now.legal,
    }
    if not (wanted["creative_lead"] or wanted["market"]):
        raise InputError("a creative must need its creative lead or its market's reviewer (or both)")
    if (creative_lead, market, legal) != (None, None, None):
        repo.set_setting(POLICY_SETTING, wanted)
    typer.echo(
        "every creative needs: "
        + ", ".join(
            [
                *(["creative_lead"] if wanted["creative_lead"] else []),
                *(["market:<its locale>"] if wanted["market"] else []),
            ]
        )
        + ("; legal: always" if wanted["legal"] == "always" else "; legal: when a legal rule flagged its copy")
    )
