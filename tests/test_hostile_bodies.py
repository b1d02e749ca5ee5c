"""Hostile request bodies get a 4xx, never a 500, and a streamed body cannot grow the server past its limit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings
from tests.conftest import base_brief
from tests.servers import served_api

KEY = "hostile-key-for-tests"
HEADERS = {"X-API-Key": KEY, "content-type": "application/json"}
BRIEF_ROUTES = ("/campaigns/process", "/campaigns/jobs", "/briefs/validate")
DEEP_LIST = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
LONG_NUMBER = b'{"campaign_id": ' + b"7" * 5000 + b"}"


@pytest.fixture
def client(workdir: Path) -> Iterator[TestClient]:
    settings = get_settings(
        output_dir=workdir / "out",
        database_url=f"sqlite:///{workdir / 'api.db'}",
        assets_dir=workdir / "assets",
        api_key=KEY,
    )
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("body", "says"),
    [(DEEP_LIST, "nested too deep"), (DEEP_OBJECT, "nested too deep"), (LONG_NUMBER, "too many digits")],
    ids=["deep-list", "deep-object", "5000-digits"],
)
def test_unparseable_json_is_a_422(client: TestClient, body: bytes, says: str) -> None:
    for path in BRIEF_ROUTES:
        answer = client.post(path, content=body, headers=HEADERS)
        assert answer.status_code == 422, (path, answer.text[:300])
        assert says in answer.text
    model = client.post("/select-model", content=body, headers=HEADERS)
    assert 400 <= model.status_code < 500, model.text[:300]


def test_json_deep_enough_to_parse_is_still_a_422(client: TestClient) -> None:
    depth = 800  # under json's own limit: parsed, then refused by the brief's validation
    body = base_brief(products=[{"id": "p", "name": "P", "description": "d"}])
    nested: object = "x"
    for _ in range(depth):
        nested = [nested]
    for answer in (
        client.post("/briefs/validate", json={**body, "products": nested}, headers=HEADERS),
        client.post("/briefs/validate", json={**body, "brand": nested}, headers=HEADERS),
    ):
        assert answer.status_code == 422, answer.text[:300]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"campaign_message": "Make waves\x00 this summer"}, "campaign_message"),
        ({"products": [{"id": "prod_a", "name": "Product\x00A"}]}, "products[0].name"),
        ({"messages": {"de": "Hallo\x00Welt"}, "locales": ["en", "de"]}, "messages.de"),
    ],
)
def test_a_nul_character_in_the_copy_is_a_422_naming_the_field(
    client: TestClient, overrides: dict[str, object], field: str
) -> None:
    for path in BRIEF_ROUTES:
        answer = client.post(path, json=base_brief(**overrides), headers=HEADERS)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["detail"] == [{"loc": field, "msg": "holds a NUL character (U+0000)"}]
    assert client.get("/campaigns", headers=HEADERS).json() == []  # nothing was made or queued


def test_a_nul_character_in_a_form_or_a_path_is_refused(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded", "X-API-Key": KEY}
    comment = client.post(
        "/gallery/test-campaign/decisions",
        content=b"decision=approved&product_id=prod_a&locale=en&aspect_ratio=1x1&comment=ok%00",
        headers=form,
    )
    assert comment.status_code == 422 and "comment" in comment.json()["detail"]
    for path in ("/campaigns/a%00b", "/campaigns/jobs/a%00b", "/gallery/a%00b"):
        assert client.get(path, headers=HEADERS).status_code == 400, path


def test_a_nul_character_never_reaches_postgresql(workdir: Path, postgres_url: str) -> None:
    settings = get_settings(output_dir=workdir / "out", database_url=postgres_url, assets_dir=workdir / "assets")
    with TestClient(create_app(settings)) as pg:
        for path in BRIEF_ROUTES:
            answer = pg.post(path, json=base_brief(campaign_message="Hello\x00World"))
            assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == "campaign_message", answer.text
        decided = pg.post(
            "/gallery/test-campaign/decisions",
            content=b"decision=approved&product_id=prod_a&locale=en&aspect_ratio=1x1&comment=%00",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert decided.status_code == 422
        assert pg.get("/campaigns/a%00b").status_code == 400


# -- streamed bodies ---------------------------------------------------------------------------------------------

CHUNK = 64 * 1024
STREAMED = 200 * 1024 * 1024


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _chunks(sent: list[int]) -> Iterator[bytes]:
    block = b" " * CHUNK
    for _ in range(STREAMED // CHUNK):
        sent[0] += CHUNK
        yield block


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_a_streamed_body_is_refused_at_the_limit_without_growing_the_server(workdir: Path) -> None:
    env = {**os.environ, "CREATIVE_AI_API_KEY": KEY}
    with served_api(workdir, env) as server, httpx.Client(base_url=server.url, timeout=300) as http:
        assert http.post("/select-model", json={"provider": "local"}, headers=HEADERS).status_code == 200  # warm
        rss, peak = _kib(server.pid, "VmRSS"), _kib(server.pid, "VmHWM")
        for path, headers in [
            ("/select-model", HEADERS),  # a pydantic body, read by FastAPI
            ("/gallery/login", {"content-type": "application/x-www-form-urlencoded"}),  # open to anyone
            ("/campaigns/jobs", HEADERS),  # a brief, read by the route
        ]:
            sent = [0]
            answer = http.post(path, content=_chunks(sent), headers=headers)
            assert "content-length" not in answer.request.headers and sent[0] == STREAMED  # all of it went out
            assert answer.status_code == 413, (path, answer.text[:200])
            assert "request body over 1000000 bytes" in answer.json()["detail"]
        grown_mb = (_kib(server.pid, "VmRSS") - rss) / 1024
        peak_grown_mb = (_kib(server.pid, "VmHWM") - peak) / 1024
        print(f"server RSS grew {grown_mb:.1f} MB, its peak {peak_grown_mb:.1f} MB, for 3 x 200 MB streamed")
        assert grown_mb < 100 and peak_grown_mb < 100
        assert http.get("/health").status_code == 200  # still serving


def test_every_hostile_body_is_one_json_request_line_with_its_4xx(workdir: Path) -> None:
    """A real ``serve``: each hostile request, tagged with its own X-Request-ID, appears in stderr as one JSON
    ``request`` line carrying that id and the 4xx it was answered; none is an ``unhandled_exception``."""
    import json

    env = {**os.environ, "CREATIVE_AI_API_KEY": KEY}
    nul_copy = base_brief(campaign_message="Summer\u0000sale")
    form = {"content-type": "application/x-www-form-urlencoded"}
    hostile: dict[str, tuple[str, str, dict[str, object]]] = {
        "deep-list": ("POST", "/campaigns/jobs", {"content": DEEP_LIST, "headers": HEADERS}),
        "deep-object": ("POST", "/briefs/validate", {"content": DEEP_OBJECT, "headers": HEADERS}),
        "long-number": ("POST", "/campaigns/process", {"content": LONG_NUMBER, "headers": HEADERS}),
        "nul-copy": ("POST", "/campaigns/jobs", {"json": nul_copy, "headers": HEADERS}),
        "nul-form": ("POST", "/gallery/login", {"content": b"key=a%00b", "headers": form}),
        "nul-path": ("GET", "/campaigns/a%00b", {"headers": HEADERS}),
        "chunked-over": ("POST", "/campaigns/jobs", {"content": iter([b"{" + b" " * 1_100_000]), "headers": HEADERS}),
        "not-json": ("POST", "/select-model", {"content": b"{provider", "headers": HEADERS}),
        "wrong-type": ("POST", "/campaigns/jobs", {"json": ["a", "list"], "headers": HEADERS}),
    }
    with served_api(workdir, env) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        answered = {}
        for tag, (method, path, request) in hostile.items():
            headers = {**request.pop("headers"), "X-Request-ID": f"hostile-{tag}"}  # type: ignore[dict-item]
            answered[tag] = http.request(method, path, headers=headers, **request).status_code  # type: ignore[arg-type]
    assert answered["nul-path"] == 400 and answered["chunked-over"] == 413
    assert all(answered[tag] == 422 for tag in hostile if tag not in ("nul-path", "chunked-over")), answered
    events = [json.loads(line) for line in server.log().splitlines() if line.strip()]
    lines = {e["correlation_id"]: e for e in events if e["event"] == "request"}
    for tag, status in answered.items():
        line = lines[f"hostile-{tag}"]
        assert line["status"] == status and line["level"] == "info", line
    assert not [e for e in events if e["event"] == "unhandled_exception"]
