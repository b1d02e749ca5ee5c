"""Claims on job parts: one live claim at a time, a dead worker's claim lapses, attempts are capped, a crash or a
superseded attempt never leaves a job running, and one caller publishes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from creative_ai import runtime
from creative_ai.brief import parse_brief
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.jobs import fanout
from creative_ai.jobs.submit import submit_job
from tests.conftest import base_brief

PRODUCTS = [{"id": "p0", "name": "Zero"}, {"id": "p1", "name": "One"}]


@pytest.fixture
def setup(workdir: Path):  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=workdir / "out", job_visibility_timeout=2)  # lease: 1 s
    repo = Repository.open(settings.database_url)
    job = submit_job(parse_brief(base_brief(products=PRODUCTS)), repo=repo, provider=None, idempotency_key=None).job
    repo.ensure_parts(job.id, ["p0", "p1"])
    repo.update_job(job.id, status="running")
    return settings, repo, job.id


def test_a_live_claim_is_busy_a_dead_one_lapses_and_attempts_are_capped(setup) -> None:  # type: ignore[no-untyped-def]
    _settings, repo, job_id = setup
    claim = dict(lease_s=1.0, max_attempts=2)
    assert repo.claim_part(job_id, "p0", worker="w1", **claim) == ("claimed", 1)
    assert repo.claim_part(job_id, "p0", worker="w2", **claim) == ("busy", 1)
    repo.beat_part(job_id, "p0", 1)
    later = utcnow() + timedelta(seconds=1.2)  # w1 stopped beating: its claim lapses
    assert repo.claim_part(job_id, "p0", worker="w2", now=later - timedelta(seconds=0.5), **claim) == ("busy", 1)
    assert repo.claim_part(job_id, "p0", worker="w2", now=later, **claim) == ("claimed", 2)
    assert repo.finish_part(job_id, "p0", 1, status="done") is False  # w1's late answer is not recorded
    assert repo.claim_part(job_id, "p0", worker="w3", now=later + timedelta(seconds=1.2), **claim) == ("exhausted", 2)
    (p0,) = [p for p in repo.parts(job_id) if p.product_id == "p0"]
    assert p0.status == "failed" and "gave up after 2 attempts" in (p0.error or "")
    assert repo.claim_part(job_id, "p0", worker="w4", **claim) == ("finished", 2)


def test_a_crashing_part_fails_its_product_and_the_job_still_ends(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings, repo, job_id = setup
    real = runtime.run_campaign

    def flaky(brief, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs["products"] == ["p1"]:
            raise RuntimeError("disk on fire")
        return real(brief, **kwargs)

    monkeypatch.setattr(runtime, "run_campaign", flaky)
    assert fanout.execute_part(job_id, "p0", settings=settings, repo=repo) == "ran"
    assert repo.job(job_id).status == "running"  # type: ignore[union-attr]
    assert fanout.execute_part(job_id, "p1", settings=settings, repo=repo) == "ran"
    job = repo.job(job_id)
    assert job is not None and job.status == "partial"
    failed = [v for v in job.summary["variants"] if v["status"] == "failed"]  # type: ignore[index]
    assert [v["product_id"] for v in failed] == ["p1"] and "internal error (RuntimeError)" in failed[0]["reason"]
    assert fanout.execute_part(job_id, "p1", settings=settings, repo=repo) == "gone"  # a late redelivery


def test_only_one_caller_publishes(setup) -> None:  # type: ignore[no-untyped-def]
    _settings, repo, job_id = setup
    assert repo.claim_publish(job_id, lease_s=60) is True
    assert repo.claim_publish(job_id, lease_s=60) is False
    assert repo.claim_publish(job_id, lease_s=0) is True  # the first publisher died: its claim lapsed
