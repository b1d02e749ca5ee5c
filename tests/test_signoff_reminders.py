"""Sign-off reminders, read at a real SMTP server: the people holding a pending role are e-mailed with their
queue's link once per SLA period, and not again once they have signed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from creative_ai.approvals import decide
from creative_ai.db.repository import Repository, utcnow
from creative_ai.people import Principal
from tests.conftest import base_brief, write_brief
from tests.receivers import Hook, _Collector
from tests.test_agent import _agent, agent_environment


@pytest.fixture
def env(workdir: Path, smtp_server: tuple[int, _Collector], webhook: Hook, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in agent_environment(workdir, smtp_server[0], webhook).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CREATIVE_AI_AGENT_SIGNOFF_SLA", "600")
    monkeypatch.setenv("CREATIVE_AI_PUBLIC_URL", "https://review.example.com")
    return workdir


def _person(repo: Repository, name: str, role: str) -> Principal:
    user = repo.add_user(name=name, email=f"{name}@example.com", roles=[role])
    return Principal(user.name, frozenset(user.roles), "token")


def test_pending_sign_offs_are_mailed_to_their_reviewers_once_per_sla_until_signed(
    make_campaign, env: Path, smtp_server: tuple[int, _Collector]
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    brief = base_brief(campaign_id="sign", locales=["en", "de"], messages={"de": "Hallo Welt"}, aspect_ratios=["1x1"])
    assert make_campaign(write_brief(env, brief), output=env / "out").status == "succeeded"
    agent = _agent()
    repo = agent.repo
    lea, dirk, emma = (
        _person(repo, n, r) for n, r in (("lea", "creative_lead"), ("dirk", "market:de"), ("emma", "market:en"))
    )
    _person(repo, "fanny", "market:fr")  # holds no role these creatives wait for
    decide(
        repo, "sign", [("prod_a", "en", "1x1"), ("prod_a", "de", "1x1")], principal=lea, decision="approved", comment=""
    )

    def reminders() -> list:  # type: ignore[type-arg]
        return [m for m in mail.received if "waiting for your sign-off" in str(m.message["Subject"])]

    t0 = utcnow()
    agent.run_pass(now=t0)
    assert reminders() == []  # inside the SLA: nothing yet
    agent.run_pass(now=t0 + timedelta(seconds=700))
    (first,) = reminders()
    assert sorted(first.rcpt_tos) == ["dirk@example.com", "emma@example.com"]
    text = first.message.get_content()
    assert "prod_a/de/1x1 waits for market:de" in text and "prod_a/en/1x1 waits for market:en" in text
    assert "https://review.example.com/gallery/queue" in text
    agent.run_pass(now=t0 + timedelta(seconds=900))  # within the SLA period since the first: no reminder
    assert len(reminders()) == 1
    agent.run_pass(now=t0 + timedelta(seconds=1400))  # a period later, still waiting: reminded once more
    assert len(reminders()) == 2 and reminders()[1].message["In-Reply-To"] == first.message["Message-ID"]

    decide(repo, "sign", [("prod_a", "de", "1x1")], principal=dirk, decision="approved", comment="")
    decide(repo, "sign", [("prod_a", "en", "1x1")], principal=emma, decision="approved", comment="")
    agent.run_pass(now=t0 + timedelta(seconds=1500))
    agent.run_pass(now=t0 + timedelta(seconds=3000))
    sent = reminders()
    assert len(sent) == 3 and str(sent[2].message["Subject"]).startswith("Resolved: ")
    assert sorted(sent[2].rcpt_tos) == ["dirk@example.com", "emma@example.com"]
    assert repo.latest_alert("sign", "signoff_pending").status == "resolved"  # type: ignore[union-attr]
