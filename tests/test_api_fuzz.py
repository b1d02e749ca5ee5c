"""schemathesis against the served OpenAPI schema: no generated request gets a 5xx, and the key never echoes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import served_api

ST = shutil.which("st") or str(Path(sys.executable).with_name("st"))


def test_no_server_errors(workdir: Path) -> None:
    if not Path(ST).exists():
        pytest.skip("schemathesis is not installed")
    env = {
        **os.environ,
        "CREATIVE_AI_API_KEY": "fuzz-key-7731-for-tests",
        "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out"),
    }
    with served_api(workdir, env) as server:
        result = subprocess.run(
            [
                ST,
                "run",
                f"{server.url}/openapi.json",
                "-H",
                "X-API-Key: fuzz-key-7731-for-tests",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "25",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=workdir,
        )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout
    assert b"fuzz-key-7731-for-tests" not in server.log()
