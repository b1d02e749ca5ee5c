"""Machine translation of campaign copy behind the ``Translator`` seam (the OpenAI Responses API).

A translation is accepted only when it is short enough for a creative and keeps every number of the source
("30%" stays 30); otherwise the source copy is used and the variant is flagged ``needs_translation``.
Accepted translations are kept in the database, so a rerun asks again for nothing.
"""

from __future__ import annotations

import re

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.localize.cache import translation_key
from creative_ai.localize.copy import Translator
from creative_ai.logs import log
from creative_ai.scrub import scrub

MAX_CHARS = 140
DIGITS = re.compile(r"\d+")
INSTRUCTIONS = (
    "You translate short advertising copy. Answer with the translation only: no quotes, no notes. Keep numbers, "
    "percent signs and brand names as they are; keep it about as short as the source."
)


class OpenAITranslator:
    """Translates with a model through the OpenAI Responses API; marks nothing itself (localize does)."""

    def __init__(self, settings: Settings, repo: Repository) -> None:
        if settings.openai_api_key is None:
            raise ValueError("the OpenAI translator needs OPENAI_API_KEY")
        self.settings, self.repo = settings, repo

    def translate(self, text: str, *, source: str, target: str) -> str | None:
        model = self.settings.translator_model
        key = translation_key(text, source=source, target=target, model=model)
        self.repo.migrate()
        cached = self.repo.translation(key=key)
        if cached is not None:
            return cached
        try:
            answer = self._ask(text, source=source, target=target)
        except Exception as exc:  # noqa: BLE001 a failing translator leaves the copy untranslated, never the run
            log.warning("translation_failed", target=target, error=scrub(f"{type(exc).__name__}: {exc}", self.settings))
            return None
        problem = self._problem(text, answer)
        if problem:
            log.warning("translation_rejected", target=target, reason=problem)
            return None
        self.repo.save_translation(key=key, model=model, source_locale=source, target_locale=target, text=answer)
        return answer

    def _ask(self, text: str, *, source: str, target: str) -> str:
        from openai import OpenAI

        key = self.settings.openai_api_key
        assert key is not None
        with OpenAI(
            api_key=key.get_secret_value(),
            base_url=self.settings.openai_base_url,
            timeout=self.settings.request_timeout,
            max_retries=2,
        ) as client:
            response = client.responses.create(
                model=self.settings.translator_model,
                instructions=INSTRUCTIONS,
                input=f"Translate from {source} to {target}:\n{text}",
            )
        return response.output_text.strip().strip('"“”«»').strip()

    @staticmethod
    def _problem(source: str, answer: str) -> str | None:
        if not answer:
            return "empty answer"
        if len(answer) > MAX_CHARS:
            return f"{len(answer)} characters (at most {MAX_CHARS})"
        lost = sorted(set(DIGITS.findall(source)) - set(DIGITS.findall(answer)))
        if lost:
            return f"numbers of the source missing: {', '.join(lost)}"
        return None


def make_translator(settings: Settings, repo: Repository) -> Translator | None:
    """The configured translator, or None (copy missing for a locale is then flagged needs_translation)."""
    if settings.translator == "openai" and settings.openai_api_key is not None:
        return OpenAITranslator(settings, repo)
    return None
