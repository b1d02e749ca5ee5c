"""Structured logs from the served API: JSON lines, one correlation id from the request through its job."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx

from tests.conftest import base_brief
from tests.servers import served_api

KEY = "log-test-key-5521"


def test_request_and_job_share_a_correlation_id(workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "CREATIVE_AI_API_KEY": KEY,
        "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out"),
        "CREATIVE_AI_PROVIDER": "openai",
    }
    vendor.fail("openai", "500", times=1)
    headers = {"X-API-Key": KEY, "X-Request-ID": "req-7f00c0ffee"}
    with served_api(workdir, env) as server:
        submitted = httpx.post(f"{server.url}/campaigns/jobs", json=base_brief(), headers=headers)
        assert submitted.headers["X-Request-ID"] == "req-7f00c0ffee"
        job_id = submitted.json()["job_id"]
        for _ in range(300):
            status = httpx.get(f"{server.url}/campaigns/jobs/{job_id}", headers={"X-API-Key": KEY}).json()["status"]
            if status not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert status == "succeeded"
    output = server.log()
    events = [json.loads(line) for line in output.decode().splitlines() if line.startswith("{")]
    mine = {e["event"] for e in events if e.get("correlation_id") == "req-7f00c0ffee"}
    assert {"request", "job_started", "provider_attempt_failed", "job_finished"} <= mine
    request = next(e for e in events if e["event"] == "request" and e.get("correlation_id") == "req-7f00c0ffee")
    assert request["route"] == "/campaigns/jobs" and request["status"] == 202 and request["timestamp"].endswith("Z")
    assert KEY.encode() not in output and vendor.openai_key.encode() not in output


def test_another_librarys_line_names_hosts_never_paths_queries_or_passwords() -> None:
    import logging

    from creative_ai.logs import JsonLines

    record = logging.LogRecord(
        "somelib", logging.WARNING, __file__, 1,
        'GET https://api.example.com/v1/files/secret.png?key=sk-live-1 "200" via redis://:hunter2@cache:6379/0',
        None, None,
    )  # fmt: skip
    line = json.loads(JsonLines().format(record))
    assert line["event"] == 'GET https://api.example.com/… "200" via redis://cache:6379/…'
    assert line["logger"] == "somelib" and line["level"] == "warning"
