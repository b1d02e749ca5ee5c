"""Retries with exponential backoff and full jitter, honouring Retry-After; only transient errors are retried."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from creative_ai.errors import RateLimited, TransientProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, error: TransientProviderError, rng: random.Random) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_delay)
        ceiling = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return rng.uniform(ceiling / 2, ceiling)


def with_retries(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    on_failure: Callable[[int, TransientProviderError, float | None], None] = lambda *_: None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run ``call``; on a transient error wait and try again, up to ``policy.attempts`` tries.

    ``on_failure(attempt, error, wait)`` is told of every failed try (``wait`` None on the last). Any other error
    propagates at once: retrying an auth failure or a refusal only costs money.
    """
    rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
    attempt = 1
    while True:
        try:
            return call()
        except TransientProviderError as exc:
            if attempt >= policy.attempts:
                on_failure(attempt, exc, None)
                raise
            wait = policy.delay(attempt, exc, rng)
            on_failure(attempt, exc, wait)
            sleep(wait)
            attempt += 1
