"""What a run says about the providers its heroes came from: heroes a fallback made, offline placeholders standing in
for an image model's pictures, and the stop at a key a vendor refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from creative_ai.errors import KeyRefused
from creative_ai.pipeline.hero_set import HeroSet, HeroStats
from creative_ai.providers import ImageProvider


def stands_in(provider: ImageProvider, chain: Sequence[ImageProvider]) -> bool:
    """Whether ``provider``'s pictures are placeholders in ``chain``: offline art after an image model."""
    return bool(chain) and chain[0].generative and not provider.generative


def count_fallbacks(heroes: Mapping[str, HeroSet], *, chain: Sequence[ImageProvider], stats: HeroStats) -> None:
    """Count the heroes a provider after the chain's first made, and those that are placeholders."""
    if not chain:
        return
    by_name = {p.name: p for p in chain}
    for hero_set in heroes.values():
        for hero in hero_set.by_class.values():
            if hero.provider != chain[0].name:
                provider = by_name.get(hero.provider)
                stats.add(fallback=1, placeholders=int(provider is not None and stands_in(provider, chain)))


def stop_if_refused(stats: HeroStats, *, unasked: int) -> None:
    """Raise KeyRefused when a vendor refused the key during this run (``unasked``: the calls it did not make)."""
    if stats.refused:
        left = f" ({unasked} more picture(s) were not asked for)" if unasked else ""
        raise KeyRefused(f"the run stopped{left}: {stats.refused}")
