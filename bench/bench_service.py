"""The service under load: 100 concurrent job submissions; 1 vs 2 workers on a 4-campaign batch, and on one
6-product campaign against the fake vendor (1 s per image) that fans out per product.

Starts its own Redis on a free port, `creative-ai serve` with that broker, and `creative-ai worker` processes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.http_load import Connection, run_clients
from tests.servers import free_port, wait_for_port

SUBMISSIONS = 100
BATCH = 4


def _brief(name: str, products: int) -> dict[str, object]:
    return {
        "campaign_id": name,
        "products": [{"id": f"{name}-p{i}", "name": f"Product {i}"} for i in range(products)],
        "target_market": "EU",
        "target_audience": "Load",
        "campaign_message": "Under load",
    }


def _service(
    tmp: Path, workers: int, extra_env: dict[str, str] | None = None, server_processes: int = 1
) -> tuple[list[subprocess.Popen[bytes]], str, dict[str, str]]:
    redis_port, api_port = free_port(), free_port()
    redis = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(redis_port)
    env = {
        **os.environ,
        "CREATIVE_AI_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CREATIVE_AI_DATABASE_URL": f"sqlite:///{tmp}/db.sqlite",
        "CREATIVE_AI_OUTPUT_DIR": str(tmp / "out"),
        **(extra_env or {}),
    }
    subprocess.run(
        [sys.executable, "-m", "creative_ai", "db", "upgrade"], env=env, cwd=tmp, check=True, capture_output=True
    )
    api = subprocess.Popen(
        [sys.executable, "-m", "creative_ai", "serve", "--port", str(api_port), "--workers", str(server_processes)],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    procs = [redis, api]
    for _ in range(workers):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "creative_ai", "worker", "--pool", "solo"],
                env=env,
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    wait_for_port(api_port)
    return procs, f"http://127.0.0.1:{api_port}", env


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


def submissions() -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        procs, base, _ = _service(Path(tmp), workers=0)
        try:
            with httpx.Client(timeout=30) as client:

                def submit(i: int) -> tuple[float, int]:
                    start = time.perf_counter()
                    r = client.post(f"{base}/campaigns/jobs", json=_brief(f"load-{i}", 1))
                    return time.perf_counter() - start, r.status_code

                with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
                    results = list(pool.map(submit, range(SUBMISSIONS)))
        finally:
            _stop(procs)
    latencies = sorted(t for t, _ in results)
    errors = sum(1 for _, code in results if code != 202)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return statistics.median(latencies), p99, errors


CLIENTS, PER_CLIENT = 100, 20


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh database on this machine's PostgreSQL (PGHOST/PGPORT or 127.0.0.1:5432), or None without one."""
    try:
        import psycopg

        host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
        user = os.environ.get("PGUSER", "postgres")
        admin = psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True, connect_timeout=3)
    except (ImportError, OSError, Exception):  # noqa: BLE001 - any failure means: no PostgreSQL here
        yield None
        return
    name = f"creative_ai_bench_{os.getpid()}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _load(base: str, tag: str, pause: float) -> list[tuple[str, float, int]]:
    """CLIENTS clients at once, each on its own connection: a submit, then PER_CLIENT - 1 polls of its job,
    ``pause`` seconds apart (0: back to back, all starting together). (method, latency, status) of each request."""

    async def session(conn: Connection, i: int) -> None:
        # Paced clients keep their own clock: client i starts at i/CLIENTS of a pause, then polls every pause
        # (sleeping a pause after each answer instead would let one slow moment line every client up for good).
        loop = asyncio.get_running_loop()
        start = loop.time() + pause * i / CLIENTS
        await asyncio.sleep(start - loop.time())
        answer = await conn.request("POST", "/campaigns/jobs", _brief(f"{tag}-{i}", 1))
        job = answer.json()["job_id"] if answer.status == 202 else "none"  # type: ignore[index]
        for n in range(1, PER_CLIENT):
            await asyncio.sleep(max(0.0, start + n * pause - loop.time()))
            await conn.request("GET", f"/campaigns/jobs/{job}")

    return run_clients(base, CLIENTS, session)


POLL_PAUSE = 0.5  # a status page or script polling twice a second


def _lone(base: str) -> list[tuple[str, float, int]]:
    """One client alone: 50 submits, then 100 polls, one after another (after 5 of each, untimed: the first
    requests of a process open its database and broker connections)."""

    async def session(conn: Connection, i: int) -> None:
        job = "none"
        for n in range(5):
            job = (await conn.request("POST", "/campaigns/jobs", _brief(f"warm-{n}", 1))).json()["job_id"]  # type: ignore[index]
            await conn.request("GET", f"/campaigns/jobs/{job}")
        conn.timings.clear()
        for n in range(50):
            answer = await conn.request("POST", "/campaigns/jobs", _brief(f"lone-{n}", 1))
            job = answer.json()["job_id"]  # type: ignore[index]
        for _ in range(100):
            await conn.request("GET", f"/campaigns/jobs/{job}")

    return run_clients(base, 1, session)


def _figures(results: list[tuple[str, float, int]], method: str | None = None) -> tuple[float, float, int]:
    """(p50, p99, errors) of the requests with ``method`` (all when None)."""
    picked = [(t, code) for m, t, code in results if method in (None, m)]
    latencies = [t for t, _ in picked]
    return _pct(latencies, 0.5), _pct(latencies, 0.99), sum(1 for _, code in picked if code >= 400)


def tail_latency(database: str | None) -> dict[str, tuple[float, float, int] | float]:
    """A lone client's latencies, then 100 concurrent clients × 20 requests (a submit, then polls of its job)
    against ``serve --workers 2`` on ``database`` (None: SQLite): back to back, and polling every POLL_PAUSE
    seconds. (p50, p99, errors) per run and method, in seconds; requests per second back to back."""
    extra = {"CREATIVE_AI_DATABASE_URL": database} if database else None
    with tempfile.TemporaryDirectory() as tmp:
        procs, base, _ = _service(Path(tmp), workers=0, extra_env=extra, server_processes=2)
        try:
            time.sleep(2.0)  # both server processes up
            lone = _lone(base)
            started = time.perf_counter()
            tight = _load(base, "tight", 0.0)
            tight_seconds = time.perf_counter() - started
            paced = _load(base, "paced", POLL_PAUSE)
        finally:
            _stop(procs)
    figures: dict[str, tuple[float, float, int] | float] = {"rps": len(tight) / tight_seconds}
    for name, results in (("lone", lone), ("tight", tight), ("paced", paced)):
        figures[name] = _figures(results)
        for method in ("GET", "POST"):
            figures[f"{name} {method}"] = _figures(results, method)
    return figures


def _wait(client: httpx.Client, base: str, jobs: list[str]) -> None:
    pending = set(jobs)
    while pending:
        for job in list(pending):
            status = client.get(f"{base}/campaigns/jobs/{job}").json()["status"]
            if status not in ("queued", "running"):
                if status != "succeeded":
                    raise SystemExit(f"job {job} ended {status}")
                pending.discard(job)
        time.sleep(0.1)


def fanout(workers: int, products: int = 6) -> tuple[float, int]:
    """One campaign, images from the fake vendor with 1 s of latency: how long, and how many workers took parts."""
    from tests.fake_vendor import FakeVendor

    with tempfile.TemporaryDirectory() as tmp, FakeVendor(latency=1.0) as vendor:
        extra = {
            "OPENAI_API_KEY": vendor.openai_key,
            "CREATIVE_AI_OPENAI_BASE_URL": f"{vendor.url}/v1",
            "CREATIVE_AI_PROVIDER": "openai",
        }
        procs, base, _ = _service(Path(tmp), workers=workers, extra_env=extra)
        try:
            with httpx.Client(timeout=30) as client:
                time.sleep(2.0)
                start = time.perf_counter()
                job = client.post(f"{base}/campaigns/jobs", json=_brief("fan", products)).json()["job_id"]
                _wait(client, base, [job])
                elapsed = time.perf_counter() - start
                parts = client.get(f"{base}/campaigns/jobs/{job}").json()["parts"]
                return elapsed, len({p["worker"] for p in parts})
        finally:
            _stop(procs)


def batch(workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        procs, base, _ = _service(Path(tmp), workers=workers)
        try:
            with httpx.Client(timeout=30) as client:
                time.sleep(2.0)  # let workers connect before the clock starts
                start = time.perf_counter()
                jobs = [
                    client.post(f"{base}/campaigns/jobs", json=_brief(f"batch-{i}", 3)).json()["job_id"]
                    for i in range(BATCH)
                ]
                _wait(client, base, jobs)
                return time.perf_counter() - start
        finally:
            _stop(procs)


def _ms(figures: tuple[float, float, int] | float) -> str:
    assert isinstance(figures, tuple)
    p50, p99, errors = figures
    return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, errors {errors}"


def _tail_table(database: str | None) -> None:
    f = tail_latency(database)
    lone_p50 = f["lone"][0]  # type: ignore[index]
    name = "PostgreSQL" if database else "SQLite"
    print(f"serve --workers 2 on {name}, {CLIENTS} clients × {PER_CLIENT} requests (a submit, then polls of its job)")
    print("| run | all requests | GET /campaigns/jobs/{id} | POST /campaigns/jobs | p99 ÷ lone p50 |")
    print("|---|---|---|---|---|")
    rows = (("one client alone", "lone"), ("back to back", "tight"), (f"polling every {POLL_PAUSE} s", "paced"))
    for label, key in rows:
        ratio = f[key][1] / lone_p50  # type: ignore[index]
        print(f"| {label} | {_ms(f[key])} | {_ms(f[key + ' GET'])} | {_ms(f[key + ' POST'])} | {ratio:.0f}× |")
    rps = float(f["rps"])  # type: ignore[arg-type]
    print(
        f"back to back: {rps:.0f} requests/s, so {CLIENTS} clients wait at least {CLIENTS / rps * 1000:.0f} ms "
        "(clients ÷ throughput) whatever the server does; target p99 ≤ 20× a lone request"
    )


def main() -> None:
    _tail_table(None)
    with postgres_database() as database:
        if database:
            _tail_table(database)
    p50, p99, errors = submissions()
    print(
        f"{SUBMISSIONS} concurrent POST /campaigns/jobs (Redis broker, SQLite): "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, errors {errors}"
    )
    one, two = batch(1), batch(2)
    print(
        f"{BATCH} campaigns × 9 creatives, local provider: 1 worker {one:.1f} s, 2 workers {two:.1f} s "
        f"({one / two:.2f}× on this 2-core machine)"
    )
    (solo, solo_workers), (pair, pair_workers) = fanout(1), fanout(2)
    print(
        f"1 campaign × 6 products × 3 ratios, fake vendor 1 s per image: 1 worker {solo:.1f} s, "
        f"2 workers {pair:.1f} s ({solo / pair:.2f}×; parts taken by {solo_workers} and {pair_workers} worker(s))"
    )


if __name__ == "__main__":
    main()
