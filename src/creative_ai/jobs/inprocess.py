"""The embedded executor: jobs run on a small thread pool inside the serving process (no broker)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.fanout import execute_part
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.runner import execute_job


class InProcessJobs(JobQueue):
    """Runs jobs on a thread pool inside the serving process (the embedded default)."""

    def __init__(
        self, *, settings: Settings, repo: Repository, workers: int = 2, checks: CheckSuite | None = None
    ) -> None:
        self.settings, self.repo = settings, repo
        self.checks = checks or CheckSuite.from_settings(settings)  # shared by this executor's jobs
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def _submit(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        future = self._pool.submit(call, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def enqueue(self, job_id: str) -> None:
        self._submit(execute_job, job_id, settings=self.settings, repo=self.repo, queue=self, checks=self.checks)

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self._submit(execute_part, job_id, product_id, settings=self.settings, repo=self.repo, checks=self.checks)

    def ping(self) -> tuple[bool, str]:
        return True, "in-process jobs (no broker configured)"

    def close(self) -> None:
        """Wait for every job and the parts they queue (a job queues its parts while it runs), then stop."""
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                break
            wait(pending)
        self._pool.shutdown(wait=True)
