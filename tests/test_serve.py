"""``creative-ai serve`` as a real process: uvicorn on a free port, answering over TCP."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.servers import served_api


def test_serve_answers_and_protects(workdir: Path) -> None:
    with served_api(workdir, {**os.environ, "CREATIVE_AI_API_KEY": "serve-test-key"}) as server:
        health = httpx.get(f"{server.url}/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"{server.url}/campaigns").status_code == 401
        listed = httpx.get(f"{server.url}/campaigns", headers={"X-API-Key": "serve-test-key"})
        assert listed.status_code == 200 and listed.json() == []
    assert b"serve-test-key" not in server.log()


def test_serve_refuses_public_address_without_key(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 3 and "CREATIVE_AI_API_KEY" in result.stderr
