"""One payment per picture across processes: a run claims a hero or fill key in the database before it pays for
it; another run (or worker) that needs the same key waits until the picture is recorded and reuses it.

The claim is a lease renewed while the picture is being made, so a run that died is taken over after
``Settings.generation_lease`` seconds, never waited for forever; a claim held by a process of this machine that
is gone (a run killed outright) is taken over at once.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from creative_ai.db.repository import Repository
from creative_ai.logs import log

T = TypeVar("T")
HOST = socket.gethostname()[:24]


def new_owner() -> str:
    """Who holds a claim: this machine, this process and one call."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def gone(owner: str) -> bool:
    """Whether ``owner`` was a process of this machine that no longer runs."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


@dataclass(frozen=True)
class Claims:
    repo: Repository
    lease_s: float = 60.0
    poll_s: float = 0.2
    sleep: Callable[[float], None] = time.sleep

    def once(self, key: str, *, find: Callable[[], T | None], make: Callable[[], T]) -> T:
        """``find()`` when the picture is already recorded; else ``make()`` under this run's claim on ``key``;
        while another run holds the claim, wait for its picture (or for its claim to end or lapse)."""
        owner, waited = new_owner(), False
        while True:
            found = find()
            if found is not None:
                return found
            if self._claim(key, owner):
                with self._renewed(key, owner):
                    found = find()  # recorded between our look and our claim
                    return found if found is not None else make()
            if not waited:
                log.info("generation_waiting", key=key[:16], reason="another run is making this picture")
                waited = True
            self.sleep(self.poll_s)

    def _claim(self, key: str, owner: str) -> bool:
        if self.repo.claim_generation(key, owner, lease_s=self.lease_s):
            return True
        holder = self.repo.generation_holder(key)
        if holder is None or not gone(holder):
            return False
        log.info("generation_claim_taken_over", key=key[:16], reason="the run that held it is gone")
        return self.repo.claim_generation(key, owner, lease_s=self.lease_s, replacing=holder)

    @contextmanager
    def _renewed(self, key: str, owner: str) -> Iterator[None]:
        try:
            with beating(lambda: self.repo.renew_generation(key, owner, lease_s=self.lease_s), every=self.lease_s / 3):
                yield
        finally:
            self.repo.release_generation(key, owner)


@contextmanager
def beating(beat: Callable[[], object], *, every: float) -> Iterator[None]:
    """Call ``beat`` every ``every`` seconds on a daemon thread while the block runs: what keeps a lease (a claim on
    a picture, a worker's claim on a job part) alive during a long provider call. A failed beat is logged; the
    next one tries again (a lease lost meanwhile only lets another run take over)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                beat()
            except SQLAlchemyError as exc:
                log.warning("heartbeat_failed", error=type(exc).__name__)

    thread = threading.Thread(target=loop, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
