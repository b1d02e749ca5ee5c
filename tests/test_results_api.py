"""Results through the served API (a real server process), the review gallery in Debian chromium, and the MCP
tool: the same numbers everywhere, read from outside."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx
import pytest
from mcp import Client

from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.mcp_server.server import build_server
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief, write_brief
from tests.servers import served_api
from tests.test_gallery_browser import ARGS, CHROMIUM

KEY = "results-key-for-tests"
HEADERS = {"X-API-Key": KEY}
META = "Ad name,Day,Reporting starts,Reporting ends,Impressions,Reach,Link clicks,Results,Amount spent (EUR)\n"


def _make(make_campaign, workdir: Path) -> list[str]:  # type: ignore[no-untyped-def]
    brief = base_brief(aspect_ratios=["1x1", "9x16", "16x9"])
    assert make_campaign(write_brief(workdir, brief), output=workdir / "out").status == "succeeded"
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    return sorted(v["ad_name"] for v in manifest["variants"])


def _report(names: list[str]) -> str:
    best, *rest = names
    lines = [f"{best},2026-11-02,2026-11-02,2026-11-02,60000,50000,2400,120,300.00"]
    lines += [f"{n},2026-11-02,2026-11-02,2026-11-02,60000,50000,1200,60,300.00" for n in rest]
    lines.append("other-campaign_x_en_1x1_deadbeef,2026-11-02,2026-11-02,2026-11-02,10,9,1,0,1.00")
    return META + "\n".join(lines) + "\n"


@pytest.fixture
def server(workdir: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CREATIVE_AI_API_KEY": KEY, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    with served_api(workdir, env) as served:
        yield served.url


def test_upload_then_performance_and_gallery_badges(make_campaign, workdir: Path, server: str) -> None:  # type: ignore[no-untyped-def]
    names = _make(make_campaign, workdir)
    body = _report(names).encode()
    url = f"{server}/campaigns/test-campaign/results"
    assert httpx.post(url, content=body, headers={"Content-Type": "text/csv"}).status_code == 401
    answer = httpx.post(url, params={"filename": "meta.csv"}, content=body, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["source"] == "meta" and data["matched"] == 3 and data["stored"]["added"] == 3
    assert [u["ad_name"] for u in data["unmatched"]] == ["other-campaign_x_en_1x1_deadbeef"]
    assert data["file_totals"]["impressions"] == 180_010 and data["matched_totals"]["clicks"] == 4800
    again = httpx.post(url, params={"filename": "meta.csv"}, content=body, headers=HEADERS).json()
    assert again["stored"] == {"added": 0, "replaced": 0, "unchanged": 3}

    junk = httpx.post(url, content=b"\x00\x01 not a report", headers=HEADERS)
    assert junk.status_code == 422 and "Traceback" not in junk.text
    missing = httpx.post(f"{server}/campaigns/nope/results", content=body, headers=HEADERS)
    assert missing.status_code == 404

    perf = httpx.get(f"{server}/campaigns/test-campaign/performance", headers=HEADERS).json()
    badges = {c["ad_name"]: c["badge"] for c in perf["creatives"]}
    assert badges == {names[0]: "winner", names[1]: "no clear difference", names[2]: "no clear difference"}
    assert perf["currency"] == "EUR" and perf["totals"]["clicks"] == 4800
    assert "Holm" in perf["rule"]["creatives"]
    grouped = httpx.get(
        f"{server}/campaigns/test-campaign/performance", params={"group_by": "ratio"}, headers=HEADERS
    ).json()
    assert set(grouped["attributes"]) == {"ratio"}

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{server}/gallery/login")
        page.fill("input[name=key]", KEY)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{server}/gallery/test-campaign")
        shown = {el.get_attribute("data-ad-name"): el.inner_text() for el in page.locator(".results").element_handles()}
        browser.close()
    assert set(shown) == set(names)
    assert "60,000 impressions" in shown[names[0]] and "CTR 4.00%" in shown[names[0]] and "winner" in shown[names[0]]
    assert "CTR 2.00%" in shown[names[1]] and "no clear difference" in shown[names[1]]


def test_get_performance_over_mcp(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    names = _make(make_campaign, workdir)
    settings = get_settings(output_dir=workdir / "out")
    repo = Repository.open(settings.database_url)
    from creative_ai.results.ingest import import_results
    from creative_ai.results.sources import parse_report

    data = _report(names).encode()
    import_results(parse_report(data, filename="m.csv"), repo=repo, origin="m.csv", data=data)
    queue = InProcessJobs(settings=settings, repo=repo)
    server = build_server(settings=settings, repo=repo, store=LocalStore(settings.output_dir), queue=lambda: queue)

    async def scenario() -> tuple[dict, bool]:  # type: ignore[type-arg]
        async with Client(server) as client:
            found = await client.call_tool("get_performance", {"campaign_id": "test-campaign", "group_by": ["locale"]})
            missing = await client.call_tool("get_performance", {"campaign_id": "nope"})
            return dict(found.structured_content or {}), bool(missing.is_error)

    found, missing_is_error = asyncio.run(scenario())
    assert {c["ad_name"]: c["badge"] for c in found["creatives"]}[names[0]] == "winner"
    assert set(found["attributes"]) == {"locale"} and found["totals"]["impressions"] == 180_000
    assert missing_is_error
