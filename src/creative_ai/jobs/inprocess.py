"""The embedded executor: jobs run on a small thread pool inside the serving process (no broker).

Closing drains it: every job, and every part a job queues while it runs (even while the close waits), runs to
its end first. A process that cannot wait (it is being stopped) hands its unfinished jobs over instead
(:meth:`InProcessJobs.hand_over`): they go back to ``queued`` in the database for the next process, never left
``running``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import QueueUnavailable
from creative_ai.jobs.fanout import execute_part
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.runner import execute_job
from creative_ai.logs import log


class InProcessJobs(JobQueue):
    """Runs jobs on a thread pool inside the serving process (the embedded default)."""

    def __init__(
        self, *, settings: Settings, repo: Repository, workers: int = 2, checks: CheckSuite | None = None
    ) -> None:
        self.settings, self.repo = settings, repo
        self.checks = checks or CheckSuite.from_settings(settings)  # shared by this executor's jobs
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self._pending: set[Future[Any]] = set()
        self._accepted: set[str] = set()  # ids of the jobs this executor was given (whole, or a part of them)
        # Re-entrant: a stop signal's handler may hand over from the thread that holds it.
        self._changed = threading.Condition(threading.RLock())
        self._open = True

    def _submit(self, job_id: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        with self._changed:  # submitted and counted as one step: a close never sees the pool idle in between
            if not self._open:
                raise QueueUnavailable("the in-process executor is closed")
            future = self._pool.submit(call, *args, **kwargs)
            self._pending.add(future)
            self._accepted.add(job_id)
        future.add_done_callback(self._done)  # outside the lock: a future already done calls back at once

    def _done(self, future: Future[Any]) -> None:
        with self._changed:
            self._pending.discard(future)
            self._changed.notify_all()
        if not future.cancelled() and (exc := future.exception()) is not None:
            log.error("job_executor_error", error=f"{type(exc).__name__}: {exc}"[:300])

    def enqueue(self, job_id: str) -> None:
        self._submit(
            job_id, execute_job, job_id, settings=self.settings, repo=self.repo, queue=self, checks=self.checks
        )

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self._submit(
            job_id, execute_part, job_id, product_id, settings=self.settings, repo=self.repo, checks=self.checks
        )

    def ping(self) -> tuple[bool, str]:
        return True, "in-process jobs (no broker configured)"

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or running here (parts queued meanwhile included); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Wait for every job and the parts they queue, then stop taking work; with a ``timeout`` that runs out,
        hand the unfinished jobs over (:meth:`hand_over`) instead of waiting longer."""
        drained = self.drain(timeout)
        with self._changed:
            drained = drained or not self._pending
            self._open = False  # later sends are refused: ``dispatch`` records them as not sent
        if not drained:
            self.hand_over()
        self._pool.shutdown(wait=drained, cancel_futures=True)

    def hand_over(self) -> list[str]:
        """Stop taking work and put every job this executor was given and did not finish back to ``queued`` in the
        database (running parts too), so the next process, or a reconciler, runs it; returns their ids."""
        with self._changed:
            self._open = False
            accepted = sorted(self._accepted)
        handed = self.repo.hand_back_jobs(accepted)
        if handed:
            log.warning("jobs_handed_over", jobs=handed)
        return handed
