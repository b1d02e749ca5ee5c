"""Retry policy: exponential backoff with jitter, Retry-After honoured, only transient errors retried."""

from __future__ import annotations

import random

import pytest

from creative_ai.errors import ContentRefused, ProviderAuthError, RateLimited, TransientProviderError
from creative_ai.providers.retry import RetryPolicy, with_retries


def _flaky(errors: list[Exception]):  # type: ignore[no-untyped-def]
    calls = []

    def call() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "ok"

    return call, calls


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(attempts=6, base_delay=1.0, max_delay=5.0)
    rng = random.Random(1)
    waits = [policy.delay(n, TransientProviderError("x"), rng) for n in range(1, 6)]
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 2.0 <= waits[2] <= 4.0
    assert all(w <= 5.0 for w in waits)


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(attempts=3, base_delay=1.0, max_delay=10.0)
    slept: list[float] = []
    call, calls = _flaky([RateLimited("429", retry_after=7.0), RateLimited("429", retry_after=30.0)])
    assert with_retries(call, policy=policy, sleep=slept.append) == "ok"
    assert slept == [7.0, 10.0] and len(calls) == 3


@pytest.mark.parametrize("error", [ProviderAuthError("key"), ContentRefused("no")])
def test_auth_and_refusals_are_never_retried(error: Exception) -> None:
    call, calls = _flaky([error])
    with pytest.raises(type(error)):
        with_retries(call, policy=RetryPolicy(attempts=5, base_delay=0), sleep=lambda _s: None)
    assert len(calls) == 1


def test_gives_up_after_the_last_attempt_and_reports_each_failure() -> None:
    seen: list[tuple[int, float | None]] = []
    call, calls = _flaky([TransientProviderError("500")] * 5)
    with pytest.raises(TransientProviderError):
        with_retries(
            call,
            policy=RetryPolicy(attempts=3, base_delay=0.0),
            on_failure=lambda n, _e, wait: seen.append((n, wait)),
            sleep=lambda _s: None,
        )
    assert len(calls) == 3 and [n for n, _ in seen] == [1, 2, 3] and seen[-1][1] is None
