"""What the HTTP API refuses and hides: weak keys, forged or stale gallery sessions, links out of the assets
folder, server paths and bug details in answers, providers without their key; and how a bug is seen."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from creative_ai.api import create_app
from creative_ai.config import Settings, get_settings
from creative_ai.errors import ConfigurationError
from creative_ai.jobs.queue import JobQueue
from tests.conftest import base_brief, write_brief
from tests.servers import free_port

KEY = "hardening-key-for-tests"
HEADERS = {"X-API-Key": KEY}


@pytest.fixture
def settings(workdir: Path) -> Settings:
    (workdir / "assets").mkdir()
    return get_settings(
        output_dir=workdir / "out",
        database_url=f"sqlite:///{workdir / 'api.db'}",
        assets_dir=workdir / "assets",
        api_key=KEY,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def _png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), (200, 40, 40)).save(path)
    return path


# -- the key -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", "fifteen-chars!!"])
def test_an_empty_or_short_key_refuses_to_build_the_app(workdir: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="CREATIVE_AI_API_KEY") as caught:
        create_app(get_settings(database_url=f"sqlite:///{workdir / 'k.db'}", api_key=value))
    assert "\n" not in str(caught.value)
    assert value.strip() == "" or value not in str(caught.value)  # the key itself is never echoed


def test_an_empty_key_header_never_authenticates(client: TestClient) -> None:
    assert client.get("/campaigns", headers={"X-API-Key": ""}).status_code == 401
    assert client.get("/campaigns", headers=HEADERS).status_code == 200


# -- the gallery session -----------------------------------------------------------------------------------------


def test_the_gallery_cookie_is_a_signed_expiring_token_not_the_key(client: TestClient, settings: Settings) -> None:
    from creative_ai.api.session import COOKIE, issue_token

    login = client.post(
        "/gallery/login", content=f"key={KEY}", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert login.status_code == 303
    token = client.cookies.get(COOKIE)
    assert token and KEY not in token and KEY not in login.headers["set-cookie"]
    assert f"Max-Age={settings.gallery_session_seconds}" in login.headers["set-cookie"]
    assert client.get("/gallery").status_code == 200  # the cookie alone signs in
    client.cookies.clear()
    expiry, _, signature = token.partition(".")
    stale = issue_token(settings, now=time.time() - settings.gallery_session_seconds - 5)
    other_key = issue_token(get_settings(api_key="a-different-key-of-the-same-size"))
    for forged in (stale, f"{int(expiry) + 86400}.{signature}", f"{expiry}.{'0' * 64}", other_key, KEY, ""):
        client.cookies.set(COOKIE, forged)
        assert client.get("/gallery").status_code == 401, forged
        client.cookies.clear()
    client.cookies.set("creative_ai_key", KEY)  # the raw key in a cookie signs in nobody
    assert client.get("/gallery").status_code == 401


def test_signing_out_of_the_gallery_removes_the_session(client: TestClient) -> None:
    from creative_ai.api.session import COOKIE

    form = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post("/gallery/login", content=f"key={KEY}", headers=form).status_code == 303
    page = client.get("/gallery")
    assert page.status_code == 200 and 'action="/gallery/logout"' in page.text
    out = client.post("/gallery/logout")
    assert out.status_code == 303 and out.headers["location"] == "/gallery/login"
    assert f"{COOKIE}=" in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert COOKIE not in client.cookies
    assert client.get("/gallery").status_code == 401


# -- paths: links out of the assets folder, server folders in messages -------------------------------------------


def test_a_link_out_of_the_assets_folder_is_refused(client: TestClient, workdir: Path) -> None:
    assets = workdir / "assets"
    secret = _png(workdir / "outside" / "secret.png")
    (workdir / "outside" / "rules.yaml").write_text("prohibited: []\n", encoding="utf-8")
    (assets / "products").mkdir()
    (assets / "products" / "link.png").symlink_to(secret)
    (assets / "shared").symlink_to(workdir / "outside", target_is_directory=True)
    (assets / "rules.yaml").symlink_to(workdir / "outside" / "rules.yaml")
    product = {"id": "prod_a", "name": "Product A"}
    for body, field in [
        (base_brief(products=[{**product, "image": "products/link.png"}]), "products[0].image"),
        (base_brief(products=[{**product, "image": "shared/secret.png"}]), "products[0].image"),
        (base_brief(brand={"logo": "shared/secret.png"}), "brand.logo"),
        (base_brief(legal_rules=["rules.yaml"]), "legal_rules[0]"),
    ]:
        for path in ("/briefs/validate", "/campaigns/jobs", "/campaigns/process"):
            answer = client.post(path, json=body, headers=HEADERS)
            assert answer.status_code == 422, (path, answer.text)
            detail = answer.json()["detail"]
            assert detail.startswith(field) and "outside the assets folder" in detail, detail
            assert str(workdir) not in answer.text
    # The product's own picture, found in assets/products/, is refused the same way.
    (assets / "products" / "prod_a.png").symlink_to(secret)
    found = client.post("/briefs/validate", json=base_brief(), headers=HEADERS)
    assert found.status_code == 422 and "symbolic link leading outside" in found.json()["detail"]
    # A link that stays inside the folder is followed.
    (assets / "products" / "prod_a.png").unlink()
    (assets / "products" / "prod_a.png").symlink_to(_png(assets / "library" / "a.png"))
    assert client.post("/briefs/validate", json=base_brief(), headers=HEADERS).status_code == 200


def test_the_cli_refuses_a_packshot_linked_from_outside_the_assets_folder(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "assets" / "products").mkdir(parents=True)
    (workdir / "assets" / "products" / "prod_a.png").symlink_to(_png(workdir / "elsewhere" / "prod_a.png"))
    result = cli("run", str(write_brief(workdir, base_brief())), "--output", "out")
    assert result.code == 2, result.stderr
    assert "symbolic link leading outside" in result.stderr and "Traceback" not in result.stderr
    assert not list((workdir / "out").rglob("*.png"))


def test_answers_name_server_folders_by_their_relative_names(client: TestClient, workdir: Path) -> None:
    brief = base_brief(products=[{"id": "prod_a", "name": "Product A", "image": "products/missing.png"}])
    answer = client.post("/briefs/validate", json=brief, headers=HEADERS)
    assert answer.status_code == 422
    assert "assets/products/missing.png" in answer.json()["detail"] and str(workdir) not in answer.text
    job = client.post("/campaigns/jobs", json={**brief, "campaign_id": "job-missing"}, headers=HEADERS).json()
    for _ in range(300):
        status = client.get(f"/campaigns/jobs/{job['job_id']}", headers=HEADERS).json()
        if status["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert status["status"] == "failed" and "assets/products/missing.png" in status["error"]
    assert str(workdir) not in json.dumps(status)


# -- health ------------------------------------------------------------------------------------------------------


def test_health_tells_anyone_up_or_down_and_the_key_holder_what(client: TestClient) -> None:
    anonymous = client.get("/health")
    assert anonymous.status_code == 200
    assert anonymous.json() == {
        "status": "ok",
        "database": "up",
        "broker": "up",
        "jobs_waiting_for_broker": 0,
        "detail": None,
    }
    keyed = client.get("/health", headers=HEADERS).json()
    assert keyed["detail"] == {"database": "sqlite", "broker": "in-process jobs (no broker configured)"}


class _Idle(JobQueue):
    """A queue that is always reachable and runs nothing (the database is the dependency under test)."""

    def enqueue(self, job_id: str) -> None:
        return None

    def enqueue_part(self, job_id: str, product_id: str) -> None:
        return None


def test_health_is_503_with_details_for_the_key_holder_when_the_database_is_down(workdir: Path) -> None:
    dead = free_port()
    settings = get_settings(
        database_url=f"postgresql+psycopg://nobody@127.0.0.1:{dead}/none?connect_timeout=1", api_key=KEY
    )
    with TestClient(create_app(settings, queue=_Idle())) as client:
        anonymous = client.get("/health")
        assert anonymous.status_code == 503
        assert anonymous.json() == {
            "status": "degraded",
            "database": "down",
            "broker": "up",
            "jobs_waiting_for_broker": None,
            "detail": None,
        }
        keyed = client.get("/health", headers=HEADERS)
        assert keyed.status_code == 503 and keyed.json()["detail"]["database"] == "OperationalError"
        assert str(dead) not in keyed.text


def test_health_is_503_when_the_broker_is_down(workdir: Path) -> None:
    dead = free_port()
    settings = get_settings(
        database_url=f"sqlite:///{workdir / 'api.db'}", broker_url=f"redis://127.0.0.1:{dead}/0", api_key=KEY
    )
    with TestClient(create_app(settings)) as client:
        anonymous = client.get("/health")
        assert anonymous.status_code == 503
        assert anonymous.json() == {
            "status": "degraded",
            "database": "up",
            "broker": "down",
            "jobs_waiting_for_broker": 0,
            "detail": None,
        }
        keyed = client.get("/health", headers=HEADERS)
        assert keyed.status_code == 503 and keyed.json()["detail"]["broker"].startswith("broker unreachable")
        assert str(dead) not in keyed.text and "redis://" not in keyed.text


# -- a bug: answered, logged, counted ----------------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_an_unhandled_exception_is_a_500_with_its_correlation_id_logged_and_counted(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[object]:
        raise RuntimeError("password=hunter2 at /srv/secret/place")

    monkeypatch.setattr(client.app.state.runtime.repo, "campaigns", broken)  # type: ignore[attr-defined]
    lines = _Lines()
    logger = logging.getLogger("creative_ai")
    logger.addHandler(lines)
    try:
        answer = client.get("/campaigns", headers={**HEADERS, "X-Request-ID": "req-bug-0001"})
    finally:
        logger.removeHandler(lines)
    assert answer.status_code == 500 and answer.headers["X-Request-ID"] == "req-bug-0001"
    assert answer.json()["correlation_id"] == "req-bug-0001" and "req-bug-0001" in answer.json()["detail"]
    assert "hunter2" not in answer.text and "/srv/secret" not in answer.text
    events = [json.loads(line) for line in lines.lines if line.startswith("{")]
    bug = [e for e in events if e.get("event") == "unhandled_exception"]
    assert len(bug) == 1
    assert bug[0]["correlation_id"] == "req-bug-0001" and bug[0]["exception"] == "builtins.RuntimeError"
    assert bug[0]["path"] == "/campaigns" and bug[0]["level"] == "error"
    assert not any("hunter2" in line or "/srv/secret" in line for line in lines.lines)
    assert 'creative_ai_http_errors_total{status="500"} 1.0' in client.get("/metrics").text


# -- the provider selection --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("provider", "variable"), [("openai", "OPENAI_API_KEY"), ("local,gemini", "GEMINI_API_KEY")])
def test_select_model_refuses_a_provider_without_its_key(client: TestClient, provider: str, variable: str) -> None:
    answer = client.post("/select-model", json={"provider": provider}, headers=HEADERS)
    assert answer.status_code == 422 and variable in answer.json()["detail"]
    assert client.get("/current-model").json()["source"] == "settings"  # nothing was stored


def test_run_answers_name_files_under_the_output_folder_never_where_it_is(client: TestClient, workdir: Path) -> None:
    made = client.post("/campaigns/process", json=base_brief(campaign_id="where"), headers=HEADERS)
    assert made.status_code == 200, made.text
    assert str(workdir) not in made.text
    answer = made.json()
    assert answer["output_dir"] == "out" and answer["manifest_path"] == "out/where/manifest.json"
    file_path = answer["variants"][0]["file_path"]
    assert file_path.startswith("out/where/") and (workdir / file_path).is_file()
    assert answer["results"][0]["path"] == file_path  # the seed's key says the same
    job = client.post("/campaigns/jobs", json=base_brief(campaign_id="where-job"), headers=HEADERS).json()
    for _ in range(300):
        status = client.get(f"/campaigns/jobs/{job['job_id']}", headers=HEADERS)
        if status.json()["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert status.json()["status"] == "succeeded" and str(workdir) not in status.text
    assert (workdir / status.json()["summary"]["variants"][0]["file_path"]).is_file()
