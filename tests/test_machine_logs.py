"""Logs for machines: every line a running ``serve`` and ``worker`` write to stderr is a JSON object (the web
server's and the worker's own lines included, a traceback inside its line), and outgoing request URLs are not
logged. Read back from the processes' real output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings
from tests.conftest import base_brief
from tests.servers import redis_server, served_api

KEY = "machine-logs-key-0123"


def _lines(raw: bytes) -> list[dict]:  # type: ignore[type-arg]
    lines = [line for line in raw.decode(errors="replace").splitlines() if line.strip()]
    bad = [line for line in lines if not line.startswith("{")]
    assert not bad, bad[:5]
    return [json.loads(line) for line in lines]


def test_every_line_serve_prints_is_json(workdir: Path) -> None:
    env = {**os.environ, "CREATIVE_AI_API_KEY": KEY, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    with served_api(workdir, env) as server:
        httpx.get(f"{server.url}/health", timeout=10)
        httpx.get(f"{server.url}/campaigns", timeout=10)  # 401
        httpx.get(f"{server.url}/no-such-route", timeout=10)  # 404
        httpx.post(f"{server.url}/campaigns/jobs", content=b"{not json", headers={"X-API-Key": KEY}, timeout=10)
        job = httpx.post(f"{server.url}/campaigns/jobs", json=base_brief(), headers={"X-API-Key": KEY}, timeout=10)
        for _ in range(300):
            got = httpx.get(f"{server.url}/campaigns/jobs/{job.json()['job_id']}", headers={"X-API-Key": KEY})
            if got.json()["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
    events = _lines(server.log())
    loggers = {e.get("logger") for e in events}
    assert "uvicorn.error" in loggers  # the server's own lines, as JSON
    assert any("Started server process" in e["event"] for e in events)
    # One line per request, from the app (the server's own access line is off: it had no correlation id), the
    # refused and the hostile ones included.
    requests = [e for e in events if e["event"] == "request"]
    assert "uvicorn.access" not in loggers
    statuses = [(e["method"], e["route"], e["status"]) for e in requests]
    assert ("GET", "/health", 200) in statuses
    assert ("GET", "/campaigns", 401) in statuses
    assert ("GET", "unmatched", 404) in statuses
    assert ("POST", "/campaigns/jobs", 422) in statuses
    assert ("POST", "/campaigns/jobs", 202) in statuses
    assert all(e["correlation_id"] and isinstance(e["duration_ms"], float) for e in requests)


def test_every_line_a_worker_prints_to_stderr_is_json(workdir: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with redis_server(tmp_path) as broker:
        monkeypatch.setenv("CREATIVE_AI_BROKER_URL", broker)
        monkeypatch.setenv("CREATIVE_AI_OUTPUT_DIR", str(workdir / "out"))
        err = workdir / "worker.err"
        with err.open("wb") as sink:
            worker = subprocess.Popen(
                [sys.executable, "-m", "creative_ai", "worker", "--pool", "solo"],
                cwd=workdir,
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                stderr=sink,
                start_new_session=True,
            )
        try:
            with TestClient(create_app(get_settings())) as client:
                job = client.post("/campaigns/jobs", json=base_brief()).json()
                for _ in range(1200):
                    if client.get(f"/campaigns/jobs/{job['job_id']}").json()["status"] not in ("queued", "running"):
                        break
                    time.sleep(0.05)
                assert client.get(f"/campaigns/jobs/{job['job_id']}").json()["status"] == "succeeded"
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    events = _lines(err.read_bytes())
    assert any(e.get("logger", "").startswith("celery") for e in events)  # the worker's own lines, as JSON
    assert {"job_started", "part_started"} <= {e["event"] for e in events}
