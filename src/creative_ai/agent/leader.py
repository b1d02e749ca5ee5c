"""One agent at a time: a lease in the database names the agent that evaluates the rules and sends alerts.

Every pass starts by taking or renewing the lease, and the leader renews it again before each alert it sends; an
agent that does not hold it only beats as ``standby``. A leader that dies is replaced once its lease lapses; one
that stops cleanly gives it up at once. The holder is ``host:pid:id``. The lease compares this machine's clock
with the other agents': their clocks must agree to well within the lease.
"""

from __future__ import annotations

import os
import socket
import uuid

from creative_ai.config import Settings
from creative_ai.db.delivery_store import AGENT_LEASE
from creative_ai.db.repository import Repository
from creative_ai.logs import log


def lease_seconds(settings: Settings) -> float:
    """How long the leader's lease lasts unless renewed: the setting, else 3 intervals and at least 30 s."""
    return settings.agent_lease or max(3 * settings.agent_interval, 30.0)


class Leadership:
    """This process's claim on the agents' lease."""

    def __init__(self, repo: Repository, *, lease_s: float) -> None:
        self.repo, self.lease_s = repo, lease_s
        self.id = uuid.uuid4().hex[:12]
        self.holder = f"{socket.gethostname()[:160]}:{os.getpid()}:{self.id}"
        self.leading = False

    def hold(self) -> bool:
        """Take or renew the lease; whether this process leads now."""
        was = self.leading
        self.leading = self.repo.acquire_lease(AGENT_LEASE, self.holder, lease_s=self.lease_s)
        if self.leading and not was:
            log.info("agent_lease_taken", holder=self.holder, lease_s=self.lease_s)
        elif was and not self.leading:
            log.warning("agent_lease_lost", holder=self.holder)
        return self.leading

    def release(self) -> None:
        """Give the lease up (a clean stop): a standby agent takes over at its next pass."""
        if self.leading:
            self.repo.release_lease(AGENT_LEASE, self.holder)
            self.leading = False
            log.info("agent_lease_released", holder=self.holder)
