"""The image-provider seam: one abstract method, capabilities as class attributes, a registry.

Built-in providers register through the ``creative_ai.providers`` entry-point group exactly like third-party
ones; a provider is a subclass of :class:`ImageProvider` constructed with keyword arguments
``settings`` and ``model``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, ClassVar

from creative_ai.errors import ProviderUnavailable

if TYPE_CHECKING:
    from creative_ai.config import Settings

ENTRY_POINT_GROUP = "creative_ai.providers"


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate. ``subject``, ``palette`` and ``slot`` are hints a provider may use beside the prompt."""

    prompt: str
    width: int
    height: int
    seed: int
    n: int = 1
    subject: str = ""
    palette: tuple[str, ...] = field(default_factory=tuple)
    slot: int | None = None  # the product's place among its campaign's products (art drawn offline varies by it)


@dataclass(frozen=True)
class GenerationResult:
    """Encoded image bytes of exactly ``width``×``height`` plus provenance."""

    image: bytes
    width: int
    height: int
    provider: str
    model: str
    seed: int
    mime_type: str = "image/png"
    cost_usd: float = 0.0


class ImageProvider(ABC):
    """One image generator. Subclasses set the capability attributes and implement :meth:`generate`."""

    name: ClassVar[str]
    models: ClassVar[tuple[str, ...]]
    default_model: ClassVar[str]
    native_ratios: ClassVar[tuple[str, ...]] = ()
    supports_edit: ClassVar[bool] = False
    generative: ClassVar[bool] = True  # an image model's pictures (may paint stray text into them)
    needs_key: ClassVar[bool] = False

    def __init__(self, *, settings: Settings, model: str | None = None) -> None:
        known = self.known_models(settings)
        chosen = model or self.default_model_for(settings)
        if chosen not in known:
            raise ProviderUnavailable(
                f"provider {self.name!r} has no model {chosen!r}; its models are: {', '.join(known)}"
            )
        self.settings = settings
        self.model = chosen

    @classmethod
    def known_models(cls, settings: Settings) -> tuple[str, ...]:
        """Models this provider accepts (vendors read theirs from settings, so a new model is configuration)."""
        return cls.models

    @classmethod
    def default_model_for(cls, settings: Settings) -> str:
        return cls.default_model

    @classmethod
    def is_available(cls, settings: Settings) -> tuple[bool, str]:
        """Whether this provider can run with these settings, and why not."""
        return True, "ready"

    @abstractmethod
    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Make one image for the request; raise a ProviderError subclass on failure."""

    def extend(self, image: bytes, request: GenerationRequest) -> GenerationResult:
        """Outpaint: ``image`` is a PNG of the request's size whose fully transparent pixels are to be painted as a
        seamless continuation of the opaque ones (their RGB holds a blurred sketch of that continuation).

        Providers with ``supports_edit`` implement it; the renderer asks only those, and pastes the original
        pixels back over the answer.
        """
        raise ProviderUnavailable(f"provider {self.name!r} cannot edit or extend images")


# Built-ins, by import path; they are also registered as entry points, exactly like third-party providers.
BUILTINS = {
    "local": "creative_ai.providers.local:LocalProvider",
    "openai": "creative_ai.providers.openai_images:OpenAIProvider",
    "gemini": "creative_ai.providers.gemini_images:GeminiProvider",
}


def _import(target: str) -> object:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


@cache
def _loaders() -> dict[str, Callable[[], object]]:
    """The registered providers' loaders, read once per process (reading the installed packages' entry points costs
    milliseconds, and a run looks a provider up for every creative)."""
    found: dict[str, Callable[[], object]] = {ep.name: ep.load for ep in entry_points(group=ENTRY_POINT_GROUP)}
    for name, target in BUILTINS.items():
        found.setdefault(name, partial(_import, target))
    return found


def provider_names() -> list[str]:
    """Names of every registered provider (nothing is imported)."""
    return sorted(_loaders())


def load_provider_class(name: str) -> type[ImageProvider]:
    """The class registered as ``name``; only that provider's module (and its SDK) is imported."""
    loaders = _loaders()
    if name not in loaders:
        raise ProviderUnavailable(f"unknown provider {name!r}; known providers: {', '.join(sorted(loaders))}")
    cls = loaders[name]()
    if not (isinstance(cls, type) and issubclass(cls, ImageProvider)):
        raise ProviderUnavailable(f"provider {name!r} is registered but is not an ImageProvider")
    return cls


def available_providers() -> dict[str, type[ImageProvider]]:
    """Every registered provider class, by name."""
    return {name: load_provider_class(name) for name in provider_names()}


def placeholder(provider: str, asked: str) -> bool:
    """Whether a picture ``provider`` made stands in for one the provider ``asked`` first would have made:
    offline art where an image model was asked for. An unknown name (the product's own packshot) is not one."""
    if provider == asked:
        return False
    try:
        return load_provider_class(asked).generative and not load_provider_class(provider).generative
    except ProviderUnavailable:
        return False


def get_provider(name: str, *, settings: Settings, model: str | None = None) -> ImageProvider:
    """Instantiate the provider called ``name``; ProviderUnavailable names the known ones when it is unknown."""
    cls = load_provider_class(name)
    ok, why = cls.is_available(settings)
    if not ok:
        raise ProviderUnavailable(f"provider {name!r} is not available: {why}")
    return cls(settings=settings, model=model)


__all__ = [
    "GenerationRequest",
    "GenerationResult",
    "ImageProvider",
    "available_providers",
    "get_provider",
    "load_provider_class",
    "placeholder",
    "provider_names",
]
