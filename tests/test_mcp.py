"""The MCP server with the SDK's own client: in-process, over stdio, and over streamable HTTP with a token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from creative_ai.config import get_settings
from creative_ai.db.repository import Repository, utcnow
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.mcp_server.server import ACTION_TOOLS, READ_TOOLS, build_server
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief
from tests.servers import free_port, wait_for_port

TOKEN = "mcp-token-for-tests"
SECRET = "sk-live-abcdefghijklmnop1234"


@pytest.fixture
def seeded(make_campaign, workdir: Path) -> Path:  # type: ignore[no-untyped-def]
    """A campaign made by the local provider, plus recorded provider auth failures for another one."""
    brief = base_brief(
        products=[{"id": "towel", "name": "Beach Towel"}, {"id": "bottle", "name": "Water Bottle"}],
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
        locales=["en", "de"],
    )
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    repo = Repository.open(f"sqlite:///{workdir / 'creative_ai.db'}")
    for n in range(3):
        repo.record_generation(
            campaign_id="test-campaign", product_id="towel", provider="openai", model="gpt-image-2", prompt="p",
            seed=n, width=1024, height=1024, latency_ms=12.0, cost_usd=0.0, sha256=None,
            outcome="ProviderAuthError", error=f"401 invalid api key {SECRET}",
        )  # fmt: skip
    repo.record_error(
        campaign_id="test-campaign", product_id="towel", locale="en", aspect_ratio="1x1", stage="hero",
        error_type="GenerationFailed", message=f"openai: 401 Unauthorized (key {SECRET})",
    )  # fmt: skip
    return workdir


def _server(workdir: Path, **overrides: object):  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=workdir / "out", **overrides)
    repo = Repository.open(settings.database_url)
    queue = InProcessJobs(settings=settings, repo=repo)
    return build_server(settings=settings, repo=repo, store=LocalStore(settings.output_dir), queue=lambda: queue), queue


def test_read_tools_return_structured_facts(seeded: Path) -> None:
    server, queue = _server(seeded)

    async def scenario() -> None:
        async with Client(server) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) == set(READ_TOOLS)  # action tools are off by default
            assert all(tools[name].output_schema for name in READ_TOOLS)
            listed = (await client.call_tool("list_campaigns", {})).structured_content
            assert listed == {
                "campaigns": [
                    {
                        "campaign_id": "test-campaign", "name": None, "status": "succeeded", "target_market": "EU",
                        "variants_total": 16, "variants_ok": 16, "updated_at": listed["campaigns"][0]["updated_at"],
                    }
                ]
            }  # fmt: skip
            details = (
                await client.call_tool("get_campaign_details", {"campaign_id": "test-campaign"})
            ).structured_content
            assert details["variants_ok"] == 16 and details["provider_errors"] == 3
            assert [p["product_id"] for p in details["products"]] == ["towel", "bottle"]
            assert details["locales"] == ["de", "en"] and details["manifest_uri"] == "campaign://test-campaign/manifest"
            variants = (
                await client.call_tool("get_product_variants", {"campaign_id": "test-campaign", "product_id": "towel"})
            ).structured_content["products"][0]
            assert variants["ok"] == 8 and variants["by_ratio"] == {"16x9": 2, "1x1": 2, "4x5": 2, "9x16": 2}
            assert variants["missing_ratios"] == [] and variants["missing_locales"] == []
            assert 3 <= variants["distinct"] <= 8
            errors = (await client.call_tool("get_recent_errors", {"campaign_id": "test-campaign"})).structured_content
            assert errors["total"] == 1 and "401 Unauthorized" in errors["errors"][0]["message"]
            assert SECRET not in json.dumps(errors)
            cause = (await client.call_tool("analyze_root_cause", {"campaign_id": "test-campaign"})).structured_content
            assert cause["cause"] == "auth_or_licence" and cause["counts"]["auth_or_licence"] >= 3
            assert SECRET not in json.dumps(cause)
            report = (
                await client.call_tool("get_compliance_report", {"campaign_id": "test-campaign"})
            ).structured_content
            assert report["variants_checked"] == 16 and "legibility" in json.dumps(report["by_check"])
            alerts = (await client.call_tool("get_alerts", {})).structured_content
            assert alerts == {"open": 0, "alerts": []}
            manifest = await client.read_resource("campaign://test-campaign/manifest")
            assert json.loads(manifest.contents[0].text)["variants_ok"] == 16  # type: ignore[union-attr]
            missing = await client.call_tool("get_campaign_details", {"campaign_id": "nope"})
            assert missing.is_error and "no campaign 'nope'" in missing.content[0].text  # type: ignore[union-attr]

    try:
        anyio.run(scenario)
    finally:
        queue.close()


def test_action_tools_only_when_enabled(seeded: Path) -> None:
    server, queue = _server(seeded, mcp_actions=True)

    async def scenario() -> dict:  # type: ignore[type-arg]
        async with Client(server) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert set(ACTION_TOOLS) <= names
            bad = await client.call_tool("submit_brief", {"brief": {"campaign_id": "../../x"}})
            assert bad.is_error and "campaign_id" in bad.content[0].text  # type: ignore[union-attr]
            sent = await client.call_tool("submit_brief", {"brief": base_brief(campaign_id="from-mcp")})
            return dict(sent.structured_content or {})

    submitted = anyio.run(scenario)
    queue.close()  # waits for the job
    assert submitted["campaign_id"] == "from-mcp" and submitted["created"] is True
    job = Repository.open(get_settings().database_url).job(submitted["job_id"])
    assert job is not None and job.status == "succeeded"
    assert (seeded / "out/from-mcp/prod_a/1x1/prod_a_1x1_en.png").is_file()


def test_stdio_transport(seeded: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "creative_ai", "mcp"], env=dict(os.environ), cwd=str(seeded)
    )

    async def scenario() -> dict:  # type: ignore[type-arg]
        async with Client(params) as client:
            return dict((await client.call_tool("list_campaigns", {})).structured_content or {})

    assert anyio.run(scenario)["campaigns"][0]["campaign_id"] == "test-campaign"


def test_http_transport_needs_the_token(seeded: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "creative_ai", "mcp", "--transport", "http"],
        cwd=seeded, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert refused.returncode == 3 and "CREATIVE_AI_MCP_TOKEN" in refused.stderr and "Traceback" not in refused.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "creative_ai", "mcp", "--transport", "http", "--port", str(port)],
        cwd=seeded, env={**os.environ, "CREATIVE_AI_MCP_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        wait_for_port(port)
        assert httpx.post(url, json={}).status_code == 401
        assert httpx.post(url, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401

        async def scenario() -> dict:  # type: ignore[type-arg]
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with (
                httpx2.AsyncClient(headers=headers) as http,
                Client(streamable_http_client(url, http_client=http)) as client,
            ):
                result = await client.call_tool("get_campaign_details", {"campaign_id": "test-campaign"})
                return dict(result.structured_content or {})

        assert anyio.run(scenario)["variants_ok"] == 16
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert TOKEN not in err.decode()


def test_recent_error_window(seeded: Path) -> None:
    settings = get_settings(output_dir=seeded / "out")
    repo = Repository.open(settings.database_url)
    from creative_ai.facts import Facts

    facts = Facts(settings=settings, repo=repo, store=LocalStore(settings.output_dir))
    assert facts.recent_errors(minutes=60).total == 1
    assert all(e.at.endswith("Z") and datetime.fromisoformat(e.at) <= utcnow() for e in facts.recent_errors().errors)
