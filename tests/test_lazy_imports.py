"""``import creative_ai`` and ``creative-ai --help`` load only what they use; the public names still resolve."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import creative_ai
from tests.conftest import base_brief, write_brief

HEAVY = (
    "sqlalchemy",
    "alembic",
    "PIL",
    "numpy",
    "fastapi",
    "celery",
    "openai",
    "google.genai",
    "openpyxl",
    "matplotlib",
    "facebook_business",
)
COMMANDS = {
    *("run", "validate", "report", "mcp", "serve", "worker", "db", "providers", "agent", "alerts"),
    *("export", "results", "users"),
}

PROBE = f"""
import json, sys

HEAVY = {HEAVY!r}


def loaded():
    return sorted(h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in sys.modules))


steps = {{}}
import creative_ai
from tests.conftest import base_brief, write_brief
steps["import creative_ai"] = loaded()
import creative_ai.cli
steps["import creative_ai.cli"] = loaded()
from creative_ai.cli import main
try:
    main(["--help"])
except SystemExit as exc:
    steps["help exit"] = exc.code
steps["after --help"] = loaded()
run_campaign = creative_ai.run_campaign
from creative_ai import RunSummary
steps["run_campaign"] = f"{{run_campaign.__module__}}.{{run_campaign.__qualname__}}"
steps["RunSummary"] = f"{{RunSummary.__module__}}.{{RunSummary.__qualname__}}"
steps["after run_campaign"] = loaded()
print(json.dumps(steps))
"""


def test_import_and_help_load_no_heavy_library() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=os.environ.copy(), check=True
    )
    steps = json.loads(proc.stdout.splitlines()[-1])
    assert steps["import creative_ai"] == []
    assert steps["import creative_ai.cli"] == []
    assert steps["help exit"] == 0
    assert steps["after --help"] == []
    assert steps["run_campaign"] == "creative_ai.pipeline.run.run_campaign"
    assert steps["RunSummary"] == "creative_ai.records.RunSummary"
    # The probe sees the libraries once the pipeline is asked for, so the empty lists above mean something.
    assert {"sqlalchemy", "alembic", "PIL", "numpy"} <= set(steps["after run_campaign"])


def test_every_public_name_resolves() -> None:
    for name in creative_ai.__all__:
        assert getattr(creative_ai, name) is not None, name
    assert set(creative_ai.__all__) <= set(dir(creative_ai))
    assert creative_ai.errors.InputError.__module__ == "creative_ai.errors"
    from creative_ai import Settings, get_settings
    from creative_ai.config import Settings as ConfigSettings

    assert Settings is ConfigSettings and get_settings.__module__ == "creative_ai.config"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = creative_ai.nope  # type: ignore[attr-defined]


def test_help_lists_every_command(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    result = cli("--help")
    assert result.code == 0
    panel = result.stdout.split("Commands")[1]
    listed = set(re.findall(r"^│ (\S+) ", panel, flags=re.MULTILINE))
    assert listed == COMMANDS


RERUN_PROBE = """
import json, sys
from creative_ai.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "openai": "openai" in sys.modules, "genai": "google.genai" in sys.modules}))
"""


def test_a_rerun_that_reuses_every_hero_never_imports_the_vendor_sdk(workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(workdir, base_brief(campaign_id="lazy"))

    def run(*extra: str) -> dict[str, object]:
        proc = subprocess.run(
            [sys.executable, "-c", RERUN_PROBE, "run", str(brief), "--provider", "openai", *extra],
            capture_output=True, text=True, timeout=300, env=os.environ.copy(),
        )  # fmt: skip
        return json.loads(proc.stdout.splitlines()[-1])  # type: ignore[no-any-return]

    assert run() == {"code": 0, "openai": True, "genai": False}  # the first run pays for its hero
    calls = vendor.count("openai")
    assert calls >= 1
    assert run() == {"code": 0, "openai": False, "genai": False}  # every hero reused: no SDK, no call
    assert vendor.count("openai") == calls
