"""People, not a key: users with roles and their own tokens, checked by every route; read from outside (the CLI in
a subprocess, the database with sqlite3, the API over HTTP)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings
from tests.conftest import base_brief

KEY = "people-admin-key-for-tests"
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _token(cli, name: str, *roles: str, email: str | None = None) -> str:  # type: ignore[no-untyped-def]
    args = [arg for role in roles for arg in ("--role", role)]
    added = cli("users", "add", name, "--email", email or f"{name}@example.com", *args)
    assert added.code == 0, added.stderr
    made = cli("users", "token", name)
    assert made.code == 0 and "not shown again" in made.stderr
    return made.stdout.strip()


def _client(workdir: Path, **overrides: object) -> TestClient:
    settings = get_settings(output_dir=workdir / "out", assets_dir=workdir / "assets", **overrides)
    return TestClient(create_app(settings))


def test_users_cli_keeps_only_a_hash_and_names_bad_roles(cli, workdir: Path) -> None:
    bad = cli("users", "add", "ann", "--email", "ann@example.com", "--role", "boss")
    assert bad.code == 2 and "'boss' is not a role" in bad.stderr and "market:<market or locale>" in bad.stderr
    token = _token(cli, "ann", "market:de", "legal")
    assert token.startswith("cai_") and len(token) > 40
    assert cli("users", "add", "ann", "--email", "a@b.c", "--role", "viewer").code == 2  # the name is taken
    listed = cli("users", "list", "--json").json()
    assert listed == [
        {
            "name": "ann",
            "email": "ann@example.com",
            "roles": ["legal", "market:de"],
            "disabled": False,
            "created_at": listed[0]["created_at"],
        }
    ]
    database = (workdir / "creative_ai.db").read_bytes()
    assert token.encode() not in database
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        (stored,) = db.execute("SELECT sha256 FROM user_tokens").fetchone()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert cli("users", "token", "nobody").code == 2


def test_roles_decide_what_each_person_may_do(cli, workdir: Path) -> None:
    viewer = _token(cli, "vic", "viewer")
    lead = _token(cli, "lee", "creative_lead")
    brief = base_brief()
    with _client(workdir, api_key=KEY) as api:
        assert api.get("/campaigns", headers={"X-API-Key": viewer}).status_code == 200
        refused = api.post("/campaigns/jobs", json=brief, headers={"Authorization": f"Bearer {viewer}"})
        assert refused.status_code == 403 and "vic (viewer) may not do this" in refused.json()["detail"]
        assert api.post("/select-model", json={"provider": "local"}, headers={"X-API-Key": lead}).status_code == 403
        accepted = api.post("/campaigns/jobs", json=brief, headers={"Authorization": f"Bearer {lead}"})
        assert accepted.status_code == 202, accepted.text
        assert api.post("/select-model", json={"provider": "local"}, headers={"X-API-Key": KEY}).status_code == 200
        assert api.get("/campaigns", headers={"X-API-Key": "cai_not-a-token"}).status_code == 401
        assert api.get("/campaigns").status_code == 401


def test_revoked_expired_and_disabled_tokens_are_refused(cli, workdir: Path) -> None:
    first = _token(cli, "rex", "ad_ops")
    second = cli("users", "token", "rex").stdout.strip()
    with _client(workdir) as api:  # no API key: people alone protect the server
        assert api.get("/campaigns").status_code == 401
        assert api.get("/campaigns", headers={"X-API-Key": first}).status_code == 200
        assert cli("users", "revoke", "rex").stdout.strip() == "revoked 2 token(s) of rex"
        assert api.get("/campaigns", headers={"X-API-Key": first}).status_code == 401
        assert api.get("/campaigns", headers={"X-API-Key": second}).status_code == 401
        third = cli("users", "token", "rex").stdout.strip()
        assert api.get("/campaigns", headers={"X-API-Key": third}).status_code == 200
        with sqlite3.connect(workdir / "creative_ai.db") as db:
            db.execute("UPDATE user_tokens SET expires_at = '2020-01-01 00:00:00.000000'")
        assert api.get("/campaigns", headers={"X-API-Key": third}).status_code == 401
        fourth = cli("users", "token", "rex").stdout.strip()
        assert api.get("/campaigns", headers={"X-API-Key": fourth}).status_code == 200
        assert cli("users", "disable", "rex").code == 0
        assert api.get("/campaigns", headers={"X-API-Key": fourth}).status_code == 401
        assert cli("users", "token", "rex").code == 2  # a disabled person gets no new token


def test_a_server_without_key_or_people_stays_open_until_someone_is_added(cli, workdir: Path) -> None:
    with _client(workdir) as api:
        assert api.get("/campaigns").status_code == 200
        token = _token(cli, "oli", "viewer")
        assert api.get("/campaigns").status_code == 401
        assert api.get("/campaigns", headers={"X-API-Key": token}).status_code == 200


@pytest.mark.parametrize("api_key", [KEY, None])
def test_a_person_signs_in_to_the_gallery_with_their_token(cli, workdir: Path, api_key: str | None) -> None:
    from creative_ai.api.session import COOKIE

    viewer = _token(cli, "gil", "viewer")
    with _client(workdir, **({"api_key": api_key} if api_key else {})) as api:
        wrong = api.post("/gallery/login", content="key=cai_wrong", headers=FORM)
        assert wrong.status_code == 401
        login = api.post("/gallery/login", content=f"key={viewer}", headers=FORM, follow_redirects=False)
        assert login.status_code == 303
        session = api.cookies.get(COOKIE)
        assert session and viewer not in session and viewer not in login.headers["set-cookie"]
        assert api.get("/gallery").status_code == 200
        decided = api.post(
            "/gallery/test-campaign/decisions",
            content="product_id=a&locale=en&aspect_ratio=1x1&decision=approved&comment=",
            headers=FORM,
            follow_redirects=False,
        )
        assert decided.status_code == 403  # a viewer reads; a reviewer decides
        assert cli("users", "revoke", "gil").code == 0
        assert api.get("/gallery").status_code == 401  # the session ends with its token
