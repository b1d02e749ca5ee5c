"""Provider choice is explicit: --provider > CREATIVE_AI_PROVIDER > stored selection > default, and
`creative-ai providers` says which won and why (vendor requests counted at the fake vendor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import base_brief, write_brief


def test_the_environment_beats_a_stored_selection(cli, workdir: Path, vendor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, base_brief(aspect_ratios=["1x1"]))
    assert cli("providers", "select", "openai").code == 0  # stored in the database
    monkeypatch.setenv("CREATIVE_AI_PROVIDER", "local")  # meant to be offline
    shown = cli("providers")
    assert "selected: local" in shown.stdout and "from CREATIVE_AI_PROVIDER" in shown.stdout, shown.stdout
    assert "stored selection: openai" in shown.stdout and "ignored while CREATIVE_AI_PROVIDER is set" in shown.stdout
    assert cli("run", str(path), "--output", "out").code == 0
    assert vendor.requests == []  # no paid call: the environment won
    assert cli("run", str(path), "--output", "out2", "--provider", "openai").code == 0
    assert vendor.count("openai") == 1  # the flag beats the environment


def test_the_stored_selection_beats_the_default(cli, workdir: Path, vendor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CREATIVE_AI_PROVIDER", raising=False)
    path = write_brief(workdir, base_brief(aspect_ratios=["1x1"]))
    assert "from the default" in cli("providers").stdout
    assert cli("providers", "select", "openai").code == 0
    shown = cli("providers", "--json").json()
    assert shown["selection"] == {"provider": "openai", "model": shown["selection"]["model"], "source": "database"}
    assert shown["stored_ignored"] is None and "stored selection" in shown["why"]
    assert cli("run", str(path), "--output", "out").code == 0
    assert vendor.count("openai") == 1
