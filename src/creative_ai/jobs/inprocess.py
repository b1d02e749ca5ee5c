"""The embedded executor: jobs run on a small thread pool inside the serving process (no broker)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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

    def enqueue(self, job_id: str) -> None:
        self._pool.submit(execute_job, job_id, settings=self.settings, repo=self.repo, queue=self, checks=self.checks)

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self._pool.submit(execute_part, job_id, product_id, settings=self.settings, repo=self.repo, checks=self.checks)

    def ping(self) -> tuple[bool, str]:
        return True, "in-process jobs (no broker configured)"

    def close(self) -> None:
        self._pool.shutdown(wait=True)
