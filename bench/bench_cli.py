"""Start-up of ``creative-ai --help`` next to a bare Typer app of ten commands, and of ``import creative_ai`` next to
an empty interpreter: subprocess wall time, runs alternated within one process, medians."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
TARGET_RATIO = 1.5

BARE_APP = '''
from typing import Annotated

import typer

app = typer.Typer(help="Bare app.", no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def make(index: int) -> None:
    def command(
        name: Annotated[str, typer.Option(help="A name.")] = "x",
        count: Annotated[int, typer.Option(help="A count.")] = 1,
    ) -> None:
        """Do one thing."""
        typer.echo(f"{index} {name} {count}")

    app.command(f"cmd{index}")(command)


for i in range(10):
    make(i)

if __name__ == "__main__":
    app()
'''


def _time(cmd: list[str], cwd: Path, env: dict[str, str], expect: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or expect not in proc.stdout:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        env = {**os.environ, "COLUMNS": "120", "CREATIVE_AI_DATABASE_URL": f"sqlite:///{folder}/creative_ai.db"}
        py = sys.executable
        subjects: dict[str, tuple[list[str], str]] = {
            "bare typer --help": ([py, "bare_app.py", "--help"], "cmd9"),
            "python -m creative_ai --help": ([py, "-m", "creative_ai", "--help"], "validate"),
        }
        script = Path(py).with_name("creative-ai")
        if script.is_file():
            subjects["creative-ai --help"] = ([str(script), "--help"], "validate")
        subjects["python -c pass"] = ([py, "-c", "pass"], "")
        subjects["python -c 'import creative_ai'"] = ([py, "-c", "import creative_ai"], "")
        for cmd, expect in subjects.values():  # warm-up: bytecode caches, file cache
            _time(cmd, folder, env, expect)
        samples: dict[str, list[float]] = {name: [] for name in subjects}
        for _ in range(RUNS):
            for name, (cmd, expect) in subjects.items():
                samples[name].append(_time(cmd, folder, env, expect) * 1000)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    bare, empty = medians["bare typer --help"], medians["python -c pass"]
    print(f"start-up, subprocess wall ms, median of {RUNS} alternated runs")
    header = f"{'command':<32} {'median ms':>10} {'min ms':>8} {'vs baseline':>12}"
    print(header)
    print("-" * len(header))
    for name, values in samples.items():
        base = empty if name.startswith("python -c") else bare
        print(f"{name:<32} {medians[name]:>10.1f} {min(values):>8.1f} {medians[name] / base:>11.2f}×")
    ours = [medians[n] for n in ("python -m creative_ai --help", "creative-ai --help") if n in medians]
    ratio = max(ours) / bare
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"creative-ai / bare typer --help = {ratio:.2f}× (target ≤ {TARGET_RATIO}×): {verdict}")
    extra = medians["python -c 'import creative_ai'"] - empty
    print(f"import creative_ai costs {extra:.1f} ms over an empty interpreter")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "bench_cli.json").write_text(
        json.dumps({"runs": RUNS, "median_ms": medians, "ratio_vs_bare": ratio}, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
