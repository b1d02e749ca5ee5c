"""Copy a brief lacks for a locale: translated by a model (fake OpenAI Responses server) and marked
machine_translated, kept for reruns, refused when it loses a number; without a translator, flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.localize.cache import translation_key
from tests.conftest import as_json, base_brief, write_brief
from tests.fake_llm import FakeLLM, Turn


def _variants(result: Any) -> dict[str, dict[str, Any]]:
    return {v["locale"]: v for v in as_json(result)["variants"]}


def _sidecar(workdir: Path, variant: dict[str, Any]) -> dict[str, Any]:
    return json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())


KEY_ES = "tr:6cc502231c6fb7c9fa39b68036178b470b553600"  # model gpt-5.2-mini, en → es, "Hello World 30%"


def test_the_cache_key_is_stable() -> None:
    """Translations kept by earlier releases are found again: the key of the same request never changes."""
    assert translation_key("Hello World 30%", source="en", target="es", model="gpt-5.2-mini") == KEY_ES
    assert translation_key("Hello World 30%", source="en", target="es", model="other") != KEY_ES
    assert translation_key("Hello World 30%", source="en", target="fr", model="gpt-5.2-mini") != KEY_ES


def test_missing_copy_is_machine_translated_and_kept(make_campaign, workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(
        workdir,
        base_brief(
            locales=["en", "de", "es"],
            messages={"de": "Hallo Welt 30%"},
            campaign_message="Hello World 30%",
            target_market="Global",  # no market rule asks this offer for a terms line (see tests/test_disclaimers.py)
        ),
    )
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        monkeypatch.setenv("CREATIVE_AI_TRANSLATOR", "openai")
        llm.add(Turn(text="¡Hola Mundo 30%!"))
        first = make_campaign(brief, output="out")
        assert first.status == "succeeded"
        by_locale = _variants(first)
        spanish = _sidecar(workdir, by_locale["es"])
        assert spanish["message"] == "¡Hola Mundo 30%!" and spanish["machine_translated"] is True
        assert spanish["needs_translation"] is False
        assert _sidecar(workdir, by_locale["de"])["machine_translated"] is False  # approved copy wins
        (request,) = llm.requests
        assert "to es" in request["input"] and "Hello World 30%" in request["input"]
        again = make_campaign(brief, output="out")
        assert again.status == "succeeded" and len(llm.requests) == 1  # the accepted translation was kept
        repo = Repository.from_url(f"sqlite:///{workdir / 'creative_ai.db'}")
        with repo.engine.connect() as conn:
            (kept,) = conn.execute(select(t.Translation)).all()
        assert (kept.key, kept.source_locale, kept.target_locale) == (KEY_ES, "en", "es")
        assert (kept.model, kept.text) == ("gpt-5.2-mini", "¡Hola Mundo 30%!")
        assert repo.get_setting(KEY_ES) is None  # kept in its own table, not among the settings
        manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
        assert {v["locale"]: v["message"] for v in manifest["variants"]}["es"] == "¡Hola Mundo 30%!"


def test_a_translation_that_loses_a_number_is_refused(make_campaign, workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(
        workdir, base_brief(locales=["en", "fr"], campaign_message="Save 30% today", target_market="Global")
    )
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        monkeypatch.setenv("CREATIVE_AI_TRANSLATOR", "openai")
        llm.add(Turn(text="Économisez aujourd'hui"))
        result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    french = _sidecar(workdir, _variants(result)["fr"])
    assert french["message"] == "Save 30% today" and french["needs_translation"] is True
    assert french["machine_translated"] is False


def test_without_a_translator_missing_copy_is_flagged(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = make_campaign(base_brief(locales=["en", "it"]), output="out")
    assert result.status == "succeeded"
    italian = _sidecar(workdir, _variants(result)["it"])
    assert italian["needs_translation"] is True and italian["message"] == "Hello World"
    gallery = (workdir / "out/test-campaign/index.html").read_text()
    assert "needs translation" in gallery.lower()


def test_a_machine_translation_with_a_prohibited_term_fails_its_creative(
    make_campaign, workdir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(workdir, base_brief(locales=["en", "de"], campaign_message="Dry in 30 minutes"))
    with FakeLLM() as llm:
        monkeypatch.setenv("OPENAI_API_KEY", llm.api_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{llm.url}/v1")
        monkeypatch.setenv("CREATIVE_AI_TRANSLATOR", "openai")
        llm.add(Turn(text="Garantiert trocken in 30 Minuten"))
        result = make_campaign(brief, output="out")
    assert result.status == "partial"  # the command's exit code 1
    german = _variants(result)["de"]
    assert german["status"] == "failed" and "legal: prohibited term 'garantiert'" in german["reason"]
    assert _variants(result)["en"]["status"] == "ok"
