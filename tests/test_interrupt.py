"""Runs leave no debris and stop cleanly: Ctrl-C or SIGTERM during heroes or rendering (real ``creative-ai run``
subprocesses, the fake vendor server), temp files of writes that never finished, and a change of format."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from creative_ai.storage.local import LocalStore
from tests.conftest import EXAMPLES, base_brief, write_brief

MULTI = EXAMPLES / "brief_multi_product.json"  # 3 products × 3 ratios: 9 creatives
STOPPED = "interrupted: campaign {} stopped; run again to resume (finished heroes and creatives are kept)"  # one line


def _start(workdir: Path, *args: str) -> subprocess.Popen[str]:
    """``python -m creative_ai ARGS`` in the background, Ctrl-C delivered as a terminal would (not ignored)."""
    return subprocess.Popen(
        [sys.executable, "-m", "creative_ai", *args],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's `&` would ignore SIGINT
    )


def _when(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    """Wait until ``condition`` holds while the run is still going (a run that ended first fails the test)."""
    while not condition():
        assert proc.poll() is None, f"the run ended before the signal: {proc.communicate()}"
        time.sleep(0.01)


def _stopped(proc: subprocess.Popen[str], signum: int, campaign_id: str) -> None:
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (stdout, stderr)
    assert "Traceback" not in stderr
    assert stderr.splitlines() == [STOPPED.format(campaign_id)]


def _status(workdir: Path, campaign_id: str) -> str:
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        (status,) = db.execute("select status from campaigns where id = ?", (campaign_id,)).fetchone()
    return str(status)


def _heroes_recorded(workdir: Path) -> int:
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        (count,) = db.execute("select count(*) from heroes").fetchone()
    return int(count)


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_ctrl_c_during_heroes_stops_the_run_and_the_rerun_pays_only_for_the_rest(
    cli, workdir: Path, vendor, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")  # heroes are generated, and recorded, one after another
    vendor.latency = 1.5
    products = [{"id": f"prod_{i}", "name": f"Product {i}", "description": "A test product"} for i in range(4)]
    brief = write_brief(workdir, base_brief(products=products))  # one ratio, no packshots: 4 heroes
    heroes = len(products)
    proc = _start(workdir, "run", str(brief), "--provider", "openai", "--output", "out")
    _when(lambda: any(r.status == 200 for r in vendor.requests), proc)  # the first hero has been answered

    _stopped(proc, signal.SIGINT, "test-campaign")
    assert _temp_files(workdir / "out") == []
    assert _status(workdir, "test-campaign") == "interrupted"
    paid = vendor.count("openai")
    recorded = _heroes_recorded(workdir)
    # The jobs not started were cancelled: the run stopped before it asked for every hero. The call in flight at
    # the signal was let finish before the process exited, and its hero recorded: every request was kept.
    assert 1 <= recorded == paid < heroes

    vendor.latency = 0.0
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "4")
    again = cli("run", str(brief), "--provider", "openai", "--output", "out", "--json")
    assert again.code == 0, again.stderr
    summary = again.json()
    assert summary["status"] == "succeeded" and _status(workdir, "test-campaign") == "succeeded"
    assert summary["heroes_reused"] == recorded and summary["heroes_generated"] == heroes - recorded
    assert vendor.count("openai") - paid == heroes - recorded  # the rerun paid only for the heroes not made
    assert vendor.count("openai") == heroes  # none was paid for twice


def test_a_second_ctrl_c_does_not_wait_for_the_call_in_flight(workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_REQUEST_TIMEOUT", "120")
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    vendor.latency = 60.0  # the first hero's call is still in flight when both signals come
    brief = write_brief(workdir, base_brief())
    proc = _start(workdir, "run", str(brief), "--provider", "openai", "--output", "out")
    _when(lambda: vendor.count("openai") == 1, proc)

    proc.send_signal(signal.SIGINT)
    assert proc.stderr is not None
    line = proc.stderr.readline()  # said at once: the run does not wait for the call in flight to say it stopped
    assert line.rstrip("\n") == STOPPED.format("test-campaign")
    assert _status(workdir, "test-campaign") == "interrupted"
    proc.send_signal(signal.SIGINT)  # the process would wait for that call before it exits: not any more
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, (stdout, stderr)
    assert stderr == ""  # nothing after the one line, no traceback
    assert [r.status for r in vendor.requests] == [0]  # still unanswered: the call was abandoned
    assert _temp_files(workdir) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_during_rendering_keeps_the_finished_creatives_for_the_rerun(cli, workdir: Path, signum: int) -> None:  # type: ignore[no-untyped-def]
    campaign = workdir / "out" / "summer-splash-eu-2025"
    proc = _start(workdir, "run", str(MULTI), "--provider", "local", "--output", "out")
    sidecars = lambda: [p for p in campaign.glob("*/*/*_en.json")]  # noqa: E731  written after their creative
    _when(lambda: bool(sidecars()), proc)

    _stopped(proc, signum, "summer-splash-eu-2025")
    assert _temp_files(workdir / "out") == []
    assert _status(workdir, "summer-splash-eu-2025") == "interrupted"
    finished = {p.with_suffix(".png"): p.with_suffix(".png").stat().st_mtime_ns for p in sidecars()}
    assert 1 <= len(finished) < 9  # stopped before the last creative

    again = cli("run", str(MULTI), "--provider", "local", "--output", "out", "--json")
    assert again.code == 0, again.stderr
    summary = again.json()
    assert summary["status"] == "succeeded" and _status(workdir, "summer-splash-eu-2025") == "succeeded"
    kept = {workdir / v["file_path"] for v in summary["variants"] if not v["rendered"]}
    assert kept == set(finished)  # the creatives finished before the signal are reused, not drawn again
    assert {path: path.stat().st_mtime_ns for path in finished} == finished
    assert len(summary["variants"]) == 9 and all(v["status"] == "ok" for v in summary["variants"])


def test_a_format_change_replaces_each_creative(cli, workdir: Path) -> None:
    brief = write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"], locales=["en", "de"]))
    assert cli("run", str(brief), "--provider", "local", "--output", "out").code == 0
    assert len(list((workdir / "out/test-campaign").rglob("*.png"))) == 4
    jpg = cli("run", str(brief), "--provider", "local", "--output", "out", "--format", "jpg", "--json")
    assert jpg.code == 0, jpg.stderr

    campaign = workdir / "out/test-campaign"
    folders = {p.parent for p in campaign.rglob("*") if p.is_file() and p.parent != campaign}
    assert len(folders) == 2  # prod_a/1x1 and prod_a/9x16
    for folder in folders:
        names = sorted(p.name for p in folder.iterdir())
        ratio = folder.name
        assert names == [f"prod_a_{ratio}_{loc}.{ext}" for loc in ("de", "en") for ext in ("jpg", "json")], names
    assert list(campaign.rglob("*.png")) == []
    assert {json.loads(p.read_text())["format"] for p in campaign.glob("*/*/*.json")} == {"jpg"}
    assert {Path(v["file_path"]).suffix for v in jpg.json()["variants"]} == {".jpg"}
    assert len(list((workdir / "out/_heroes").rglob("*.png"))) == 2  # heroes are not creatives: kept


def test_an_interrupted_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStore(tmp_path)
    store.write("c/old.png", b"old")

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.write("c/old.png", b"new")
    with pytest.raises(KeyboardInterrupt):
        store.write("c/new.png", b"new")
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["old.png"]
    assert store.read("c/old.png") == b"old"


def test_a_rerun_removes_the_temp_files_a_killed_run_left(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    assert make_campaign(base_brief(), provider="local", output="out").status == "succeeded"
    folder = workdir / "out/test-campaign/prod_a/1x1"
    abandoned = [folder / ".prod_a_1x1_en.png.k3x_9q0a.tmp", workdir / "out/test-campaign/.manifest.json.abcdefgh.tmp"]
    others = [
        folder / "notes.tmp",  # not a name the store gives its temp files
        folder / ".prod_a_1x1_en.png.tmp",
        workdir / "out/other-campaign/.x.png.abcdefgh.tmp",  # another campaign's folder
        workdir / "out/_heroes/.x.png.abcdefgh.tmp",
    ]
    live = folder / ".prod_a_1x1_en.json.livewrit.tmp"  # a write in progress (another run) holds its lock
    for path in [*abandoned, *others, live]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    with live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert make_campaign(base_brief(), provider="local", output="out").status == "succeeded"
    assert [p for p in abandoned if p.exists()] == []
    assert all(p.exists() for p in [*others, live])
