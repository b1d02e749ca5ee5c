"""Celery workers: ``make_celery(settings)``; tasks are thin (load the job → run it → the database records it)."""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import setup_logging, worker_ready, worker_shutdown
from kombu.exceptions import KombuError

from creative_ai.checks.suite import CheckSuite
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import QueueUnavailable
from creative_ai.jobs.fanout import execute_part, lease_for
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.reconcile import Reconciler
from creative_ai.jobs.runner import execute_job

TASK_NAME = "creative_ai.run_job"
PART_TASK_NAME = "creative_ai.run_job_part"


def make_celery(settings: Settings) -> Celery:
    """A Celery app on the configured broker. Job state lives in the database, so no result backend is needed.

    ``acks_late`` + ``reject_on_worker_lost``: a job whose worker dies is delivered again (after
    ``job_visibility_timeout``), and the rerun skips every variant and hero already finished.
    """
    if not settings.broker_url:
        raise ValueError("make_celery needs CREATIVE_AI_BROKER_URL")
    app = Celery("creative_ai", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.job_visibility_timeout},
        worker_hijack_root_logger=False,
        # A send to a broker that is down fails within seconds (the job waits in the database), not a minute.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    )
    repo = Repository.from_url(settings.database_url)  # migrated by the first job (the API starts without it)
    checks = CheckSuite.from_settings(settings)  # shared by this worker's jobs
    queue = CeleryJobs(app)

    @app.task(name=TASK_NAME)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        execute_job(job_id, settings=settings, repo=repo, queue=queue, checks=checks)

    @app.task(name=PART_TASK_NAME, bind=True, max_retries=None)  # type: ignore[untyped-decorator]
    def run_job_part(self: Any, job_id: str, product_id: str) -> None:
        if execute_part(job_id, product_id, settings=settings, repo=repo, checks=checks) == "busy":
            # Another worker holds a live claim: look again once it could have lapsed (its worker may die).
            raise self.retry(countdown=lease_for(settings))

    reconciler = Reconciler(queue, repo, settings)

    @setup_logging.connect(weak=False)  # type: ignore[untyped-decorator]
    def _keep_our_logging(**_kwargs: Any) -> None:  # the worker's lines stay the JSON lines of configure_logging
        return None

    @worker_ready.connect(weak=False)  # type: ignore[untyped-decorator]
    def _start_reconciler(**_kwargs: Any) -> None:  # the worker's main process looks for work the broker lost
        reconciler.start()

    @worker_shutdown.connect(weak=False)  # type: ignore[untyped-decorator]
    def _stop_reconciler(**_kwargs: Any) -> None:
        reconciler.stop()

    return app


class CeleryJobs(JobQueue):
    """Sends each job to the workers through the broker."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def enqueue(self, job_id: str) -> None:
        self._send(TASK_NAME, [job_id])

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        self._send(PART_TASK_NAME, [job_id, product_id])

    def _send(self, task: str, args: list[str]) -> None:
        try:
            self.app.send_task(task, args=args)
        except (OSError, KombuError) as exc:
            raise QueueUnavailable(f"the broker cannot take work now ({exc.__class__.__name__})") from None

    def ping(self) -> tuple[bool, str]:
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except (OSError, KombuError) as exc:
            return False, f"broker unreachable ({exc.__class__.__name__})"
        return True, "redis"
