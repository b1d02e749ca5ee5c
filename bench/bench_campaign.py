"""Wall time of the example campaign through the real CLI: cold, then rerun (start-up included)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEF = ROOT / "examples" / "brief_multi_product.json"
PAIRS = 3
TARGET_RERUN_S = 2.0


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {proc.stderr}")
    summary: dict[str, object] = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    return elapsed, summary


def main() -> None:
    cold, rerun, calls = [], [], []
    for _ in range(PAIRS):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "CREATIVE_AI_DATABASE_URL": f"sqlite:///{tmp}/creative_ai.db"}
            cmd = [
                sys.executable,
                "-m",
                "creative_ai",
                "run",
                str(BRIEF),
                "--provider",
                "local",
                "--output",
                "out",
                "--json",
            ]
            t_cold, s_cold = _run(cmd, Path(tmp), env)
            t_rerun, s_rerun = _run(cmd, Path(tmp), env)
            cold.append(t_cold)
            rerun.append(t_rerun)
            calls.append((s_cold["provider_calls"], s_rerun["provider_calls"]))
    startup = []
    for _ in range(PAIRS):
        t, _ = _run([sys.executable, "-c", "import creative_ai.cli"], ROOT, dict(os.environ))
        startup.append(t)
    cold_s, rerun_s, start_s = statistics.median(cold), statistics.median(rerun), statistics.median(startup)
    print(f"example campaign ({BRIEF.name}: 3 products × 3 ratios), wall seconds, median of {PAIRS}")
    print(f"{'run':<8} {'wall s':>7} {'provider calls':>15}")
    print(f"{'cold':<8} {cold_s:>7.2f} {calls[0][0]!s:>15}")
    print(f"{'rerun':<8} {rerun_s:>7.2f} {calls[0][1]!s:>15}")
    print(f"{'import':<8} {start_s:>7.2f} {'-':>15}")
    verdict = "met" if rerun_s <= TARGET_RERUN_S else "NOT met"
    print(f"cold / rerun = {cold_s / rerun_s:.1f}×; rerun target ≤ {TARGET_RERUN_S} s: {verdict}")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "bench_campaign.json").write_text(
        json.dumps({"cold_s": cold_s, "rerun_s": rerun_s, "import_s": start_s, "provider_calls": calls}, indent=2)
    )


if __name__ == "__main__":
    main()
