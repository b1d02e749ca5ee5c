"""The HTTP API in-process (FastAPI TestClient over the real app, SQLite file, local store, in-process jobs)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings
from tests.conftest import EXAMPLES, base_brief

KEY = "api-key-for-tests"
HEADERS = {"X-API-Key": KEY}


@pytest.fixture
def client(workdir: Path):  # type: ignore[no-untyped-def]
    settings = get_settings(
        output_dir=workdir / "out",
        database_url=f"sqlite:///{workdir / 'api.db'}",
        assets_dir=workdir / "assets",
        api_key=KEY,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _wait(client: TestClient, job_id: str) -> dict:  # type: ignore[type-arg]
    for _ in range(300):
        body = client.get(f"/campaigns/jobs/{job_id}", headers=HEADERS).json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_health_and_model_selection(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health == {"status": "ok", "database": "up", "broker": "up", "jobs_waiting_for_broker": 0, "detail": None}
    assert client.get("/current-model").json() == {"provider": "local", "model": None, "source": "settings"}
    assert client.post("/select-model", json={"provider": "local"}).status_code == 401
    bad = client.post("/select-model", json={"provider": "local", "model": "nope"}, headers=HEADERS)
    assert bad.status_code == 422 and "no model 'nope'" in bad.json()["detail"]
    keyless = client.post("/select-model", json={"provider": "google"}, headers=HEADERS)  # the alias of gemini
    assert keyless.status_code == 422 and "'gemini'" in keyless.json()["detail"]
    ok = client.post("/select-model", json={"provider": "local", "model": "brand-art-2"}, headers=HEADERS)
    assert ok.status_code == 200
    assert client.get("/current-model").json()["source"] == "database"


def test_every_protected_route_needs_the_key(client: TestClient) -> None:
    brief = base_brief()
    for method, path, kwargs in [
        ("post", "/campaigns/process", {"json": brief}),
        ("post", "/campaigns/jobs", {"json": brief}),
        ("get", "/campaigns/jobs/abc", {}),
        ("get", "/campaigns", {}),
        ("get", "/campaigns/x", {}),
        ("get", "/campaigns/x/files/manifest.json", {}),
        ("post", "/briefs/validate", {"json": brief}),
        ("post", "/select-model", {"json": {"provider": "local"}}),
    ]:
        for headers in ({}, {"X-API-Key": "wrong"}):
            response = getattr(client, method)(path, headers=headers, **kwargs)
            assert response.status_code == 401, (path, headers)
            assert KEY not in response.text


def test_process_returns_an_honest_summary(client: TestClient, workdir: Path) -> None:
    brief = json.loads((EXAMPLES / "brief_multi_product.json").read_text())
    response = client.post("/campaigns/process", json=brief, headers=HEADERS)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["status"] == "succeeded" and summary["variants_ok"] == 9
    first = summary["variants"][0]
    assert (workdir / first["file_path"]).is_file()
    too_long = base_brief(
        campaign_id="partial",
        aspect_ratios=["1x1", "16x9"],
        campaign_message=(
            "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
            " this summer"
        ),
    )
    partial = client.post("/campaigns/process", json=too_long, headers=HEADERS)
    assert partial.status_code == 207 and partial.json()["status"] == "partial"
    listing = client.get("/campaigns", headers=HEADERS).json()
    assert {c["campaign_id"] for c in listing} == {"summer-splash-eu-2025", "partial"}
    detail = client.get("/campaigns/summer-splash-eu-2025", headers=HEADERS).json()
    assert len(detail["variants"]) == 9
    manifest = client.get("/campaigns/summer-splash-eu-2025/files/manifest.json", headers=HEADERS)
    assert manifest.status_code == 200 and manifest.json()["variants_total"] == 9
    png = client.get(
        f"/campaigns/summer-splash-eu-2025/files/{first['file_path'].split('summer-splash-eu-2025/')[1]}",
        headers=HEADERS,
    )
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (base_brief(campaign_id="../../x"), "campaign_id"),
        (base_brief(products=[{"id": "a", "name": "A", "image": "/etc/passwd"}]), None),
        (base_brief(products=[{"id": "a", "name": "A", "image": "../../secret.png"}]), None),
        (base_brief(typo=1), "typo"),
        ([1, 2], ""),
    ],
)
def test_bad_briefs_are_422_with_field_errors(client: TestClient, workdir: Path, body: object, loc: str | None) -> None:
    for path in ("/campaigns/process", "/campaigns/jobs", "/briefs/validate"):
        response = client.post(path, json=body, headers=HEADERS)
        assert response.status_code == 422, (path, response.text)
        detail = response.json()["detail"]
        if loc is not None:
            assert any(item["loc"] == loc for item in detail)
        else:
            assert "inside the assets folder" in detail
    assert not (workdir / "out").exists()


def test_malformed_json_and_oversized_body(client: TestClient) -> None:
    bad = client.post(
        "/campaigns/process", content=b'{"campaign_id": ', headers={**HEADERS, "content-type": "application/json"}
    )
    assert bad.status_code == 422 and "malformed JSON" in bad.text
    huge = client.post(
        "/campaigns/jobs",
        content=b"{" + b" " * 1_100_000 + b"}",
        headers={**HEADERS, "content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_jobs_idempotency_progress_and_unknown_ids(client: TestClient, workdir: Path) -> None:
    brief = base_brief(aspect_ratios=["1x1", "9x16"], locales=["en", "de"])
    first = client.post("/campaigns/jobs", json=brief, headers={**HEADERS, "Idempotency-Key": "k-1"})
    assert first.status_code == 202 and first.json()["status"] == "queued"
    again = client.post("/campaigns/jobs", json=brief, headers={**HEADERS, "Idempotency-Key": "k-1"})
    assert again.json()["job_id"] == first.json()["job_id"]
    conflict = client.post(
        "/campaigns/jobs", json=base_brief(campaign_message="Other"), headers={**HEADERS, "Idempotency-Key": "k-1"}
    )
    assert conflict.status_code == 422
    done = _wait(client, first.json()["job_id"])
    assert done["status"] == "succeeded" and done["progress"] == {"done": 4, "total": 4}
    assert done["started_at"] and done["finished_at"] and done["errors"] == []
    assert all((workdir / v["file_path"]).is_file() for v in done["summary"]["variants"])
    assert client.get("/campaigns/jobs/does-not-exist", headers=HEADERS).status_code == 404


def test_failed_job_reports_per_variant_errors(client: TestClient) -> None:
    brief = base_brief(
        campaign_id="longjob",
        aspect_ratios=["16x9"],
        campaign_message=(
            "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
            " this summer"
        ),
    )
    job = client.post("/campaigns/jobs", json=brief, headers=HEADERS).json()
    done = _wait(client, job["job_id"])
    assert done["status"] == "failed"
    assert done["errors"][0]["aspect_ratio"] == "16x9" and "does not fit" in done["errors"][0]["reason"]


def test_agent_status_shape_and_docs(client: TestClient) -> None:
    status = client.get("/agent/status").json()
    assert {"status", "last_heartbeat", "watching", "open_alerts"} <= set(status)
    assert status["status"] == "not_running" and status["last_heartbeat"] is None and status["open_alerts"] == 0
    schema = client.get("/openapi.json").json()
    for path in (
        "/health",
        "/current-model",
        "/select-model",
        "/campaigns/process",
        "/campaigns/jobs",
        "/campaigns/jobs/{job_id}",
        "/agent/status",
    ):
        assert path in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_files_cannot_leave_the_campaign(client: TestClient, workdir: Path) -> None:
    (workdir / "out").mkdir()
    (workdir / "secret.txt").write_text("no")
    for path in ("../secret.txt", "..%2F..%2Fsecret.txt", "/etc/passwd"):
        response = client.get(f"/campaigns/x/files/{path}", headers=HEADERS)
        assert response.status_code == 404, path


def test_metrics_count_requests_jobs_calls_and_creatives(client: TestClient) -> None:
    response = client.post("/campaigns/process", json=base_brief(aspect_ratios=["1x1", "9x16"]), headers=HEADERS)
    assert response.status_code == 200
    job = client.post("/campaigns/jobs", json=base_brief(campaign_id="second"), headers=HEADERS).json()
    _wait(client, job["job_id"])
    text = client.get("/metrics").text
    assert 'creative_ai_http_requests_total{method="POST",route="/campaigns/process",status="200"} 1.0' in text
    assert 'creative_ai_jobs{status="succeeded"} 1.0' in text
    assert 'creative_ai_provider_calls_total{outcome="ok",provider="local"} 2.0' in text
    assert 'creative_ai_creatives{status="ok"} 3.0' in text
    assert KEY not in text


def test_api_and_jobs_on_postgresql(workdir: Path, postgres_url: str) -> None:
    """The same flows with PostgreSQL as the database: process, a job with Idempotency-Key, selection, approvals."""
    settings = get_settings(output_dir=workdir / "out", database_url=postgres_url, assets_dir=workdir / "assets")
    with TestClient(create_app(settings)) as pg:
        assert pg.get("/health").json()["database"] == "up"
        assert pg.post("/campaigns/process", json=base_brief(aspect_ratios=["1x1", "9x16"])).status_code == 200
        job = pg.post("/campaigns/jobs", json=base_brief(campaign_id="pg-job"), headers={"Idempotency-Key": "pg"})
        assert (
            pg.post("/campaigns/jobs", json=base_brief(campaign_id="pg-job"), headers={"Idempotency-Key": "pg"}).json()[
                "job_id"
            ]
            == job.json()["job_id"]
        )
        for _ in range(300):
            status = pg.get(f"/campaigns/jobs/{job.json()['job_id']}").json()
            if status["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert status["status"] == "succeeded"
        assert pg.post("/select-model", json={"provider": "local"}).json()["source"] == "database"
        decided = pg.post(
            "/gallery/test-campaign/decisions",
            content="product_id=prod_a&locale=en&aspect_ratio=1x1&decision=approved&comment=ok",
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert decided.status_code == 303
        assert "approved" in pg.get("/gallery/test-campaign").text


def test_in_process_jobs_left_unfinished_resume_on_restart(workdir: Path) -> None:
    from creative_ai.db.repository import Repository
    from creative_ai.jobs.outcome import confined_brief
    from creative_ai.jobs.submit import submit_job

    settings = get_settings(
        output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}", assets_dir=workdir / "assets"
    )
    repo = Repository.open(settings.database_url)
    brief = confined_brief(base_brief(campaign_id="left-over"), assets_dir=settings.assets_dir)
    job_id = submit_job(brief, repo=repo, provider=None, idempotency_key=None).job.id  # accepted, never run
    with TestClient(create_app(settings)) as client:
        _wait(client, job_id)
        assert client.get(f"/campaigns/jobs/{job_id}").json()["status"] == "succeeded"


def _seed_view(summary: dict) -> dict:  # type: ignore[type-arg]
    """The seed system's keys, as its README names them, read from our summary's own keys."""
    return {
        "total_variants": summary["variants_total"],
        "assets_reused": summary["heroes_reused"],
        "new_generations": summary["heroes_generated"],
        "results": [
            {
                "product_id": v["product_id"],
                "ratio": v["aspect_ratio"],
                "path": v["file_path"],
                "reused": v["reused"],
                "success": v["status"] == "ok",
                "error": v["reason"],
            }
            for v in summary["variants"]
        ],
    }


def test_answers_carry_the_seed_systems_keys(client: TestClient, workdir: Path) -> None:
    """A seed client reads total_variants, assets_reused, new_generations and results[] from the sync answer and
    from a finished job; a job without a summary has them null."""
    brief = base_brief(
        campaign_id="seedkeys",
        aspect_ratios=["1x1", "16x9"],
        campaign_message=(
            "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
            " this summer"
        ),
    )
    first = client.post("/campaigns/process", json=brief, headers=HEADERS).json()
    assert {k: first[k] for k in ("total_variants", "assets_reused", "new_generations", "results")} == _seed_view(first)
    assert first["total_variants"] == 2 and first["new_generations"] >= 1 and first["assets_reused"] == 0
    made, refused = ({r["ratio"]: r for r in first["results"]}[ratio] for ratio in ("1x1", "16x9"))
    assert made["success"] is True and made["error"] is None and (workdir / made["path"]).is_file()
    assert refused["ratio"] == "16x9" and refused["success"] is False and "does not fit" in refused["error"]
    again = client.post("/campaigns/process", json=brief, headers=HEADERS).json()
    assert again["assets_reused"] >= 1 and again["new_generations"] == 0
    job = client.post("/campaigns/jobs", json={**brief, "campaign_id": "seedjob"}, headers=HEADERS).json()
    done = _wait(client, job["job_id"])
    assert done["summary"] is not None
    assert {k: done[k] for k in ("total_variants", "assets_reused", "new_generations", "results")} == _seed_view(
        done["summary"]
    )
    repo = client.app.state.runtime.repo  # type: ignore[attr-defined]
    repo.create_job(
        job_id="no-summary-yet",
        campaign_id="seedjob",
        brief=base_brief(campaign_id="seedjob"),
        request_sha256="0" * 64,
        provider=None,
        idempotency_key=None,
        correlation_id=None,
    )
    waiting = client.get("/campaigns/jobs/no-summary-yet", headers=HEADERS).json()
    assert waiting["summary"] is None
    assert [waiting[k] for k in ("total_variants", "assets_reused", "new_generations", "results")] == [None] * 4
