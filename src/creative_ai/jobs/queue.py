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

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until this process runs none of the jobs it was given; False when ``timeout`` ran out first (a
        broker's workers run them elsewhere: nothing to wait for here)."""
        return True

    def close(self) -> None:
        return None

    def hand_over(self) -> list[str]:
        """Give up the unfinished jobs this process holds, back to the database for the next one (a broker keeps
        its own: nothing to do)."""
        return []
