"""The OpenAPI document describes every answer: JSON answers by named schemas that the live answers satisfy,
other answers by their media type, the brief body by the brief's own schema (with a runnable example)."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from creative_ai.api import create_app
from creative_ai.api.schemas import EXAMPLE_BRIEF, RunReport, VariantReport
from creative_ai.brief import CampaignBrief, parse_brief
from creative_ai.config import Settings, get_settings
from creative_ai.db.repository import utcnow
from creative_ai.records import RunSummary, VariantOutcome
from tests.conftest import EXAMPLES, base_brief

KEY = "openapi-key-for-tests"
HEADERS = {"X-API-Key": KEY}
BRIEF_ROUTES = ("/campaigns/process", "/campaigns/jobs", "/briefs/validate")
LONG_COPY = (
    "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
    " this summer"
)
# Operations whose success is not a JSON answer: the media types they must declare (and nothing else).
NOT_JSON = {
    ("get", "/metrics"): {"text/plain"},
    ("get", "/gallery/login"): {"text/html"},
    ("get", "/gallery"): {"text/html"},
    ("get", "/gallery/{campaign_id}"): {"text/html"},
    ("get", "/gallery/queue"): {"text/html"},
    ("get", "/gallery/{campaign_id}/approved.zip"): {"application/zip"},
    ("get", "/campaigns/{campaign_id}/files/{path}"): {
        "image/png",
        "image/jpeg",
        "image/webp",
        "application/json",
        "text/html",
        "application/octet-stream",
    },
}
REDIRECTS = {("post", "/gallery/login"), ("post", "/gallery/logout"), ("post", "/gallery/{campaign_id}/decisions")}


@pytest.fixture
def settings(workdir: Path) -> Settings:
    return get_settings(
        output_dir=workdir / "out",
        database_url=f"sqlite:///{workdir / 'api.db'}",
        assets_dir=workdir / "assets",
        api_key=KEY,
    )


@pytest.fixture
def doc(settings: Settings) -> dict[str, Any]:
    return create_app(settings).openapi()


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = doc["components"]["schemas"][ref.removeprefix("#/components/schemas/")]
    return resolved


def _describes_an_object(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A named schema with properties, an array of them, or a union of them: never ``{}`` or a bare object."""
    if "anyOf" in schema:
        return all(_describes_an_object(doc, part) for part in schema["anyOf"])
    if schema.get("type") == "array":
        return _describes_an_object(doc, schema.get("items", {}))
    resolved = _resolve(doc, schema)
    return "$ref" in schema and bool(resolved.get("properties"))


def test_every_json_answer_has_a_named_schema(doc: dict[str, Any]) -> None:
    offenders = []
    for method, path, op in _operations(doc):
        for status, response in op["responses"].items():
            for media, body in response.get("content", {}).items():
                json_answer = media == "application/json" and (method, path) not in NOT_JSON
                if json_answer and not _describes_an_object(doc, body.get("schema", {})):
                    offenders.append(f"{method.upper()} {path} {status}: {body.get('schema')}")
        if (method, path) not in NOT_JSON and (method, path) not in REDIRECTS:
            success = [s for s in op["responses"] if s.startswith("2")]
            if not success or any("application/json" not in op["responses"][s].get("content", {}) for s in success):
                offenders.append(f"{method.upper()} {path}: no JSON success answer declared ({success})")
    assert not offenders, "\n".join(offenders)
    names = {
        ("get", "/health"): "HealthStatus",
        ("post", "/campaigns/jobs"): "JobAccepted",
        ("get", "/campaigns/jobs/{job_id}"): "JobStatus",
        ("get", "/campaigns/{campaign_id}"): "CampaignDetail",
        ("post", "/campaigns/process"): "RunReport",
    }
    for (method, path), name in names.items():
        op = doc["paths"][path][method]
        success = next(s for s in op["responses"] if s.startswith("2"))
        assert op["responses"][success]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{name}"
        }
    # An answer's keys are exactly its schema's: none is added by a default, none dropped for lack of a field.
    loose = [
        name
        for name, schema in doc["components"]["schemas"].items()
        if schema.get("additionalProperties") is False and set(schema.get("required", [])) != set(schema["properties"])
    ]
    assert not loose, loose
    assert doc["paths"]["/campaigns"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/CampaignOverview"
    }


def test_every_error_answer_has_a_schema(doc: dict[str, Any]) -> None:
    offenders = []
    for method, path, op in _operations(doc):
        for status, response in op["responses"].items():
            if not status.startswith("4"):
                continue
            for media, body in response.get("content", {}).items():
                if media == "application/json" and not _describes_an_object(doc, body.get("schema", {})):
                    offenders.append(f"{method.upper()} {path} {status}: {body}")
            if not response.get("content"):
                offenders.append(f"{method.upper()} {path} {status}: no content")
    assert not offenders, "\n".join(offenders)
    protected = [
        (m, p) for m, p, op in _operations(doc) if any(prm["name"] == "x-api-key" for prm in op.get("parameters", []))
    ]
    assert protected and all("401" in doc["paths"][p][m]["responses"] for m, p in protected)
    for path in BRIEF_ROUTES:
        assert {"413", "422"} <= set(doc["paths"][path]["post"]["responses"])


def test_other_answers_declare_their_media_type(doc: dict[str, Any]) -> None:
    offenders = []
    for (method, path), wanted in NOT_JSON.items():
        responses = doc["paths"][path][method]["responses"]
        declared = set(responses["200"].get("content", {}))
        if declared != wanted:
            offenders.append(f"{method.upper()} {path}: {sorted(declared)} instead of {sorted(wanted)}")
    for method, path in REDIRECTS:
        responses = doc["paths"][path][method]["responses"]
        if "200" in responses or "Location" not in responses.get("303", {}).get("headers", {}):
            offenders.append(f"{method.upper()} {path}: not a documented 303 redirect ({sorted(responses)})")
    assert not offenders, "\n".join(offenders)
    files = doc["paths"]["/campaigns/{campaign_id}/files/{path}"]["get"]["responses"]["200"]["content"]
    assert files["image/png"]["schema"] == {"type": "string", "format": "binary"}


def test_brief_body_is_the_brief_schema_with_the_example(doc: dict[str, Any]) -> None:
    for path in BRIEF_ROUTES:
        body = doc["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        media = body["content"]["application/json"]
        schema = media["schema"]
        assert "$ref" not in json.dumps(schema), path  # self-contained: the brief's parts are inlined
        assert {"campaign_id", "products", "target_market", "target_audience", "campaign_message"} <= set(
            schema["properties"]
        )
        assert set(schema["required"]) == set(CampaignBrief.model_json_schema()["required"])
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]["products"]["items"]["required"]) == {"id", "name"}
        example = media["examples"]["multi_product"]["value"]
        assert example == json.loads((EXAMPLES / "brief_multi_product.json").read_text())
        validator = Draft202012Validator(schema)
        assert not list(validator.iter_errors(example))
        assert list(validator.iter_errors({**example, "typo": 1}))
        assert list(validator.iter_errors({k: v for k, v in example.items() if k != "campaign_id"}))
    assert parse_brief(EXAMPLE_BRIEF).campaign_id == "summer-splash-eu-2025"


def test_run_schemas_name_every_field_of_the_run_summary() -> None:
    assert list(RunReport.model_fields) == [f.name for f in dataclasses.fields(RunSummary)]
    assert list(VariantReport.model_fields) == [f.name for f in dataclasses.fields(VariantOutcome)]


def _wait(client: TestClient, job_id: str) -> None:
    for _ in range(300):
        if client.get(f"/campaigns/jobs/{job_id}", headers=HEADERS).json()["status"] not in ("queued", "running"):
            return
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_live_answers_match_their_documented_schema(settings: Settings) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    with TestClient(create_app(settings), follow_redirects=False) as client:
        doc = client.get("/openapi.json").json()
        made = client.post("/campaigns/process", json=base_brief(aspect_ratios=["1x1", "16x9"]), headers=HEADERS)
        creative = made.json()["variants"][0]["file_path"].split("test-campaign/")[1]
        job = client.post("/campaigns/jobs", json=base_brief(campaign_id="jobbed"), headers=HEADERS).json()["job_id"]
        _wait(client, job)
        beat = {"status": "running", "last_heartbeat": utcnow().isoformat(), "interval_s": 60, "drafter": "template"}
        client.app.state.runtime.repo.set_setting("agent", beat)  # type: ignore[attr-defined]
        assert client.get("/agent/status").text.count('"interval_s":60,') == 1  # sent as computed, not 60.0
        calls: list[tuple[str, str, str, dict[str, Any]]] = [
            ("get", "/health", "/health", {}),
            ("get", "/current-model", "/current-model", {}),
            ("post", "/select-model", "/select-model", {"json": {"provider": "local"}, "headers": HEADERS}),
            ("post", "/select-model", "/select-model", {"json": {"provider": "nope"}, "headers": HEADERS}),
            ("post", "/select-model", "/select-model", {"json": {"x": 1}, "headers": HEADERS}),
            ("post", "/select-model", "/select-model", {"json": {"provider": "local"}}),
            ("get", "/agent/status", "/agent/status", {}),
            ("post", "/briefs/validate", "/briefs/validate", {"json": base_brief(), "headers": HEADERS}),
            (
                "post",
                "/briefs/validate",
                "/briefs/validate",
                {"json": base_brief(aspect_ratios=["16x9"], campaign_message=LONG_COPY), "headers": HEADERS},
            ),
            ("post", "/campaigns/process", "/campaigns/process", {"json": base_brief(typo=1), "headers": HEADERS}),
            (
                "post",
                "/campaigns/process",
                "/campaigns/process",
                {
                    "json": base_brief(campaign_id="p", aspect_ratios=["1x1", "16x9"], campaign_message=LONG_COPY),
                    "headers": HEADERS,
                },
            ),
            (
                "post",
                "/campaigns/process",
                "/campaigns/process",
                {
                    "json": base_brief(campaign_id="f", aspect_ratios=["16x9"], campaign_message=LONG_COPY),
                    "headers": HEADERS,
                },
            ),
            (
                "post",
                "/campaigns/jobs",
                "/campaigns/jobs",
                {"json": base_brief(products=[{"id": "a", "name": "A", "image": "../x.png"}]), "headers": HEADERS},
            ),
            (
                "post",
                "/campaigns/jobs",
                "/campaigns/jobs",
                {"content": b"[" + b" " * 1_100_000 + b"]", "headers": HEADERS},
            ),
            ("post", "/campaigns/jobs", "/campaigns/jobs", {"json": base_brief(campaign_id="j2"), "headers": HEADERS}),
            ("get", "/campaigns", "/campaigns", {"headers": HEADERS}),
            ("get", "/campaigns/{campaign_id}", "/campaigns/test-campaign", {"headers": HEADERS}),
            ("get", "/campaigns/{campaign_id}", "/campaigns/nope", {"headers": HEADERS}),
            ("get", "/campaigns/jobs/{job_id}", f"/campaigns/jobs/{job}", {"headers": HEADERS}),
            ("get", "/campaigns/jobs/{job_id}", "/campaigns/jobs/nope", {"headers": HEADERS}),
            (
                "get",
                "/campaigns/{campaign_id}/files/{path}",
                "/campaigns/test-campaign/files/manifest.json",
                {"headers": HEADERS},
            ),
            (
                "get",
                "/campaigns/{campaign_id}/files/{path}",
                f"/campaigns/test-campaign/files/{creative}",
                {"headers": HEADERS},
            ),
            (
                "get",
                "/campaigns/{campaign_id}/files/{path}",
                "/campaigns/test-campaign/files/index.html",
                {"headers": HEADERS},
            ),
            ("get", "/metrics", "/metrics", {}),
            ("get", "/gallery/login", "/gallery/login", {}),
            ("get", "/gallery", "/gallery", {}),
            ("get", "/gallery/{campaign_id}", "/gallery/nope", {"headers": HEADERS}),
            ("get", "/gallery/{campaign_id}", "/gallery/test-campaign", {"headers": HEADERS}),
            (
                "post",
                "/gallery/{campaign_id}/decisions",
                "/gallery/test-campaign/decisions",
                {"content": b"decision=maybe", "headers": {**HEADERS, **form}},
            ),
            (
                "post",
                "/gallery/{campaign_id}/decisions",
                "/gallery/test-campaign/decisions",
                {
                    "content": b"decision=approved&product_id=prod_a&locale=en&aspect_ratio=1x1",
                    "headers": {**HEADERS, **form},
                },
            ),
            ("get", "/gallery/{campaign_id}/approved.zip", "/gallery/test-campaign/approved.zip", {"headers": HEADERS}),
            ("post", "/gallery/login", "/gallery/login", {"content": b"key=wrong", "headers": form}),
            ("post", "/gallery/login", "/gallery/login", {"content": f"key={KEY}".encode(), "headers": form}),
        ]
        offenders = []
        seen_statuses = set()
        for method, template, url, kwargs in calls:
            response = getattr(client, method)(url, **kwargs)
            where = f"{method.upper()} {url} -> {response.status_code}"
            seen_statuses.add((template, response.status_code))
            declared = doc["paths"][template][method]["responses"].get(str(response.status_code))
            if declared is None:
                offenders.append(f"{where}: status not documented")
                continue
            media = response.headers.get("content-type", "").split(";")[0]
            content = declared.get("content", {})
            if response.status_code == 303:
                if content or "location" not in response.headers:
                    offenders.append(f"{where}: a redirect is documented without a body and with a Location")
                continue
            matching = [m for m in content if m.split(";")[0] == media]
            if not matching:
                offenders.append(f"{where}: {media} not among {sorted(content)}")
            elif media == "application/json" and (method, template) not in NOT_JSON:
                schema = {**content[matching[0]]["schema"], "components": doc["components"]}
                errors = [e.message for e in Draft202012Validator(schema).iter_errors(response.json())]
                if errors:
                    offenders.append(f"{where}: {errors[:3]}")
    assert not offenders, "\n".join(offenders)
    # the calls reached the answers they were meant to: each kind of answer was checked
    for expected in [
        ("/campaigns/process", 207),
        ("/campaigns/process", 422),
        ("/campaigns/jobs", 202),
        ("/campaigns/jobs", 413),
        ("/campaigns/jobs", 422),
        ("/select-model", 401),
        ("/select-model", 422),
        ("/briefs/validate", 200),
        ("/campaigns/{campaign_id}", 404),
        ("/gallery/login", 401),
        ("/gallery/login", 303),
        ("/gallery/{campaign_id}/decisions", 303),
        ("/gallery/{campaign_id}/decisions", 422),
        ("/gallery/{campaign_id}/approved.zip", 200),
    ]:
        assert expected in seen_statuses, expected
