"""The agent on results: a significantly worse creative raises "underperformer" (by e-mail, with its numbers and a
next step, the draft fact-checked), a clear winner is said once; noise of the same shape on small samples raises
nothing; the stakeholder e-mail's results paragraph claims only what the statistics support."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from creative_ai.db.repository import Repository
from creative_ai.results.ingest import import_results
from creative_ai.results.sources import parse_report
from tests.conftest import base_brief, write_brief
from tests.receivers import Hook, _Collector
from tests.test_agent import _agent, agent_environment

RULES = ("underperformer", "clear_winner")


@pytest.fixture
def env(workdir: Path, smtp_server: tuple[int, _Collector], webhook: Hook, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The agent's environment of its own tests: the SMTP sink, the webhook, the desks, the template drafter."""
    for key, value in agent_environment(workdir, smtp_server[0], webhook).items():
        monkeypatch.setenv(key, value)
    return workdir


def _campaign(make_campaign, folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    brief = base_brief(
        campaign_id="learn",
        products=[
            {"id": "prod_a", "name": "Product A", "description": "A test product"},
            {"id": "prod_b", "name": "Product B", "description": "Another test product"},
        ],
        aspect_ratios=["1x1", "9x16", "16x9"],
    )
    assert make_campaign(write_brief(folder, brief)).status == "succeeded"
    manifest = json.loads((folder / "out/learn/manifest.json").read_text())
    return sorted(v["ad_name"] for v in manifest["variants"])


def _import(folder: Path, rows: list[tuple[str, int, int]]) -> None:
    """A generic report: each ad's impressions and clicks over one day."""
    lines = ["ad_name,date,impressions,clicks,conversions,spend,currency"]
    lines += [f"{name},2026-11-02,{imp},{clicks},0,10.00,EUR" for name, imp, clicks in rows]
    data = ("\n".join(lines) + "\n").encode()
    repo = Repository.open(f"sqlite:///{folder / 'creative_ai.db'}")
    summary = import_results(parse_report(data, filename="r.csv"), repo=repo, origin="r.csv", data=data)
    assert summary.matched == len(rows)
    repo.engine.dispose()


def test_a_significantly_worse_creative_is_an_underperformer_alert(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    names = _campaign(make_campaign, env)
    worst, *rest = names
    # 2.0% CTR everywhere on 50,000 impressions, one creative at 1.0%: far beyond chance after Holm over six.
    _import(env, [(worst, 50_000, 500), *((n, 50_000, 1000) for n in rest)])
    agent = _agent()
    agent.run_pass()
    raised = {a.rule: a for a in agent.repo.alerts(status=None) if a.rule in RULES}
    assert set(raised) == {"underperformer"}
    alert = raised["underperformer"]
    assert alert.severity == "warning" and alert.fact_check["ok"] is True  # type: ignore[index]
    assert [c["ad_name"] for c in alert.facts["creatives"]] == [worst]
    sent = [m for m in mail.received if "underperforming" in str(m.message["Subject"])]
    assert len(sent) == 1
    text = sent[0].message.get_content()
    assert (
        f"- {worst}: CTR 1.0% (" in text
        and "against 2.0% for the campaign's other creatives together" in text
        and "Holm" in text
    )
    assert "Pause these ads" in text


def test_a_clear_winner_is_said_with_its_copy(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    names = _campaign(make_campaign, env)
    best, *rest = names
    _import(env, [(best, 40_000, 1600), *((n, 40_000, 800) for n in rest)])
    agent = _agent()
    agent.run_pass()
    raised = {a.rule: a for a in agent.repo.alerts(status=None) if a.rule in RULES}
    assert set(raised) == {"clear_winner"}
    assert raised["clear_winner"].severity == "info"
    assert [c["ad_name"] for c in raised["clear_winner"].facts["creatives"]] == [best]


def test_noise_raises_nothing(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    names = _campaign(make_campaign, env)
    # The same 2:1 gap as above, on 300 impressions each: not enough data to call anything.
    small = [(names[0], 300, 3), *((n, 300, 6) for n in names[1:])]
    # And on large samples, differences as small as chance makes (1.96% to 2.04%).
    _import(env, small)
    agent = _agent()
    agent.run_pass()
    assert [a for a in agent.repo.alerts(status=None) if a.rule in RULES] == []
    _import(env, [(n, 50_000, 980 + 8 * i) for i, n in enumerate(names)])
    agent.run_pass()
    assert [a for a in agent.repo.alerts(status=None) if a.rule in RULES] == []
    assert not any("underperform" in str(m.message["Subject"]) for m in mail.received)


def test_an_underperformer_alert_resolves_when_the_difference_goes(make_campaign, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    names = _campaign(make_campaign, env)
    _import(env, [(names[0], 50_000, 500), *((n, 50_000, 1000) for n in names[1:])])
    agent = _agent()
    agent.run_pass()
    assert agent.repo.latest_alert("learn", "underperformer").status == "open"  # type: ignore[union-attr]
    # Corrected numbers for the same day (attribution settled): the gap is gone; the stored day is replaced.
    _import(env, [(n, 50_000, 1000) for n in names])
    agent.run_pass()
    assert agent.repo.latest_alert("learn", "underperformer").status == "resolved"  # type: ignore[union-attr]


def test_stakeholder_email_results_paragraph(cli, make_campaign, env: Path) -> None:  # type: ignore[no-untyped-def]
    names = _campaign(make_campaign, env)
    _import(env, [(names[0], 50_000, 500), *((n, 50_000, 1000) for n in names[1:])])
    result = cli("agent", "email", "--campaign", "learn")
    assert result.code == 0, result.stderr
    assert "Results so far (2026-11-02 to 2026-11-02): 300000 impressions, 5500 clicks" in result.stdout
    assert f"Doing significantly worse than most others: {names[0]} (CTR 1.0%)" in result.stdout
    assert "significantly better" not in result.stdout
