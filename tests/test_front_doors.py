"""How the front doors compose a run: what they refuse, and when they touch the database."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.brief import parse_brief
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.jobs.submit import submit_job
from tests.conftest import base_brief
from tests.servers import free_port

PRODUCTS = [{"id": f"item-{i}", "name": f"Item {i}"} for i in range(3)]


def _finished(client: TestClient, job_id: str) -> dict:  # type: ignore[type-arg]
    for _ in range(600):
        body = client.get(f"/campaigns/jobs/{job_id}").json()
        if body["status"] not in ("queued", "running"):
            return body  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never ended: {body}")


def test_the_api_starts_and_reports_while_its_database_and_broker_are_down(workdir: Path) -> None:
    dead = free_port()
    settings = get_settings(
        database_url=f"postgresql+psycopg://nobody@127.0.0.1:{dead}/none?connect_timeout=1",
        broker_url=f"redis://127.0.0.1:{dead}/0",
    )
    with TestClient(create_app(settings)) as client:  # starts: nothing is migrated before a request needs it
        health = client.get("/health")
        # Anyone may ask: up or down per dependency, never a host, port, URL or driver message.
        assert health.status_code == 503
        assert health.json() == {
            "status": "down",
            "database": "down",
            "broker": "down",
            "jobs_waiting_for_broker": None,
            "detail": None,
        }
        assert "127.0.0.1" not in health.text and str(dead) not in health.text


def test_a_refused_provider_choice_leaves_no_database_behind(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("providers", "select", "nonesuch")
    assert result.code == 3 and "nonesuch" in result.stderr and "Traceback" not in result.stderr
    assert not (workdir / "creative_ai.db").exists()
    assert cli("providers", "select", "local").code == 0 and (workdir / "creative_ai.db").is_file()


def test_a_fanned_out_job_whose_brief_one_run_refuses_fails_before_any_part(workdir: Path) -> None:
    products = [*PRODUCTS[:2], {"id": "item-2", "name": "Item 2", "image": "products/missing.png"}]
    settings = get_settings(output_dir=workdir / "out", assets_dir=workdir / "assets")
    with TestClient(create_app(settings)) as client:
        job = client.post("/campaigns/jobs", json=base_brief(products=products, aspect_ratios=["1x1"])).json()
        body = _finished(client, job["job_id"])
    assert body["status"] == "failed" and "products[2].image" in body["error"], body
    assert body["parts"] == []  # refused as one run would be: no part ran
    assert not list((workdir / "out").rglob("*.png"))  # nothing made for the other products


def test_a_fanned_out_job_ends_even_when_its_store_cannot_be_built(workdir: Path) -> None:
    settings = get_settings(store_url="s3://bucket/prefix", s3_endpoint_url="not a url")
    repo = Repository.open(settings.database_url)
    job = submit_job(parse_brief(base_brief(products=PRODUCTS)), repo=repo, provider=None, idempotency_key=None).job
    queue = InProcessJobs(settings=settings, repo=repo)
    queue.enqueue(job.id)
    for _ in range(600):
        ended = repo.job(job.id)
        if ended is not None and ended.status not in ("queued", "running"):
            break
        time.sleep(0.05)
    queue.close()
    assert ended is not None and ended.status == "failed" and "internal error" in (ended.error or "")
    assert {p.status for p in repo.parts(job.id)} == {"failed"}
