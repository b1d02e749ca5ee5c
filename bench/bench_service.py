"""The service under load: 100 concurrent job submissions; 1 vs 2 workers on a 4-campaign batch, and on one
6-product campaign against the fake vendor (1 s per image) that fans out per product.

Starts its own Redis on a free port, `creative-ai serve` with that broker, and `creative-ai worker` processes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def tail_latency() -> tuple[float, float, float, int, int]:
    """A lone request's latency, then 100 concurrent clients × 20 requests (a submit, then polls of its job)
    against ``serve --workers 2``: (lone median, p50, p99, requests, errors), in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        procs, base, _ = _service(Path(tmp), workers=0, server_processes=2)
        try:
            with httpx.Client(timeout=60) as client:
                time.sleep(2.0)  # both server processes up
                job = client.post(f"{base}/campaigns/jobs", json=_brief("lone", 1)).json()["job_id"]
                lone = []
                for _ in range(50):
                    start = time.perf_counter()
                    client.get(f"{base}/campaigns/jobs/{job}")
                    lone.append(time.perf_counter() - start)

                def session(i: int) -> list[tuple[float, int]]:
                    timings = []
                    start = time.perf_counter()
                    r = client.post(f"{base}/campaigns/jobs", json=_brief(f"tail-{i}", 1))
                    timings.append((time.perf_counter() - start, r.status_code))
                    job_id = r.json().get("job_id", "none") if r.status_code == 202 else "none"
                    for _ in range(PER_CLIENT - 1):
                        start = time.perf_counter()
                        r = client.get(f"{base}/campaigns/jobs/{job_id}")
                        timings.append((time.perf_counter() - start, r.status_code))
                    return timings

                with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                    results = [t for timings in pool.map(session, range(CLIENTS)) for t in timings]
        finally:
            _stop(procs)
    latencies = [t for t, _ in results]
    errors = sum(1 for _, code in results if code >= 400)
    return statistics.median(lone), _pct(latencies, 0.5), _pct(latencies, 0.99), len(results), errors


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


def main() -> None:
    lone, t50, t99, requests, failed = tail_latency()
    print(
        f"{CLIENTS} concurrent clients × {PER_CLIENT} requests (a submit, then polls), serve --workers 2: "
        f"lone request {lone * 1000:.1f} ms; under load p50 {t50 * 1000:.0f} ms, p99 {t99 * 1000:.0f} ms "
        f"(p99 {t99 / lone:.0f}× a lone request; target ≤ 20×), {requests} requests, errors {failed}"
    )
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
