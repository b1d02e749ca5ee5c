"""The bounded pool provider calls run on: left by an exception (Ctrl-C, SIGTERM), it cancels the jobs not yet
started instead of waiting for all of them, so the run stops after the calls in flight."""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

_LEFT_RUNNING: weakref.WeakSet[CallPool] = weakref.WeakSet()


class CallPool(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` whose ``with`` block waits for every job only when it ends normally."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.shutdown(wait=True)
        else:  # the calls in flight finish in the background (the process waits for them before it exits)
            self.shutdown(wait=False, cancel_futures=True)
            _LEFT_RUNNING.add(self)


def wait_for_calls_in_flight() -> None:
    """Wait, in the calling thread, for the calls that pools left by an exception still run: in short joins, so
    a signal handler of the main thread (a second Ctrl-C) runs at once rather than after them."""
    threads: list[threading.Thread] = [t for pool in list(_LEFT_RUNNING) for t in pool._threads]
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.1)
