"""A self-healing queue, tested with a real Redis and a real Celery worker: a job submitted while the broker is down
is kept and runs once it is back; parts a broker restart without its data lost are sent again from the database;
no hero already answered is paid for again (the fake vendor counts). Reconcilers racing send each thing once."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.brief import parse_brief
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.reconcile import reconcile
from creative_ai.jobs.submit import submit_job
from tests.conftest import base_brief
from tests.fake_vendor import FakeVendor
from tests.servers import free_port, wait_for_port
from tests.test_worker import REDIS, _status, _stop, _until, _worker


def _redis(port: int, folder: Path) -> subprocess.Popen[bytes]:
    assert REDIS is not None
    command = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc


@pytest.fixture
def broker(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    monkeypatch.setenv("CREATIVE_AI_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setenv("CREATIVE_AI_OUTPUT_DIR", str(workdir / "out"))
    monkeypatch.setenv("CREATIVE_AI_JOB_VISIBILITY_TIMEOUT", "3")
    monkeypatch.setenv("CREATIVE_AI_RECONCILE_INTERVAL", "0.5")
    return port


def _per_hero(vendor: FakeVendor) -> Counter[tuple[str, str]]:
    return Counter((r.body["prompt"].split(" of ")[1].split(".")[0], r.size) for r in vendor.requests)


def test_a_job_submitted_while_the_broker_is_down_runs_when_it_is_back(workdir: Path, broker: int) -> None:
    brief = base_brief(products=[{"id": "d0", "name": "Down Zero"}, {"id": "d1", "name": "Down One"}])
    with TestClient(create_app(get_settings())) as client:
        accepted = client.post("/campaigns/jobs", json=brief, headers={"Idempotency-Key": "k-1"})
        assert accepted.status_code == 202, accepted.text  # kept, not a 500
        job = accepted.json()
        assert job["status"] == "queued" and job["waiting_for_broker"] is True
        assert _status(client, job["job_id"])["waiting_for_broker"] is True
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["broker"] == "down"
        assert health.json()["jobs_waiting_for_broker"] == 1
        again = client.post("/campaigns/jobs", json=brief, headers={"Idempotency-Key": "k-1"}).json()
        assert again["job_id"] == job["job_id"] and again["waiting_for_broker"] is True  # the same job, which will run
        redis = _redis(broker, workdir)
        worker = _worker(workdir)
        try:
            _until(lambda: _status(client, job["job_id"])["status"] not in ("queued", "running"), timeout=120)
            done = _status(client, job["job_id"])
            after = client.get("/health").json()
        finally:
            _stop(worker)
            redis.terminate()
            redis.wait(timeout=10)
    assert done["status"] == "succeeded" and done["summary"]["variants_ok"] == 2
    assert done["waiting_for_broker"] is False
    assert after["broker"] == "up" and after["jobs_waiting_for_broker"] == 0


def test_parts_a_broker_restart_without_its_data_lost_are_sent_again(
    workdir: Path, broker: int, vendor: FakeVendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")
    vendor.latency = 0.6
    brief = base_brief(products=[{"id": f"l{i}", "name": f"Lost {i}"} for i in range(4)], aspect_ratios=["1x1", "9x16"])
    redis = _redis(broker, workdir)
    worker = _worker(workdir)
    try:
        with TestClient(create_app(get_settings())) as client:
            assert client.post("/select-model", json={"provider": "openai"}).status_code == 200
            job = client.post("/campaigns/jobs", json=brief).json()
            _until(lambda: vendor.count("openai") >= 1)
            redis.send_signal(signal.SIGKILL)  # no persistence: the queued parts are gone with it
            redis.wait(timeout=10)
            redis = _redis(broker, workdir)
            _until(lambda: _status(client, job["job_id"])["status"] not in ("queued", "running"), timeout=180)
            done = _status(client, job["job_id"])
    finally:
        _stop(worker)
        redis.terminate()
        redis.wait(timeout=10)
    assert done["status"] == "succeeded" and done["summary"]["variants_ok"] == 8, done
    assert set(_per_hero(vendor).values()) == {1} and len(_per_hero(vendor)) == 8  # each hero paid for once


class _Recording(JobQueue):
    def __init__(self) -> None:
        self.sent: list[tuple[str, ...]] = []

    def enqueue(self, job_id: str) -> None:
        self.sent.append((job_id,))

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self.sent.append((job_id, product_id))


def test_reconcilers_send_lost_work_once_and_leave_live_work_alone(workdir: Path) -> None:
    settings = get_settings(job_visibility_timeout=60)
    repo = Repository.open(settings.database_url)
    brief = parse_brief(base_brief(products=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]))
    fresh = submit_job(brief, repo=repo, provider=None, idempotency_key=None).job
    never = submit_job(brief, repo=repo, provider=None, idempotency_key="never").job
    repo.set_dispatched(never.id, at=None)  # the broker was down at its submit
    running = submit_job(brief, repo=repo, provider=None, idempotency_key="running").job
    repo.update_job(running.id, status="running")
    repo.ensure_parts(running.id, ["a", "b"])
    assert repo.claim_part(running.id, "a", worker="w", lease_s=30, max_attempts=3)[0] == "claimed"
    first, second = _Recording(), _Recording()
    assert reconcile(first, repo, settings) + reconcile(second, repo, settings) == 1
    assert first.sent + second.sent == [(never.id,)]  # the fresh job and the fresh parts are the broker's
    later = utcnow() + timedelta(seconds=61)  # the broker has had them for a whole visibility timeout
    third = _Recording()
    reconcile(third, repo, settings, now=later)
    sent = set(third.sent)
    assert (fresh.id,) in sent and (running.id, "b") in sent  # queued parts and jobs the broker may have lost
    assert (running.id, "a") not in sent  # its worker is alive (heartbeat within the lease)
