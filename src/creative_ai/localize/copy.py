"""Copy per locale: approved copy from the brief, a Translator seam for gaps, honest flags when missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from creative_ai.brief import CampaignBrief, Product


class Translator(Protocol):
    """Turns source copy into a locale; returns None when it cannot."""

    def translate(self, text: str, *, source: str, target: str) -> str | None: ...


@dataclass(frozen=True)
class LocalizedCopy:
    headline: str
    cta: str | None
    source: str  # "brief" | "translator" | "fallback"
    needs_translation: bool
    machine_translated: bool
    terms: str | None = None  # the terms line (disclaimer) the creative carries


def _lookup(table: dict[str, str], locale: str) -> str | None:
    if locale in table:
        return table[locale]
    language = locale.split("-")[0]
    return table.get(language)


def _one(
    source_text: str,
    table: dict[str, str],
    *,
    locale: str,
    source_locale: str,
    override: bool,
    translator: Translator | None,
) -> tuple[str, str]:
    if not override:
        found = _lookup(table, locale)
        if found:
            return found, "brief"
    if locale.split("-")[0] == source_locale.split("-")[0]:
        return source_text, "brief"
    if translator is not None:
        translated = translator.translate(source_text, source=source_locale, target=locale)
        if translated:
            return translated, "translator"
    return source_text, "fallback"


def localize(
    brief: CampaignBrief, product: Product, locale: str, *, translator: Translator | None = None
) -> LocalizedCopy:
    """The headline and CTA for one product in one locale.

    A product's own ``message`` is written in the source locale; campaign ``messages`` do not translate it.
    """
    source_locale = brief.source_locale
    text = product.message or brief.campaign_message
    headline, h_src = _one(
        text,
        brief.messages,
        locale=locale,
        source_locale=source_locale,
        override=product.message is not None,
        translator=translator,
    )
    cta: str | None = None
    c_src = "brief"
    if brief.cta:
        cta, c_src = _one(
            brief.cta,
            brief.messages_cta,
            locale=locale,
            source_locale=source_locale,
            override=False,
            translator=translator,
        )
    terms: str | None = _lookup(brief.messages_terms, locale)  # a locale's own terms line, with or without a source
    t_src = "brief"
    if terms is None and brief.terms:
        terms, t_src = _one(
            brief.terms,
            brief.messages_terms,
            locale=locale,
            source_locale=source_locale,
            override=False,
            translator=translator,
        )
    sources = {h_src, c_src, t_src}
    return LocalizedCopy(
        headline=headline,
        cta=cta,
        terms=terms,
        source="fallback" if "fallback" in sources else "translator" if "translator" in sources else "brief",
        needs_translation="fallback" in sources,
        machine_translated="translator" in sources,
    )
