"""Where jobs and job parts go to be run: the queue interface (in-process or Celery)."""

from __future__ import annotations

from abc import ABC, abstractmethod


class JobQueue(ABC):
    """Where jobs and job parts go to be run."""

    @abstractmethod
    def enqueue(self, job_id: str) -> None:
        """Arrange for the job to be run."""

    @abstractmethod
    def enqueue_part(self, job_id: str, product_id: str) -> None:
        """Arrange for one product of a fanned-out job to be run."""

    def ping(self) -> tuple[bool, str]:
        """Whether jobs can be queued right now, and how."""
        return True, "in-process"

    def close(self) -> None:
        return None
