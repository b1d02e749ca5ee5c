"""The other commands and the configuration exit code."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, base_brief, write_brief


def test_unknown_provider_exits_3_and_names_the_known_ones(cli, workdir: Path) -> None:
    result = cli("run", str(write_brief(workdir, base_brief())), "--provider", "nope", "--output", "out")
    assert result.code == 3
    assert "unknown provider 'nope'" in result.stderr and "local" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (workdir / "out").exists()


def test_bad_setting_exits_3(cli, workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_PNG_COMPRESS_LEVEL", "11")
    result = cli("run", str(write_brief(workdir, base_brief())), "--output", "out")
    assert result.code == 3 and "CREATIVE_AI_PNG_COMPRESS_LEVEL" in result.stderr


def test_providers_lists_local_as_selected(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("providers", "--json")
    assert result.code == 0
    listing = json.loads(result.stdout)
    rows = {row["name"]: row for row in listing["providers"]}
    assert rows["local"]["available"] is True and rows["local"]["selected"] is True
    assert listing["selection"]["source"] == "settings"
    assert rows["openai"]["available"] is False and "OPENAI_API_KEY" in rows["openai"]["detail"]
    assert "gpt-image-2.5-flare" in rows["openai"]["models"] and "gpt-image-1" not in rows["openai"]["models"]


def test_db_upgrade_creates_schema(cli, workdir: Path) -> None:
    result = cli("db", "upgrade")
    assert result.code == 0 and "0016" in result.stdout
    assert (workdir / "creative_ai.db").is_file()


def test_dry_run_writes_nothing(cli, workdir: Path) -> None:
    result = cli("run", str(EXAMPLES / "brief_multi_product.json"), "--dry-run", "--json", "--output", "out")
    assert result.code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["variants_total"] == 9 and plan["provider_calls_planned"] == 9 and plan["estimated_cost_usd"] == 0
    assert not (workdir / "out").exists() and not (workdir / "creative_ai.db").exists()


def test_human_output_names_the_gallery(cli, workdir: Path) -> None:
    result = cli("run", str(write_brief(workdir, base_brief())), "--output", "out")
    assert result.code == 0, result.stderr
    assert "gallery: out/test-campaign/index.html" in result.stdout
    html = (workdir / "out/test-campaign/index.html").read_text()
    assert 'src="prod_a/1x1/prod_a_1x1_en.png"' in html and "Hello World" in html


def test_module_and_console_script_agree(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.code == 0 and "run" in result.stdout and "validate" in result.stdout


def test_progress_and_table_on_a_terminal(workdir: Path) -> None:
    """Under a pseudo-terminal the run shows progress on stderr and a summary table, then exits 0."""
    import os
    import pty
    import subprocess
    import sys

    brief = write_brief(workdir, base_brief())
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "creative_ai", "run", str(brief), "--output", "out"],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(controller)
    screen = b"".join(chunks).decode(errors="replace")
    assert "render" in screen and "test-campaign: succeeded" in screen and "gallery:" in screen
