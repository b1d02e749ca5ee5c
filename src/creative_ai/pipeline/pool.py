"""The bounded pool provider calls run on: left by an exception (Ctrl-C, SIGTERM), it cancels the jobs not yet
started instead of waiting for all of them, so the run stops after the calls in flight."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import TracebackType


class CallPool(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` whose ``with`` block waits for every job only when it ends normally."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.shutdown(wait=True)
        else:  # the calls in flight finish in the background (the process waits for them before it exits)
            self.shutdown(wait=False, cancel_futures=True)
