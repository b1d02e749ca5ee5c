"""Stopping a process that runs jobs in-process: a stop signal (SIGTERM) while it still has jobs hands them over to
the database (back to ``queued``, for the next process) and exits at once, so no job is left ``running``."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable
from types import FrameType

from creative_ai.jobs.queue import JobQueue


def hand_over_on_stop(queues: Callable[[], Iterable[JobQueue]]) -> None:
    """From now on, SIGTERM hands over every unfinished job of ``queues()`` and ends the process (exit 143). Call it
    from the main thread. Waiting instead is not an option there: whoever sent the signal kills the process soon."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        try:
            for queue in queues():
                queue.hand_over()
        finally:
            sys.stderr.flush()
            os._exit(128 + signum)  # the job threads still running must not hold the exit up

    signal.signal(signal.SIGTERM, stop)
