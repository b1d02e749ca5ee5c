"""``creative-ai serve`` as a real process: uvicorn on a free port, answering over TCP."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, redis_server, served_api


def test_serve_answers_and_protects(workdir: Path) -> None:
    with served_api(workdir, {**os.environ, "CREATIVE_AI_API_KEY": "serve-test-key-for-tests"}) as server:
        health = httpx.get(f"{server.url}/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"{server.url}/campaigns").status_code == 401
        listed = httpx.get(f"{server.url}/campaigns", headers={"X-API-Key": "serve-test-key-for-tests"})
        assert listed.status_code == 200 and listed.json() == []
    assert b"serve-test-key-for-tests" not in server.log()


def test_serve_refuses_public_address_without_key(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 3 and "CREATIVE_AI_API_KEY" in result.stderr


def test_serve_workers_runs_several_server_processes(workdir: Path, tmp_path: Path) -> None:
    """``--workers 2``: uvicorn starts two server processes from the app factory, both with the settings."""
    with redis_server(tmp_path) as broker:
        env = {**os.environ, "CREATIVE_AI_BROKER_URL": broker, "CREATIVE_AI_API_KEY": "workers-key-0123456789"}
        with served_api(workdir, env, "--workers", "2") as server:
            started: set[bytes] = set()
            for _ in range(600):
                started = set(re.findall(rb"Started server process \[(\d+)\]", server.log()))
                if len(started) == 2:
                    break
                time.sleep(0.05)
            assert len(started) == 2, server.log().decode(errors="replace")
            for _ in range(6):
                health = httpx.get(f"{server.url}/health", timeout=10)
                assert health.status_code == 200 and health.json()["broker"] == "up"
                assert httpx.get(f"{server.url}/campaigns", timeout=10).status_code == 401


def test_serve_workers_needs_a_broker(cli) -> None:  # type: ignore[no-untyped-def]
    """Without a broker, jobs run inside the serving process: several processes would each resume them."""
    result = cli("serve", "--workers", "2", "--port", "1")
    assert result.code == 3 and "CREATIVE_AI_BROKER_URL" in result.stderr


@pytest.mark.parametrize("value", ["", "short-key"])
def test_serve_refuses_an_empty_or_short_key(cli, monkeypatch: pytest.MonkeyPatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_API_KEY", value)
    result = cli("serve", "--port", str(free_port()), timeout=60)
    assert result.code == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CREATIVE_AI_API_KEY" in lines[0] and "16" in lines[0], lines
    assert "short-key" not in result.stderr


def test_serve_refuses_a_blank_key_line_in_dot_env(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / ".env").write_text("CREATIVE_AI_API_KEY=\n", encoding="utf-8")
    result = cli("serve", "--port", str(free_port()), timeout=60)
    assert result.code == 3 and "CREATIVE_AI_API_KEY is empty" in result.stderr, result.stderr


def test_serve_without_a_key_warns_that_every_route_is_open(workdir: Path) -> None:
    with served_api(workdir, dict(os.environ)) as server:
        assert httpx.get(f"{server.url}/campaigns", timeout=5).status_code == 200  # open, as it says
    warnings = [json.loads(line) for line in server.log().splitlines() if b"api_without_key" in line]
    assert len(warnings) == 1 and warnings[0]["level"] == "warning"
    assert "CREATIVE_AI_API_KEY" in warnings[0]["detail"]
