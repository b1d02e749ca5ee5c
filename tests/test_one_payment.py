"""One payment per picture: two runs of one brief at the same time, as two real processes against the fake vendor,
pay for each hero once (the second waits for the first's picture and reuses it), on SQLite and on PostgreSQL.
The claim on a picture lapses when the run holding it died, and a released claim lets the next run pay."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creative_ai.db import tables as t
from creative_ai.db.repository import Repository, utcnow
from creative_ai.pipeline.claims import Claims
from tests.conftest import EXAMPLES

MULTI = str(EXAMPLES / "brief_multi_product.json")  # 3 products without packshots × 3 size classes: 9 heroes


def _start(workdir: Path, n: int, brief: str = MULTI) -> subprocess.Popen[bytes]:
    # Output to files, not pipes: a full pipe would stall a run that holds a claim the other waits for.
    with (workdir / f"run{n}.out").open("wb") as out, (workdir / f"run{n}.err").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "creative_ai", "run", brief, "--provider", "openai", "--output", "out", "--json"],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=os.environ.copy(),
        )


def _two_at_once(workdir: Path, brief: str = MULTI) -> list[tuple[int, str]]:
    runs = [_start(workdir, 1, brief), _start(workdir, 2, brief)]
    codes = [proc.wait(timeout=240) for proc in runs]
    return [(code, (workdir / f"run{n}.err").read_text()) for n, code in enumerate(codes, start=1)]


def _pictures(url: str) -> int:
    repo = Repository.from_url(url)
    try:
        with repo._session() as s:
            return int(s.scalar(select(func.count()).select_from(t.Hero)) or 0)
    finally:
        repo.engine.dispose()


def _both_succeed_paying_once(workdir: Path, vendor, url: str) -> None:  # type: ignore[no-untyped-def]
    vendor.latency = 0.4  # every answer takes a while: the two runs overlap for all of their heroes
    ended = _two_at_once(workdir)
    assert [code for code, _ in ended] == [0, 0], [err[-600:] for _, err in ended]
    assert vendor.count("openai") == 9  # one request per distinct hero, not 18
    assert _pictures(url) == 9
    assert len({(r.body.get("prompt"), r.size) for r in vendor.requests}) == 9  # no picture asked for twice


def test_two_runs_at_once_pay_once_per_hero_on_sqlite(workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "2")
    Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"]).engine.dispose()  # the schema, before both start
    _both_succeed_paying_once(workdir, vendor, os.environ["CREATIVE_AI_DATABASE_URL"])


def test_two_runs_at_once_pay_once_per_hero_on_postgresql(workdir: Path, vendor, postgres_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "2")
    monkeypatch.setenv("CREATIVE_AI_DATABASE_URL", postgres_url)
    Repository.open(postgres_url).engine.dispose()
    _both_succeed_paying_once(workdir, vendor, postgres_url)


def test_two_runs_at_once_pay_once_per_outpaint_fill(workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_outpaint import _brief

    brief = str(_brief(workdir))  # a packshot so wide that three of its four ratios extend the canvas
    url = os.environ["CREATIVE_AI_DATABASE_URL"]
    Repository.open(url).engine.dispose()
    vendor.latency = 0.8
    ended = _two_at_once(workdir, brief)
    assert [code for code, _ in ended] == [0, 0], [err[-600:] for _, err in ended]
    edits = [r for r in vendor.requests if r.path.endswith("/images/edits")]
    assert len(edits) == len(vendor.requests) == _pictures(url) >= 2  # every fill paid for once, nothing else paid


def test_a_claim_is_exclusive_lapses_when_its_run_died_and_ends_when_released(workdir: Path) -> None:
    repo = Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"])
    key = "k" * 64
    assert repo.claim_generation(key, "run-a", lease_s=30)
    assert not repo.claim_generation(key, "run-b", lease_s=30)  # run-a is paying for it
    assert repo.renew_generation(key, "run-a", lease_s=30) and not repo.renew_generation(key, "run-b", lease_s=30)
    assert repo.claim_generation(key, "run-b", lease_s=30, now=utcnow() + timedelta(seconds=31))  # run-a died
    assert not repo.renew_generation(key, "run-a", lease_s=30)  # and cannot take it back
    repo.release_generation(key, "run-b")
    assert repo.claim_generation(key, "run-c", lease_s=30)


def test_a_waiting_run_reuses_the_picture_the_holder_recorded(workdir: Path) -> None:
    repo = Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"])
    key = "h" * 64
    assert repo.claim_generation(key, "holder", lease_s=30)
    recorded: list[str] = []
    looks = []

    def find() -> str | None:
        looks.append(1)
        return recorded[0] if recorded else None

    def sleep(_s: float) -> None:  # the holder finishes while this run waits
        recorded.append("the holder's picture")
        repo.release_generation(key, "holder")

    paid = []
    got = Claims(repo, lease_s=30, poll_s=0, sleep=sleep).once(key, find=find, make=lambda: paid.append(1) or "paid")
    assert got == "the holder's picture" and paid == [] and len(looks) == 2


def test_a_failed_holder_lets_the_waiting_run_pay(workdir: Path) -> None:
    repo = Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"])
    key = "f" * 64
    assert repo.claim_generation(key, "holder", lease_s=30)
    got = Claims(repo, lease_s=30, poll_s=0, sleep=lambda _s: repo.release_generation(key, "holder")).once(
        key, find=lambda: None, make=lambda: "made here"
    )
    assert got == "made here"
    assert repo.claim_generation(key, "next", lease_s=30)  # the claim was released after making


@pytest.mark.parametrize("lease", [0.3])
def test_the_claim_is_renewed_while_the_picture_is_made(workdir: Path, lease: float) -> None:
    import time

    repo = Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"])
    key = "r" * 64
    seen = []

    def slow() -> str:
        time.sleep(lease * 3)  # three leases long: without renewal another run could take it over
        seen.append(repo.claim_generation(key, "other", lease_s=lease))
        return "done"

    assert Claims(repo, lease_s=lease).once(key, find=lambda: None, make=slow) == "done"
    assert seen == [False]


def test_the_claim_of_a_killed_run_on_this_machine_is_taken_over_at_once(workdir: Path) -> None:
    from creative_ai.pipeline.claims import HOST

    repo = Repository.open(os.environ["CREATIVE_AI_DATABASE_URL"])
    finished = subprocess.Popen(["true"])
    finished.wait()  # its pid names a process that is gone
    dead, alive, elsewhere = "d" * 64, "a" * 64, "e" * 64
    assert repo.claim_generation(dead, f"{HOST}:{finished.pid}:x", lease_s=3600)
    assert repo.claim_generation(alive, f"{HOST}:{os.getppid()}:x", lease_s=3600)  # a live process of this machine
    assert repo.claim_generation(elsewhere, f"another-host:{finished.pid}:x", lease_s=3600)
    waits: list[float] = []
    claims = Claims(repo, lease_s=3600, sleep=waits.append)
    assert claims.once(dead, find=lambda: None, make=lambda: "made") == "made"
    assert waits == []  # not an hour's wait for the lease of a run that was killed
    assert not claims._claim(alive, "me") and not claims._claim(elsewhere, "me")  # their leases count
