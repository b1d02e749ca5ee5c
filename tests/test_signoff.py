"""Approvals by the right people, from outside: people made with the CLI, decisions posted to the served API with
their tokens, state read back from the API, the audit CSV, the approved zip and the database (sqlite3)."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import base_brief, write_brief
from tests.servers import served_api

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _person(cli, name: str, *roles: str) -> str:  # type: ignore[no-untyped-def]
    args = [arg for role in roles for arg in ("--role", role)]
    assert cli("users", "add", name, "--email", f"{name}@example.com", *args).code == 0
    return str(cli("users", "token", name).stdout.strip())


@pytest.fixture
def server(workdir: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    with served_api(workdir, env) as served:
        yield served.url


def _brief(message: str = "The best towel of the summer") -> dict:  # type: ignore[type-arg]
    return base_brief(
        products=[{"id": "towel", "name": "Towel"}],
        locales=["en", "de", "fr"],
        messages={"de": "Das Handtuch für den Sommer", "fr": "La serviette de l'été"},
        campaign_message=message,
        aspect_ratios=["1x1", "9x16"],
    )


def _decide(server: str, token: str, ratio: str | None, locale: str, decision: str, comment: str = "") -> int:
    form = f"product_id=towel&locale={locale}&decision={decision}&comment={comment}"
    form += f"&aspect_ratio={ratio}" if ratio else ""
    answer = httpx.post(
        f"{server}/gallery/test-campaign/decisions",
        content=form,
        headers={**FORM, "X-API-Key": token},
        follow_redirects=False,
    )
    return answer.status_code


def _states(server: str, token: str) -> dict[str, dict]:  # type: ignore[type-arg]
    body = httpx.get(f"{server}/campaigns/test-campaign/approvals", headers={"X-API-Key": token}).json()
    return {f"{c['product_id']}/{c['locale']}/{c['aspect_ratio']}": c for c in body["creatives"]}


def test_market_reviewers_legal_and_the_lead_sign_off_as_the_policy_says(cli, make_campaign, workdir, server) -> None:  # type: ignore[no-untyped-def]
    brief = _brief()  # its English copy says "best": a restricted term (superlatives)
    assert make_campaign(write_brief(workdir, brief), output=workdir / "out").status == "succeeded"
    lead = _person(cli, "lea", "creative_lead")
    de = _person(cli, "dirk", "market:de")
    en = _person(cli, "emma", "market:en")
    legal = _person(cli, "lou", "legal")

    # A market reviewer for de cannot approve a fr creative.
    assert _decide(server, de, "1x1", "fr", "approved") == 403
    assert _decide(server, de, None, "de", "approved") == 303  # bulk: both ratios of towel × de
    assert _decide(server, lead, None, "de", "approved") == 303
    states = _states(server, lead)
    assert states["towel/de/1x1"]["status"] == "approved" and states["towel/de/9x16"]["status"] == "approved"
    assert states["towel/de/1x1"]["required"] == ["creative_lead", "market:de"]

    # The English copy carries a restricted term: legal must sign too before it counts as approved.
    assert _decide(server, lead, "1x1", "en", "approved") == 303
    assert _decide(server, en, "1x1", "en", "approved") == 303
    en_state = _states(server, lead)["towel/en/1x1"]
    assert en_state["status"] == "pending" and en_state["pending"] == ["legal"]
    assert _decide(server, legal, "1x1", "fr", "approved") == 403  # fr carries no flagged copy: no legal sign-off
    assert _decide(server, legal, "1x1", "en", "approved") == 303
    assert _states(server, lead)["towel/en/1x1"]["status"] == "approved"

    # One rejection by a required role rejects it, with the comment.
    assert _decide(server, lead, "9x16", "en", "rejected", "logo too small") == 303
    rejected = _states(server, lead)["towel/en/9x16"]
    assert (rejected["status"], rejected["comment"]) == ("rejected", "logo too small")

    # The audit trail: every decision in order, who, role, the bytes' sha256 (read from the sidecars).
    trail = httpx.get(
        f"{server}/campaigns/test-campaign/approvals", params={"format": "csv"}, headers={"X-API-Key": lead}
    )
    rows = list(csv.DictReader(io.StringIO(trail.text)))
    assert [(r["by"], r["role"], r["locale"], r["aspect_ratio"], r["decision"]) for r in rows] == [
        ("dirk", "market:de", "de", "1x1", "approved"),
        ("dirk", "market:de", "de", "9x16", "approved"),
        ("lea", "creative_lead", "de", "1x1", "approved"),
        ("lea", "creative_lead", "de", "9x16", "approved"),
        ("lea", "creative_lead", "en", "1x1", "approved"),
        ("emma", "market:en", "en", "1x1", "approved"),
        ("lou", "legal", "en", "1x1", "approved"),
        ("lea", "creative_lead", "en", "9x16", "rejected"),
    ]
    for r in rows:
        sidecar = (
            workdir / "out/test-campaign/towel" / r["aspect_ratio"] / f"towel_{r['aspect_ratio']}_{r['locale']}.json"
        )
        assert r["sha256"] == json.loads(sidecar.read_text())["sha256"]

    # The approved zip holds exactly the fully approved creatives.
    archive = zipfile.ZipFile(
        io.BytesIO(httpx.get(f"{server}/gallery/test-campaign/approved.zip", headers={"X-API-Key": lead}).content)
    )
    assert sorted(archive.namelist()) == [
        "test-campaign/towel/1x1/towel_1x1_de.png",
        "test-campaign/towel/1x1/towel_1x1_en.png",
        "test-campaign/towel/9x16/towel_9x16_de.png",
    ]
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        assert db.execute("SELECT count(*) FROM approvals").fetchone() == (8,)
    # The compliance report carries the same trail.
    reported = cli("report", "test-campaign", "--format", "json").json()["approvals"]
    assert [(a["by"], a["role"], a["sha256"]) for a in reported] == [(r["by"], r["role"], r["sha256"]) for r in rows]
    assert "Sign-off audit trail" in cli("report", "test-campaign", "--format", "html").stdout


def test_sign_offs_reset_when_the_copy_changes_and_survive_an_identical_rerun(
    cli, make_campaign, workdir, server
) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, _brief())
    assert make_campaign(path, output=workdir / "out").status == "succeeded"
    lead = _person(cli, "lea", "creative_lead")
    de = _person(cli, "dirk", "market:de")
    for token in (lead, de):
        assert _decide(server, token, "1x1", "de", "approved") == 303
    assert _states(server, lead)["towel/de/1x1"]["status"] == "approved"

    assert make_campaign(path, output=workdir / "out").status == "succeeded"  # identical rerun: same bytes
    assert _states(server, lead)["towel/de/1x1"]["status"] == "approved"

    changed = _brief()
    changed["messages"]["de"] = "Ganz neue Worte für den Sommer"
    assert make_campaign(write_brief(workdir, changed), output=workdir / "out").status == "succeeded"
    state = _states(server, lead)["towel/de/1x1"]
    # New copy: the market's sign-off is reset, the creative lead's (same hero) stands.
    assert state["status"] == "pending" and state["pending"] == ["market:de"]
    assert _decide(server, de, "1x1", "de", "approved") == 303
    assert _states(server, lead)["towel/de/1x1"]["status"] == "approved"


def test_the_queue_shows_what_waits_for_my_roles_and_approves_a_group(cli, make_campaign, workdir, server) -> None:  # type: ignore[no-untyped-def]
    assert make_campaign(write_brief(workdir, _brief()), output=workdir / "out").status == "succeeded"
    fr = _person(cli, "fanny", "market:fr")
    _person(cli, "lea", "creative_lead")
    with httpx.Client(base_url=server, headers={"X-API-Key": fr}) as api:
        page = api.get("/gallery/queue").text
        assert 'data-group="test-campaign/towel/fr"' in page and 'data-group="test-campaign/towel/de"' not in page
        assert _decide(server, fr, None, "fr", "approved") == 303
        assert 'id="empty"' in api.get("/gallery/queue").text


def test_mcp_reads_the_sign_off_and_offers_no_approval_tool(cli, make_campaign, workdir, server) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from mcp import Client

    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.jobs.inprocess import InProcessJobs
    from creative_ai.mcp_server.server import build_server
    from creative_ai.storage.local import LocalStore

    assert make_campaign(write_brief(workdir, _brief()), output=workdir / "out").status == "succeeded"
    de = _person(cli, "dirk", "market:de")
    assert _decide(server, de, "1x1", "de", "rejected", "umlaut missing") == 303
    settings = get_settings(output_dir=workdir / "out", mcp_actions=True)
    repo = Repository.open(settings.database_url)
    queue = InProcessJobs(settings=settings, repo=repo)
    mcp = build_server(settings=settings, repo=repo, store=LocalStore(settings.output_dir), queue=lambda: queue)

    async def scenario() -> tuple[set[str], dict]:  # type: ignore[type-arg]
        async with Client(mcp) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            found = await client.call_tool("get_approvals", {"campaign_id": "test-campaign"})
            return names, dict(found.structured_content or {})

    names, state = asyncio.run(scenario())
    assert "get_approvals" in names and not any("approve" in n or "decide" in n for n in names - {"get_approvals"})
    assert state["counts"] == {"approved": 0, "rejected": 1, "pending": 5}
    (line,) = [c for c in state["creatives"] if (c["locale"], c["aspect_ratio"]) == ("de", "1x1")]
    assert (line["status"], line["comment"]) == ("rejected", "umlaut missing")
    assert [(d["by"], d["role"], d["decision"]) for d in state["decisions"]] == [("dirk", "market:de", "rejected")]
