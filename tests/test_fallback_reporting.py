"""What a run says about its heroes when the first provider fails: fallback heroes counted and shown (summary,
warning line, manifest, gallery badge), placeholders make the run and the campaign ``partial`` and are replaced
once the provider works again, and a refused key stops every remaining paid call at once with exit 3. The fake
vendor's request log is the witness of what was paid for."""

from __future__ import annotations

import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import EXAMPLES

MULTI = str(EXAMPLES / "brief_multi_product.json")  # 3 products without packshots: 9 heroes, 9 creatives


class _Badges(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.badges: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag == "span" and "badge" in (dict(attrs).get("class") or "")

    def handle_data(self, data: str) -> None:
        if self._in:
            self.badges.append(data.strip())
            self._in = False


def _badges(page: Path) -> list[str]:
    parser = _Badges()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.badges


def _status(workdir: Path, campaign_id: str) -> str:
    db = sqlite3.connect(workdir / "creative_ai.db")
    (status,) = db.execute("select status from campaigns where id = ?", (campaign_id,)).fetchone()
    return str(status)


def test_placeholder_heroes_make_the_run_partial_and_are_replaced_when_the_provider_is_back(
    cli, workdir: Path, vendor, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    vendor.fail("openai", "500", times=None)
    result = cli("run", MULTI, "--provider", "openai,local", "--output", "out", "--json")
    summary = result.json()
    assert result.code == 1 and summary["status"] == "partial"  # exit 1: not every creative is what was asked for
    assert summary["campaign_status"] == "partial"
    assert summary["heroes_fallback"] == 9 and summary["heroes_placeholder"] == 9
    assert {v["hero"].split("/")[0] for v in summary["variants"]} == {"local"}
    manifest = json.loads(Path(summary["manifest_path"]).read_text())
    assert manifest["status"] == "partial"
    assert all(v["hero_placeholder"] and v["hero_fallback"] for v in manifest["variants"])
    assert _badges(Path(summary["gallery_path"])).count("placeholder hero") == 9
    assert _status(workdir, summary["campaign_id"]) == "partial"

    plain = cli("run", MULTI, "--provider", "openai,local", "--output", "out")  # the table and its warning
    assert "warning: 9 hero(es) came from a fallback provider, not openai" in plain.stdout
    assert "offline placeholders" in plain.stdout

    vendor.faults["openai"].clear()
    asked_before = vendor.count("openai")
    again = cli("run", MULTI, "--provider", "openai,local", "--output", "out", "--json").json()
    assert vendor.count("openai") - asked_before == 9  # the placeholders are not reused: openai is asked again
    assert again["status"] == "succeeded" and again["heroes_fallback"] == 0 and again["heroes_placeholder"] == 0
    assert {v["hero"].split("/")[0] for v in again["variants"]} == {"openai"}
    assert "placeholder hero" not in _badges(Path(again["gallery_path"]))
    assert _status(workdir, again["campaign_id"]) == "succeeded"


def test_a_paid_fallback_is_counted_and_badged_but_the_run_succeeds(cli, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    vendor.fail("openai", "500", times=None)
    summary = cli("run", MULTI, "--provider", "openai,gemini", "--output", "out", "--json").json()
    assert summary["status"] == "succeeded"
    assert summary["heroes_fallback"] == 9 and summary["heroes_placeholder"] == 0
    assert vendor.count("gemini") == 9
    badges = _badges(Path(summary["gallery_path"]))
    assert badges.count("fallback hero") == 9 and "placeholder hero" not in badges


def test_a_refused_key_stops_the_remaining_paid_calls_and_exits_3(cli, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-0000")
    monkeypatch.setenv("CREATIVE_AI_CONCURRENCY", "1")
    result = cli("run", MULTI, "--provider", "openai,local", "--output", "out")
    assert result.code == 3, result.stderr
    assert vendor.count("openai") == 1  # the first refusal stops the 8 other heroes from being asked for
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1
    assert lines[0].startswith("error: the run stopped (8 more picture(s) were not asked for): OpenAI refused the API")
    assert "set a valid OPENAI_API_KEY" in lines[0]
    assert "sk-wrong-0000" not in result.stderr
    db = sqlite3.connect(workdir / "creative_ai.db")
    (status,) = db.execute("select status from campaigns").fetchone()
    assert status == "failed"
    assert db.execute("select count(*) from generations where provider = 'local'").fetchone() == (0,)
