"""Wall time of the example campaign through the real CLI: cold, then rerun (start-up included); and the same rerun
with the OpenAI provider selected (its heroes made first against the fake vendor): a rerun that reuses every hero
should not pay for importing the vendor's SDK."""

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
sys.path.insert(0, str(ROOT))

from tests.fake_vendor import FakeVendor

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


def _pairs(provider: str, extra_env: dict[str, str]) -> tuple[list[float], list[float], list[tuple[object, object]]]:
    """PAIRS cold runs, each followed by its rerun, in fresh folders."""
    cold, rerun, calls = [], [], []
    for _ in range(PAIRS):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, **extra_env, "CREATIVE_AI_DATABASE_URL": f"sqlite:///{tmp}/creative_ai.db"}
            cmd = [sys.executable, "-m", "creative_ai", "run", str(BRIEF), "--provider", provider]
            cmd += ["--output", "out", "--json"]
            t_cold, s_cold = _run(cmd, Path(tmp), env)
            t_rerun, s_rerun = _run(cmd, Path(tmp), env)
            cold.append(t_cold)
            rerun.append(t_rerun)
            calls.append((s_cold["provider_calls"], s_rerun["provider_calls"]))
    return cold, rerun, calls


def main() -> None:
    cold, rerun, calls = _pairs("local", {})
    with FakeVendor() as vendor:
        vendor_env = {"OPENAI_API_KEY": vendor.openai_key, "CREATIVE_AI_OPENAI_BASE_URL": f"{vendor.url}/v1"}
        _cold_ai, rerun_ai, calls_ai = _pairs("openai", vendor_env)
    startup = []
    for _ in range(PAIRS):
        t, _ = _run([sys.executable, "-c", "import creative_ai.cli"], ROOT, dict(os.environ))
        startup.append(t)
    cold_s, rerun_s, start_s = statistics.median(cold), statistics.median(rerun), statistics.median(startup)
    print(f"example campaign ({BRIEF.name}: 3 products × 3 ratios), wall seconds, median of {PAIRS}")
    print(f"{'run':<8} {'wall s':>7} {'provider calls':>15}")
    print(f"{'cold':<8} {cold_s:>7.2f} {calls[0][0]!s:>15}")
    print(f"{'rerun':<8} {rerun_s:>7.2f} {calls[0][1]!s:>15}")
    rerun_ai_s = statistics.median(rerun_ai)
    print(f"{'rerun, openai selected':<8} {rerun_ai_s:>7.2f} {calls_ai[0][1]!s:>15}")
    print(f"{'import':<8} {start_s:>7.2f} {'-':>15}")
    verdict = "met" if rerun_s <= TARGET_RERUN_S else "NOT met"
    print(f"cold / rerun = {cold_s / rerun_s:.1f}×; rerun target ≤ {TARGET_RERUN_S} s: {verdict}")
    print(f"rerun with openai selected / with local = {rerun_ai_s / rerun_s:.2f}×")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "bench_campaign.json").write_text(
        json.dumps(
            {
                "cold_s": cold_s,
                "rerun_s": rerun_s,
                "rerun_openai_s": rerun_ai_s,
                "import_s": start_s,
                "provider_calls": calls,
                "provider_calls_openai": calls_ai,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
