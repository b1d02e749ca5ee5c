"""The sign-off policy on constructed creatives, and what a brief, a stale page or the server's policy can do."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.brief import parse_brief
from creative_ai.errors import BriefError
from creative_ai.signoff import Creative, Decision, Policy, policy_of, state
from tests.conftest import base_brief

NOW = Creative("p", "de", "1x1", "bytes-2", "hero-1", "copy-1", "EU", legal_flagged=True)


def _d(
    role: str | None, *, sha: str = "bytes-2", hero: str = "hero-1", copy: str = "copy-1", at: str = "1"
) -> Decision:
    return Decision(role, "approved", "", "x", sha, hero, copy, at)


def test_only_exact_bytes_count_for_the_market_and_legal() -> None:
    signed = [_d("creative_lead"), _d("market:de"), _d("legal")]
    assert state(NOW, Policy(), signed).decision == "approved"
    # New bytes from a new logo or layout (hero and copy the same): every sign-off is needed again.
    relogo = [_d(role, sha="bytes-1") for role in ("creative_lead", "market:de", "legal")]
    assert state(NOW, Policy(), relogo).pending == ["creative_lead", "market:de", "legal"]
    # New copy on the same hero: the lead's stands, the market's and legal's are needed again.
    recopy = [_d(role, sha="bytes-1", copy="copy-0") for role in ("creative_lead", "market:de", "legal")]
    assert state(NOW, Policy(), recopy).pending == ["market:de", "legal"]
    # A new hero: all of them.
    rehero = [_d(role, sha="bytes-1", hero="hero-0") for role in ("creative_lead", "market:de", "legal")]
    assert state(NOW, Policy(), rehero).pending == ["creative_lead", "market:de", "legal"]


def test_admin_signs_all_on_its_bytes_and_old_decisions_count_as_the_leads() -> None:
    assert state(NOW, Policy(), [_d("admin")]).decision == "approved"
    assert state(NOW, Policy(), [_d("admin", sha="bytes-1")]).decision == "pending"
    assert state(NOW, Policy(), [_d(None)]).pending == ["market:de", "legal"]


def test_a_brief_may_add_sign_offs_but_never_remove_one() -> None:
    assert policy_of({"sign_off": {"legal": "always"}}) == Policy(legal="always")
    assert policy_of({}, Policy(market=False)) == Policy(market=False)
    for weaker in ({"creative_lead": False}, {"market": False}, {"legal": "never"}):
        with pytest.raises(BriefError) as caught:
            parse_brief(base_brief(sign_off=weaker))
        assert "sign_off" in str(caught.value)


def test_the_servers_policy_is_set_by_an_admin_on_the_command_line(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    assert "needs: creative_lead, market:<its locale>" in cli("users", "policy").stdout
    both = cli("users", "policy", "--no-creative-lead", "--no-market")
    assert both.code == 2 and "must need its creative lead or its market" in both.stderr
    assert "needs: creative_lead; legal: always" in cli("users", "policy", "--no-market", "--legal", "always").stdout
    assert "needs: creative_lead; legal: always" in cli("users", "policy").stdout


def test_a_decision_on_a_page_older_than_the_creative_is_refused(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    assert make_campaign(base_brief(aspect_ratios=["1x1", "9x16"]), output=workdir / "out").status == "succeeded"
    assert cli("users", "add", "lea", "--email", "l@example.com", "--role", "creative_lead").code == 0
    token = cli("users", "token", "lea").stdout.strip()
    form = {"content-type": "application/x-www-form-urlencoded", "X-API-Key": token}
    with TestClient(create_app(get_settings(output_dir=workdir / "out"))) as api:
        stale = "product_id=prod_a&locale=en&aspect_ratio=1x1&decision=approved&sha256=" + "0" * 64
        answer = api.post("/gallery/test-campaign/decisions", content=stale, headers=form, follow_redirects=False)
        assert answer.status_code == 409 and "reload" in answer.json()["detail"]
        group = "product_id=prod_a&locale=en&decision=approved&sha256s=1x1=" + "0" * 64  # 9x16 missing, 1x1 stale
        assert api.post("/gallery/test-campaign/decisions", content=group, headers=form).status_code == 409
        trail = api.get("/campaigns/test-campaign/approvals", headers={"X-API-Key": token}).json()["decisions"]
    assert trail == []  # nothing was recorded
