"""The API never blocks its event loop: what a route does with the database, the broker, the store or the disk runs
in the thread pool, so the slow calls of several requests overlap. A real uvicorn server (in a thread of this
process, so a call can be replaced) answers concurrent clients; the replaced call makes every caller wait until all
of them are inside it at once, which can only happen when none of them holds the event loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

import creative_ai.jobs.intake as intake
from creative_ai.api import create_app
from creative_ai.config import Settings, get_settings
from creative_ai.errors import ConfigurationError
from creative_ai.jobs.queue import JobQueue
from tests.conftest import base_brief
from tests.servers import free_port

KEY = "nonblocking-key-0123"
HEADERS = {"X-API-Key": KEY}
CALLERS = Settings.model_fields["api_threads"].default  # as many as an API process has route threads


class KeptJobs(JobQueue):
    """A queue that keeps the job ids (nothing runs: the test is about the request, not the job)."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.ids.append(job_id)

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self.ids.append(f"{job_id}/{product_id}")


class Meeting:
    """Wraps a call: each caller waits until ``CALLERS`` callers are inside at once (or the meeting breaks after a
    few seconds: a caller holding the event loop keeps the others out), then goes on to ``then``."""

    def __init__(self, then: Callable[..., Any]) -> None:
        self.then = then
        self.barrier = threading.Barrier(CALLERS, timeout=5)
        self.met: list[bool] = []
        self.release = threading.Event()  # set by the test once it has been answered while they all wait here

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            self.barrier.wait()
            self.met.append(True)
        except threading.BrokenBarrierError:
            self.met.append(False)
        self.release.wait(timeout=10)
        return self.then(*args, **kwargs)


def _stop(*_args: Any, **_kwargs: Any) -> Any:
    raise ConfigurationError("stopped here by the test")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(400):
            if server.started:
                break
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def app(workdir: Path) -> FastAPI:
    settings = get_settings(
        output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}", assets_dir=workdir, api_key=KEY
    )
    made = create_app(settings, queue=KeptJobs())
    made.state.runtime.repo.migrate()
    return made


def _brief(i: int) -> dict[str, Any]:
    return {"json": base_brief(campaign_id=f"overlap-{i}"), "headers": HEADERS}


def _decision(i: int) -> dict[str, Any]:
    form = f"decision=approved&product_id=p{i}&locale=en&aspect_ratio=1x1"
    return {"content": form.encode(), "headers": {**HEADERS, "content-type": "application/x-www-form-urlencoded"}}


# route, request, what is replaced (on the app's runtime or repository, or a module), the call after the meeting
# (None: the real one), the answer expected
CASES = {
    "submit a job": ("/campaigns/jobs", _brief, ("repo", "create_job"), None, 202),
    "process a brief": ("/campaigns/process", _brief, ("runtime", "chain"), _stop, 503),
    "validate a brief": ("/briefs/validate", _brief, ("module", "plan_campaign"), None, 200),
    "record a decision": ("/gallery/overlap/decisions", _decision, ("repo", "variants"), None, 404),
}


@pytest.mark.parametrize("case", CASES)
def test_slow_calls_of_concurrent_requests_overlap(app: FastAPI, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    path, request, (owner_name, attribute), then, expected = CASES[case]
    runtime = app.state.runtime
    owner = {"repo": runtime.repo, "runtime": runtime, "module": intake}[owner_name]
    meeting = Meeting(then or getattr(owner, attribute))
    monkeypatch.setattr(owner, attribute, meeting)
    with serving(app) as url, ThreadPoolExecutor(CALLERS) as pool:
        pending = [pool.submit(lambda i: httpx.post(url + path, timeout=60, **request(i)), i) for i in range(CALLERS)]
        for _ in range(200):
            if len(meeting.met) == CALLERS:
                break
            time.sleep(0.05)
        # Every route thread is inside the slow call: the event loop still answers what needs no thread.
        schema = httpx.get(url + "/openapi.json", timeout=5)
        meeting.release.set()
        answers = [p.result() for p in pending]
    assert schema.status_code == 200
    assert [a.status_code for a in answers] == [expected] * CALLERS, answers[0].text
    assert meeting.met == [True] * CALLERS  # all were inside the slow call at once
    if case == "submit a job":
        assert len(set(app.state.queue.ids)) == CALLERS
