"""Jobs always finish: a process that ran jobs in-process (no broker) ends them before it exits, or hands them back
to the database as ``queued`` for the next process; none is left ``running``. Seen from outside: real
``creative-ai`` processes, the official MCP client over stdio, the database read afterwards."""

# ruff: noqa: F811 - the tests take the `env` fixture imported below as an argument

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.jobs.outcome import confined_brief
from creative_ai.jobs.submit import submit_job
from tests.conftest import base_brief
from tests.test_agent import env  # noqa: F401 - the agent's environment: SMTP sink, webhook, inbox

ENDED = ("succeeded", "partial", "failed")
TWO = [{"id": "p1", "name": "P1", "description": "one"}, {"id": "p2", "name": "P2", "description": "two"}]


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        return list(con.execute(sql))


def test_agent_once_exits_after_the_jobs_it_took_from_the_inbox_ended(cli, env: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The first image call of the three fails (no retry): its campaign ends partial (two products) or failed (one).
    monkeypatch.setenv("CREATIVE_AI_PROVIDER", "openai")
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    vendor.fail("openai", "500", times=1)
    inbox = env / "inbox"
    inbox.mkdir()
    for name, products in (("two", TWO), ("one", TWO[:1])):
        (inbox / f"{name}.json").write_text(json.dumps(base_brief(campaign_id=f"drain-{name}", products=products)))
    result = cli("agent", "--once")
    assert result.code == 0, result.stderr
    db = env / "creative_ai.db"
    jobs = dict(_rows(db, "select campaign_id, status from jobs"))
    assert sorted(jobs.items()) in (
        [("drain-one", "succeeded"), ("drain-two", "partial")],
        [("drain-one", "failed"), ("drain-two", "succeeded")],
    ), jobs
    assert _rows(db, "select count(*) from job_parts where status not in ('done', 'failed')") == [(0,)]
    made = list((env / "out").glob("drain-*/*/1x1/*_1x1_en.png"))
    assert len(made) == 2, made  # every creative but the one whose image call failed
    for campaign in jobs:
        assert (env / "out" / campaign / "manifest.json").is_file()
    # The run that ended short is alerted on in the same pass (the pass waited for its jobs before the rules
    # looked): a warning when it made some creatives, critical when it made none.
    ((short, status),) = [(c, s) for c, s in jobs.items() if s != "succeeded"]
    alerts = _rows(db, "select campaign_id, severity, status from alerts where rule = 'run_failed'")
    assert alerts == [(short, "warning" if status == "partial" else "critical", "open")], alerts


def _resume(db: Path, workdir: Path) -> None:
    """What the next process does with jobs handed back (``serve`` at start): run them to their end."""
    settings = get_settings(output_dir=workdir / "out")
    repo = Repository.open(f"sqlite:///{db}")
    queue = InProcessJobs(settings=settings, repo=repo)
    for job_id in repo.unfinished_jobs():
        queue.enqueue(job_id)
    queue.close()


def test_an_mcp_session_that_ends_leaves_no_job_running(workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The vendor answers slower than the stdio client waits for the server after closing its stdin (it then
    # stops it with SIGTERM): the job cannot finish before the process is stopped, so it must be handed over.
    vendor.latency = 5.0
    monkeypatch.setenv("CREATIVE_AI_PROVIDER", "openai")
    monkeypatch.setenv("CREATIVE_AI_REQUEST_TIMEOUT", "30")
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    server_env = {**os.environ, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out"), "CREATIVE_AI_MCP_ACTIONS": "true"}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "creative_ai", "mcp"], env=server_env, cwd=str(workdir)
    )
    log = workdir / "mcp-stderr.log"

    async def session() -> dict[str, Any]:
        with log.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                result = await client.call_tool("submit_brief", {"brief": base_brief(campaign_id="mcp-drain")})
                assert not result.is_error, result
                return dict(result.structured_content or {})

    submitted = anyio.run(session)  # returns once the server process has exited (or was killed)
    db = workdir / "creative_ai.db"
    ((status,),) = _rows(db, f"select status from jobs where id = '{submitted['job_id']}'")
    assert status in (*ENDED, "queued"), (status, log.read_text()[-2000:])
    assert _rows(db, "select count(*) from job_parts where status = 'running'") == [(0,)]
    if status == "queued":  # handed over: the next process runs it to its end
        assert "jobs_handed_over" in log.read_text()
        vendor.latency = 0.0
        _resume(db, workdir)
        ((status,),) = _rows(db, f"select status from jobs where id = '{submitted['job_id']}'")
    assert status == "succeeded"
    assert (workdir / "out" / "mcp-drain" / "manifest.json").is_file()


@pytest.fixture
def executor(workdir: Path) -> tuple[InProcessJobs, Repository, Callable[[str], str]]:
    settings = get_settings(output_dir=workdir / "out")
    repo = Repository.open(settings.database_url)
    repo.migrate()
    queue = InProcessJobs(settings=settings, repo=repo)

    def submit(campaign: str) -> str:
        brief = confined_brief(base_brief(campaign_id=campaign, products=TWO), assets_dir=settings.assets_dir)
        return submit_job(brief, repo=repo, provider="local", idempotency_key=None).job.id

    return queue, repo, submit


def test_close_waits_for_a_job_sent_while_it_closes_and_for_the_parts_that_job_queues(executor) -> None:  # type: ignore[no-untyped-def]
    queue, repo, submit = executor
    job_id = submit("close-race")
    pool = queue._pool
    real_submit, real_shutdown = pool.submit, pool.shutdown
    sent, shut = threading.Event(), threading.Event()

    def slow_submit(*args: Any, **kwargs: Any) -> Any:
        # The job reaches the pool, then its sender is held up until the pool is shut down (or half a second, when
        # the close waits for the send); the job's parts are queued no sooner either. The close must see them all.
        name = threading.current_thread().name
        if name.startswith("job"):
            shut.wait(0.5)
        future = real_submit(*args, **kwargs)
        if name == "sender":
            sent.set()
            shut.wait(0.5)
        return future

    def shutdown(*args: Any, **kwargs: Any) -> None:
        threading.Timer(0.2, shut.set).start()
        real_shutdown(*args, **kwargs)

    pool.submit = slow_submit  # type: ignore[method-assign]
    pool.shutdown = shutdown  # type: ignore[method-assign]
    sender = threading.Thread(target=dispatch, args=(queue, repo, job_id), name="sender")
    sender.start()
    assert sent.wait(10)
    closer = threading.Thread(target=queue.close, name="closer")
    closer.start()
    closer.join(60)
    sender.join(5)
    assert not closer.is_alive()
    job = repo.job(job_id)
    assert job is not None and job.status == "succeeded", (job.status if job else None, job.error if job else None)
    assert sorted((p.product_id, p.status) for p in repo.parts(job_id)) == [("p1", "done"), ("p2", "done")]


def test_a_job_sent_after_close_is_recorded_as_not_sent_not_lost(executor) -> None:  # type: ignore[no-untyped-def]
    queue, repo, submit = executor
    queue.close()
    job_id = submit("after-close")
    assert dispatch(queue, repo, job_id) is False  # refused, and recorded so a reconciler or the next process sends it
    job = repo.job(job_id)
    assert job is not None and job.status == "queued" and job.dispatched_at is None


def test_a_close_that_cannot_wait_hands_the_unfinished_job_back_as_queued(executor) -> None:  # type: ignore[no-untyped-def]
    queue, repo, submit = executor
    job_id = submit("handed-back")
    release = threading.Event()

    def stuck() -> None:  # a job that cannot end in time (a provider call that hangs)
        repo.update_job(job_id, status="running")
        release.wait(10)

    queue._submit(job_id, stuck)
    try:
        queue.close(timeout=0.3)
        job = repo.job(job_id)
        assert job is not None and (job.status, job.dispatched_at) == ("queued", None)  # the next process runs it
        assert dispatch(queue, repo, job_id) is False  # and this one takes nothing more
    finally:
        release.set()
