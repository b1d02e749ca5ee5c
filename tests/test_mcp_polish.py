"""The MCP surface as a client sees it over stdio: optional arguments, unknown campaigns, annotations, parameter
descriptions, listed manifests, counts equal to the database's, UTC times with ``Z``."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from creative_ai.db.repository import Repository, utcnow
from creative_ai.mcp_server.server import ACTION_TOOLS, READ_TOOLS
from tests.test_mcp import _server, seeded  # noqa: F401  (the seeded campaign fixture)

CAMPAIGN = "test-campaign"
TIME_FIELDS = {"updated_at", "created_at", "started_at", "finished_at", "at", "first_seen", "last_seen"}
TIME_FIELDS |= {"notified_at", "resolved_at", "acknowledged_at", "snoozed_until"}
# Every read tool: (required arguments, optional arguments) for the seeded campaign.
CALLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "list_campaigns": ({}, {}),
    "get_campaign_details": ({"campaign_id": CAMPAIGN}, {}),
    "get_product_variants": ({"campaign_id": CAMPAIGN}, {"product_id": "bottle"}),
    "get_recent_errors": ({}, {"campaign_id": CAMPAIGN, "minutes": 30}),
    "get_alerts": ({}, {"status": "all", "campaign_id": CAMPAIGN}),
    "analyze_root_cause": ({"campaign_id": CAMPAIGN}, {}),
    "get_compliance_report": ({"campaign_id": CAMPAIGN}, {}),
}
UNKNOWN = {name: {"campaign_id": "nope"} for name in READ_TOOLS if name != "list_campaigns"}
UNKNOWN["get_product_variants+product"] = {"campaign_id": "nope", "product_id": "towel"}


def _times(value: Any) -> list[str]:
    """Every time stamp in a tool result, however deep."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in TIME_FIELDS and isinstance(v, str)]
        return found + [t for v in value.values() for t in _times(v)]
    if isinstance(value, list):
        return [t for v in value for t in _times(v)]
    return []


def _sql_counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as con:
        ((ok, total),) = con.execute(
            "SELECT SUM(status = 'ok'), COUNT(*) FROM variants WHERE campaign_id = ?", (CAMPAIGN,)
        ).fetchall()
    return int(ok), int(total)


@pytest.fixture
def polished(seeded: Path) -> Path:  # noqa: F811
    """The seeded campaign plus a job and an open alert, so every kind of time stamp shows up."""
    repo = Repository.open(f"sqlite:///{seeded / 'creative_ai.db'}")
    job, _ = repo.create_job(
        job_id="job-1", campaign_id=CAMPAIGN, brief={}, request_sha256="x", provider=None, idempotency_key=None
    )
    repo.update_job(job.id, started_at=utcnow())
    repo.add_alert(
        campaign_id=CAMPAIGN, rule="few_variants", severity="warning", status="open", summary="few",
        facts={}, first_seen=utcnow(), last_seen=utcnow(),
    )  # fmt: skip
    return seeded


def _stdio(workdir: Path, errlog: TextIO) -> Any:
    env = {**os.environ, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "creative_ai", "mcp"], env=env, cwd=str(workdir))
    return stdio_client(params, errlog=errlog)


async def _observe(client: Client, workdir: Path) -> dict[str, Any]:
    """What one client session sees; nothing asserted here, so each test below checks one thing."""
    seen: dict[str, Any] = {"tools": {t.name: t for t in (await client.list_tools()).tools}}
    for name, (required, optional) in CALLS.items():
        seen[name] = [await client.call_tool(name, required), await client.call_tool(name, {**required, **optional})]
    for name, args in UNKNOWN.items():
        seen[f"unknown {name}"] = await client.call_tool(name.split("+")[0], args)
    seen["resources"] = [(str(r.uri), r.mime_type) for r in (await client.list_resources()).resources]
    seen["manifest"] = await client.read_resource(f"campaign://{CAMPAIGN}/manifest")
    (workdir / "out" / CAMPAIGN / "manifest.json").unlink()
    for uri in (f"campaign://{CAMPAIGN}/manifest", "campaign://nope/manifest"):
        try:
            seen[uri] = await client.read_resource(uri)
        except MCPError as exc:
            seen[uri] = exc
    return seen


@pytest.fixture
def seen(polished: Path) -> dict[str, Any]:
    """One stdio session against ``creative-ai mcp``; the server's stderr is kept under ``stderr``."""
    log = polished / "mcp-stderr.log"

    async def scenario() -> dict[str, Any]:
        with log.open("w") as errlog:
            async with Client(_stdio(polished, errlog)) as client:
                return await _observe(client, polished)

    observed = anyio.run(scenario)
    observed["stderr"] = log.read_text()
    return observed


def _data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return dict(result.structured_content)


def test_every_tool_with_and_without_its_optional_arguments(seen: dict[str, Any], polished: Path) -> None:
    for name in CALLS:
        bare, full = (_data(r) for r in seen[name])
        assert bare and full, name
    every, one = (_data(r) for r in seen["get_product_variants"])
    assert [p["product_id"] for p in every["products"]] == ["towel", "bottle"]
    assert [p["product_id"] for p in one["products"]] == ["bottle"] and one["products"][0] == every["products"][1]
    assert _data(seen["get_alerts"][0])["open"] == 1
    assert [a["campaign_id"] for a in _data(seen["get_alerts"][1])["alerts"]] == [CAMPAIGN]
    assert _data(seen["get_recent_errors"][1])["window_minutes"] == 30
    ok, total = _sql_counts(polished / "creative_ai.db")  # the database itself, not our read model
    details = _data(seen["get_campaign_details"][0])
    assert (details["variants_ok"], details["variants_total"]) == (ok, total) == (16, 16)
    assert sum(p["ok"] for p in every["products"]) == ok and sum(p["total"] for p in every["products"]) == total


def test_unknown_campaign_is_a_tool_error_naming_it_on_every_tool(seen: dict[str, Any]) -> None:
    assert {n.split("+")[0] for n in UNKNOWN} == set(READ_TOOLS) - {"list_campaigns"}
    for name in UNKNOWN:
        result = seen[f"unknown {name}"]
        text = result.content[0].text
        assert result.is_error and "no campaign 'nope'" in text and f"known: {CAMPAIGN}" in text, (name, text)


def test_annotations_and_parameter_descriptions(seen: dict[str, Any]) -> None:
    assert set(seen["tools"]) == set(READ_TOOLS)
    for name, tool in seen["tools"].items():
        hints = tool.annotations
        assert hints is not None and hints.read_only_hint is True and hints.idempotent_hint is True, name
        for param, spec in tool.input_schema["properties"].items():
            assert spec.get("description"), f"{name}.{param} has no description"
    assert "product_id" not in seen["tools"]["get_product_variants"].input_schema["required"]


def test_manifests_are_listed_and_read_and_a_missing_one_is_an_error(seen: dict[str, Any]) -> None:
    assert (f"campaign://{CAMPAIGN}/manifest", "application/json") in seen["resources"]
    manifest = json.loads(seen["manifest"].contents[0].text)
    assert manifest["campaign_id"] == CAMPAIGN and manifest["variants_ok"] == 16
    gone, unknown = seen[f"campaign://{CAMPAIGN}/manifest"], seen["campaign://nope/manifest"]
    assert isinstance(gone, MCPError) and "has no manifest yet" in str(gone)
    assert isinstance(unknown, MCPError) and "no campaign 'nope'" in str(unknown)
    assert "Traceback" not in seen["stderr"]


def test_times_are_utc_with_z(seen: dict[str, Any]) -> None:
    results = [_data(r) for name in CALLS for r in seen[name]]
    stamps = _times(results)
    kinds = {k for r in results for k in _keys(r)}
    assert {"updated_at", "created_at", "started_at", "first_seen", "last_seen", "at"} <= kinds
    assert stamps and all(t.endswith("Z") and "+" not in t for t in stamps), stamps


def _keys(value: Any) -> set[str]:
    """The time fields that hold a value anywhere in a result."""
    if isinstance(value, dict):
        here = {k for k, v in value.items() if k in TIME_FIELDS and v is not None}
        return here.union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


def test_action_tools_annotated_and_unknown_campaign(seeded: Path) -> None:  # noqa: F811
    server, queue = _server(seeded, mcp_actions=True)

    async def scenario() -> None:
        async with Client(server) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            for name in ACTION_TOOLS:
                hints = tools[name].annotations
                assert hints is not None and hints.read_only_hint is False and hints.destructive_hint is False
                assert all(spec.get("description") for spec in tools[name].input_schema["properties"].values())
            missing = await client.call_tool("rerun_campaign", {"campaign_id": "nope"})
            text = missing.content[0].text  # type: ignore[union-attr]
            assert missing.is_error and "no campaign 'nope'" in text and CAMPAIGN in text

    try:
        anyio.run(scenario)
    finally:
        queue.close()
