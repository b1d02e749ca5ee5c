"""Clean edges: configuration and input mistakes end in one line and exit 2 or 3, never a traceback; --version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import base_brief, write_brief


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import version

    result = cli("--version")
    assert result.code == 0 and result.stdout.strip() == f"creative-ai {version('creative-ai')}"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgres://ann:hunter2secret@127.0.0.1:1/db", "no database driver for 'postgres' (write postgresql+psycopg"),
        ("sqlite:////nonexistent-folder/sub/creative.db", "folder of the SQLite database (/nonexistent-folder/sub)"),
        ("not a url at all", "is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line_and_exit_3(
    cli, workdir: Path, monkeypatch: pytest.MonkeyPatch, url: str, said: str
) -> None:
    monkeypatch.setenv("CREATIVE_AI_DATABASE_URL", url)
    result = cli("run", str(write_brief(workdir, base_brief())), "--output", "out")
    assert result.code == 3 and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "hunter2secret" not in result.stderr + result.stdout


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_brief_nested_thousands_of_levels_deep_is_refused(cli, workdir: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    head = json.dumps(base_brief())[:-1]
    if suffix == ".json":
        text = head + ', "extra": ' + '{"x": ' * 5000 + "1" + "}" * 5000 + "}"
    else:
        text = "campaign_id: deep\nextra: " + "[" * 5000 + "]" * 5000 + "\n"
    path = workdir / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.code == 2 and "is nested too deeply to read; a brief has at most 32 levels" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_brief_deeper_than_a_brief_needs_is_refused_before_validation(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    nested: object = 1
    for _ in range(40):
        nested = {"x": nested}
    result = cli("validate", str(write_brief(workdir, base_brief(extra=nested))))
    assert result.code == 2 and "is nested 41 levels deep; a brief has at most 32 levels" in result.stderr
