"""Which provider(s) a run uses: an explicit chain, else the selection stored in the database, else settings.

The selection lives in the database so the CLI, the API and every worker agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from creative_ai.errors import ProviderUnavailable
from creative_ai.providers import ImageProvider, get_provider, load_provider_class

if TYPE_CHECKING:
    from creative_ai.config import Settings
    from creative_ai.db.repository import Repository

SELECTION_KEY = "provider"


@dataclass(frozen=True)
class Selection:
    provider: str
    model: str | None
    source: str  # "flag" | "environment" | "database" | "settings"


def parse_chain(spec: str) -> list[str]:
    """``openai,gemini,local`` → names, in order; empty parts and repeats are errors."""
    names = [part.strip() for part in spec.split(",")]
    if not all(names):
        raise ProviderUnavailable(f"provider list {spec!r} has an empty entry; write e.g. openai,gemini,local")
    if len(set(names)) != len(names):
        raise ProviderUnavailable(f"provider list {spec!r} names a provider twice")
    return names


def stored_selection(repo: Repository) -> Selection | None:
    if not repo.exists():
        return None
    repo.migrate()
    value = repo.get_setting(SELECTION_KEY)
    if not value or not isinstance(value.get("provider"), str):
        return None
    model = value.get("model")
    return Selection(value["provider"], model if isinstance(model, str) else None, "database")


def current_selection(
    settings: Settings, repo: Repository, *, flag: str | None = None, model: str | None = None
) -> Selection:
    """Which provider a run uses: ``--provider`` (flag) > CREATIVE_AI_PROVIDER (environment, also ``.env``) >
    the stored selection (``providers select``, ``POST /select-model``) > the default; ``source`` says which won."""
    if flag:
        return Selection(flag, model, "flag")
    if "provider" in settings.model_fields_set:  # set in the environment: it beats what a database remembers
        return Selection(settings.provider, model or settings.model, "environment")
    stored = stored_selection(repo)
    if stored is not None:
        return Selection(stored.provider, model or stored.model, stored.source)
    return Selection(settings.provider, model or settings.model, "settings")


def resolve_chain(selection: Selection, *, settings: Settings) -> list[ImageProvider]:
    """Provider instances for the selection; the model applies to the first provider of a chain."""
    names = parse_chain(selection.provider)
    return [
        get_provider(name, settings=settings, model=selection.model if i == 0 else None) for i, name in enumerate(names)
    ]


def select(name: str, model: str | None, *, settings: Settings, repo: Repository) -> Selection:
    """Validate and store the runtime selection (a provider or a chain; the model of its first provider)."""
    names = parse_chain(name)
    first = load_provider_class(names[0])
    for other in names[1:]:
        load_provider_class(other)
    known = first.known_models(settings)
    chosen = model or first.default_model_for(settings)
    if chosen not in known:
        raise ProviderUnavailable(f"provider {names[0]!r} has no model {chosen!r}; its models are: {', '.join(known)}")
    repo.migrate()  # the first write, after validation: a refused choice leaves no database behind
    repo.set_setting(SELECTION_KEY, {"provider": ",".join(names), "model": chosen})
    return Selection(",".join(names), chosen, "database")
