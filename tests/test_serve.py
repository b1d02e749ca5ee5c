"""``creative-ai serve`` as a real process: uvicorn on a free port, answering over TCP."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import httpx

from tests.servers import redis_server, served_api


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


def test_serve_workers_runs_several_server_processes(workdir: Path, tmp_path: Path) -> None:
    """``--workers 2``: uvicorn starts two server processes from the app factory, both with the settings."""
    with redis_server(tmp_path) as broker:
        env = {**os.environ, "CREATIVE_AI_BROKER_URL": broker, "CREATIVE_AI_API_KEY": "workers-key"}
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
                assert health.status_code == 200 and health.json()["broker"]["ok"] is True
                assert httpx.get(f"{server.url}/campaigns", timeout=10).status_code == 401


def test_serve_workers_needs_a_broker(cli) -> None:  # type: ignore[no-untyped-def]
    """Without a broker, jobs run inside the serving process: several processes would each resume them."""
    result = cli("serve", "--workers", "2", "--port", "1")
    assert result.code == 3 and "CREATIVE_AI_BROKER_URL" in result.stderr
