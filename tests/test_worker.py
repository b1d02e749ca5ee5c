"""Celery workers on a real Redis (a server of our own on a free port): jobs complete, and survive a killed worker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings
from tests.conftest import base_brief
from tests.servers import free_port, wait_for_port

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path: Path):  # type: ignore[no-untyped-def]
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _worker(workdir: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "creative_ai", "worker", *(options or ("--pool", "solo"))],
        cwd=workdir,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)


def _status(client: TestClient, job_id: str) -> dict:  # type: ignore[type-arg]
    return client.get(f"/campaigns/jobs/{job_id}").json()


def _until(predicate, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def env(workdir: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CREATIVE_AI_BROKER_URL", redis_url)
    monkeypatch.setenv("CREATIVE_AI_OUTPUT_DIR", str(workdir / "out"))
    monkeypatch.setenv("CREATIVE_AI_JOB_VISIBILITY_TIMEOUT", "3")
    return workdir


def test_worker_check_reports_the_worker_and_the_pool_it_was_given(env: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """`worker --check` (the compose healthcheck) fails until this host's worker answers through the broker, then
    names the pool it runs: the one --pool asked for."""
    missing = cli("worker", "--check")
    assert missing.code == 3 and "does not answer" in missing.stderr
    worker = _worker(env, "--pool", "threads", "--concurrency", "2")
    try:
        for _ in range(30):
            answer = cli("worker", "--check")
            if answer.code == 0:
                break
        assert answer.code == 0, answer.stderr
        assert "celery.concurrency.thread:TaskPool" in answer.stdout
    finally:
        _stop(worker)
    assert cli("worker", "--check").code == 3


def test_job_runs_on_a_worker(env: Path) -> None:
    worker = _worker(env)
    try:
        with TestClient(create_app(get_settings())) as client:
            assert client.get("/health").json()["broker"] == "up"
            job = client.post("/campaigns/jobs", json=base_brief(aspect_ratios=["1x1", "9x16"])).json()
            _until(lambda: _status(client, job["job_id"])["status"] not in ("queued", "running"))
            done = _status(client, job["job_id"])
        assert done["status"] == "succeeded" and done["progress"] == {"done": 2, "total": 2}
        assert all((env / v["file_path"]).is_file() for v in done["summary"]["variants"])
    finally:
        _stop(worker)


def test_a_big_campaign_is_shared_by_two_workers(env: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Four products fan out as four parts; two worker processes take them; one manifest covers them all."""
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")
    vendor.latency = 0.5
    brief = base_brief(products=[{"id": f"s{i}", "name": f"Shared {i}"} for i in range(4)], aspect_ratios=["1x1"])
    workers = [_worker(env), _worker(env)]
    try:
        with TestClient(create_app(get_settings())) as client:
            assert client.post("/select-model", json={"provider": "openai"}).status_code == 200
            job = client.post("/campaigns/jobs", json=brief).json()
            _until(lambda: _status(client, job["job_id"])["status"] not in ("queued", "running"))
            done = _status(client, job["job_id"])
    finally:
        for worker in workers:
            _stop(worker)
    assert done["status"] == "succeeded" and done["progress"] == {"done": 4, "total": 4}
    assert [p["status"] for p in done["parts"]] == ["done"] * 4
    assert len({p["worker"] for p in done["parts"]}) == 2, done["parts"]  # both workers took a share
    assert done["summary"]["provider_calls"] == vendor.count("openai") == 4
    manifest = json.loads((env / "out/test-campaign/manifest.json").read_text())
    assert manifest["variants_ok"] == 4 and [v["product_id"] for v in manifest["variants"]] == ["s0", "s1", "s2", "s3"]


def test_killed_worker_loses_nothing_and_repeats_no_finished_call(env: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")
    vendor.latency = 0.7
    brief = base_brief(
        products=[{"id": f"p{i}", "name": f"Product {i}"} for i in range(3)], aspect_ratios=["1x1", "9x16", "16x9"]
    )
    settings = get_settings()
    with TestClient(create_app(settings)) as client:
        assert client.post("/select-model", json={"provider": "openai"}).status_code == 200
        first = _worker(env)
        job = client.post("/campaigns/jobs", json=brief).json()
        db = env / "creative_ai.db"
        _until(lambda: db.exists() and sqlite3.connect(db).execute("select count(*) from heroes").fetchone()[0] >= 3)
        _stop(first, signal.SIGKILL)
        finished = {
            row[0] + "/" + row[1] for row in sqlite3.connect(db).execute("select product_id, size_class from heroes")
        }
        assert _status(client, job["job_id"])["status"] == "running"
        second = _worker(env)
        try:
            _until(lambda: _status(client, job["job_id"])["status"] not in ("queued", "running"), timeout=120)
            done = _status(client, job["job_id"])
        finally:
            _stop(second)
    assert done["status"] == "succeeded" and done["summary"]["variants_ok"] == 9
    calls = Counter((r.body["prompt"].split(" of ")[1].split(".")[0], r.size) for r in vendor.requests)
    sizes = {"1088x1088": "square", "1088x1920": "portrait", "1920x1088": "landscape"}
    per_hero = {f"{name.replace('Product ', 'p')}/{sizes[size]}": n for (name, size), n in calls.items()}
    assert len(per_hero) == 9
    for hero in finished:
        assert per_hero[hero] == 1, (hero, per_hero)  # finished before the kill: never asked again


def test_redis_restart_mid_job_loses_nothing(workdir: Path, tmp_path: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Redis as deployed (append-only file on) restarted while a job runs: the worker reconnects, the job ends."""
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    command = [
        REDIS,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--dir",
        str(data),
    ]

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port)
        return proc

    redis = start()
    monkeypatch.setenv("CREATIVE_AI_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setenv("CREATIVE_AI_OUTPUT_DIR", str(workdir / "out"))
    monkeypatch.setenv("CREATIVE_AI_JOB_VISIBILITY_TIMEOUT", "3")
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")
    vendor.latency = 0.5
    brief = base_brief(products=[{"id": f"r{i}", "name": f"Item {i}"} for i in range(3)], aspect_ratios=["1x1", "9x16"])
    worker = _worker(workdir)
    try:
        with TestClient(create_app(get_settings())) as client:
            assert client.post("/select-model", json={"provider": "openai"}).status_code == 200
            jobs = [
                client.post("/campaigns/jobs", json={**brief, "campaign_id": f"redis-{n}"}).json() for n in range(2)
            ]
            _until(lambda: vendor.count("openai") >= 2)
            redis.terminate()
            redis.wait(timeout=10)
            time.sleep(1.0)
            redis = start()
            for job in jobs:
                _until(lambda job=job: _status(client, job["job_id"])["status"] not in ("queued", "running"), 120)
                assert _status(client, job["job_id"])["status"] == "succeeded"
    finally:
        _stop(worker)
        redis.terminate()
        redis.wait(timeout=10)
