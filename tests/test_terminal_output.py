"""On a terminal (a real pseudo-terminal), warnings of a run read as lines, not raw JSON; in a pipe they stay JSON
lines a log collector parses."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from tests.conftest import base_brief, write_brief


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=os.environ.copy())
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode(errors="replace")


def test_retry_warnings_are_readable_lines_on_a_terminal(cli, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    vendor.fail("openai", "500", times=1)
    brief = str(write_brief(workdir, base_brief()))
    code, screen = _on_a_terminal(
        [sys.executable, "-m", "creative_ai", "run", brief, "--provider", "openai", "--output", "out"], workdir
    )
    assert code == 0, screen[-2000:]
    assert "warning: provider attempt failed — provider openai" in screen
    assert "attempt 1" in screen and '"event"' not in screen and "{" not in screen

    vendor.fail("openai", "500", times=1)
    piped = cli("run", brief, "--provider", "openai", "--output", "out2")
    events = [json.loads(line) for line in piped.stderr.splitlines() if line.startswith("{")]
    assert any(e["event"] == "provider_attempt_failed" and e["attempt"] == 1 for e in events)
