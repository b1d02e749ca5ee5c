"""``creative-ai serve`` as a real process: uvicorn on a free port, answering over TCP."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, served_api


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
