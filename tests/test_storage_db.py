"""Store safety, atomic writes, migrations on SQLite and PostgreSQL, idempotent upserts."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text

from creative_ai.db import tables as t
from creative_ai.db.repository import MIGRATIONS, Repository, make_engine
from creative_ai.errors import ConfigurationError, StorageError
from creative_ai.storage.local import LocalStore

TABLES = {
    "campaigns",
    "products",
    "heroes",
    "variants",
    "generations",
    "errors",
    "settings",
    "jobs",
    "approvals",
    "translations",
    "alembic_version",
}


@pytest.mark.parametrize("key", ["../x.png", "/etc/passwd", "a/../../b", "a//b", "a\\b", "", "./a"])
def test_store_refuses_keys_that_leave_the_root(tmp_path: Path, key: str) -> None:
    store = LocalStore(tmp_path / "out")
    with pytest.raises(StorageError):
        store.write(key, b"x")
    assert not (tmp_path / "x.png").exists()


def test_store_refuses_symlink_escape(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(StorageError, match="outside"):
        LocalStore(tmp_path / "out").write("link/escape.txt", b"x")
    assert not (tmp_path / "escape.txt").exists()


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.write("a/b/c.bin", b"one")
    store.write("a/b/c.bin", b"two")
    assert (tmp_path / "a/b/c.bin").read_bytes() == b"two"
    assert [p.name for p in (tmp_path / "a/b").iterdir()] == ["c.bin"]
    assert store.write_if_changed("a/b/c.bin", b"two") is False
    assert store.write_if_changed("a/b/c.bin", b"three") is True


def _exercise(repo: Repository) -> None:
    repo.migrate()
    repo.migrate()  # second call is a no-op
    assert set(inspect(repo.engine).get_table_names()) >= TABLES
    for status in ("running", "succeeded"):  # a rerun upserts instead of hitting UNIQUE constraints
        repo.save_campaign(
            campaign_id="c1",
            name=None,
            status=status,
            brief={"a": 1},
            brief_sha256="0" * 64,
            target_market="EU",
            output_dir="out",
            products=[("p1", "P1", None)],
        )
        repo.save_variant(
            campaign_id="c1",
            product_id="p1",
            locale="en",
            aspect_ratio="1x1",
            status="ok",
            reason=None,
            message="m",
            file_path="f",
            sha256="s",
            hero_sha256="h",
            render_key="k",
            reused=False,
            checks=[],
        )
    assert len(repo.variants("c1")) == 1
    campaign = repo.campaign("c1")
    assert campaign is not None and campaign.status == "succeeded" and campaign.refusal is None
    assert repo.current_revision() == "0016"
    _refusals(repo)


def _refusals(repo: Repository) -> None:
    """A refused campaign is recorded with what refused it; one on record keeps its brief and creatives; a run of
    it clears the refusal."""
    refusal = {"error": "refused", "hits": [{"field": "cta", "locale": "en", "term": "miracle", "rule": "r"}]}
    for campaign_id in ("c2", "c1"):
        repo.refuse_campaign(
            campaign_id=campaign_id,
            name=None,
            brief={"b": 2},
            brief_sha256="1" * 64,
            target_market="EU",
            output_dir="out",
            refusal=refusal,
        )
    new, kept = repo.campaign("c2"), repo.campaign("c1")
    assert new is not None and (new.status, new.refusal, new.brief) == ("refused", refusal, {"b": 2})
    assert repo.products("c2") == [] and repo.variants("c2") == []
    assert kept is not None and (kept.status, kept.refusal, kept.brief) == ("refused", refusal, {"a": 1})
    assert len(repo.variants("c1")) == 1
    repo.save_campaign(
        campaign_id="c1",
        name=None,
        status="running",
        brief={"a": 1},
        brief_sha256="0" * 64,
        target_market="EU",
        output_dir="out",
        products=[("p1", "P1", None)],
    )
    again = repo.campaign("c1")
    assert again is not None and (again.status, again.refusal) == ("running", None)


def test_sqlite_migrates_in_wal_mode(tmp_path: Path) -> None:
    repo = Repository.from_url(f"sqlite:///{tmp_path / 'x.db'}")
    _exercise(repo)
    with repo.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_bad_database_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not a database URL"):
        make_engine("not a url")


def test_postgresql_migrates_and_upserts(postgres_url: str) -> None:
    repo = Repository.from_url(postgres_url)
    try:
        _exercise(repo)
    finally:
        repo.engine.dispose()


def _to_revision(repo: Repository, revision: str, *, down: bool = False) -> None:
    with repo.engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


KEPT_KEY = "tr:6cc502231c6fb7c9fa39b68036178b470b553600"  # model gpt-5.2-mini, en → es, "Hello World 30%"
KEPT = {"text": "¡Hola Mundo 30%!", "source": "en", "target": "es"}


def _translations_move(repo: Repository) -> None:
    """A translation kept in ``settings`` at 0008 is found in ``translations`` at 0009, and goes back on downgrade."""
    _to_revision(repo, "0008")
    repo.set_setting(KEPT_KEY, KEPT)
    repo.set_setting("provider", {"provider": "local", "model": None})
    repo.migrate()
    assert repo.current_revision() == "0016"
    assert repo.translation(key=KEPT_KEY) == "¡Hola Mundo 30%!"
    assert repo.get_setting(KEPT_KEY) is None
    assert repo.get_setting("provider") == {"provider": "local", "model": None}
    with repo.engine.connect() as conn:
        (row,) = conn.execute(select(t.Translation)).all()
    assert (row.source_locale, row.target_locale, row.model) == ("en", "es", None)
    repo.save_translation(key="tr:new", model="m", source_locale="en", target_locale="fr", text="Bonjour")
    _to_revision(repo, "0008", down=True)
    assert "translations" not in inspect(repo.engine).get_table_names()
    assert repo.get_setting(KEPT_KEY) == KEPT
    assert repo.get_setting("tr:new") == {"text": "Bonjour", "source": "en", "target": "fr"}
    assert repo.get_setting("provider") == {"provider": "local", "model": None}


def test_sqlite_moves_kept_translations(tmp_path: Path) -> None:
    _translations_move(Repository.from_url(f"sqlite:///{tmp_path / 'x.db'}"))


def test_postgresql_moves_kept_translations(postgres_url: str) -> None:
    repo = Repository.from_url(postgres_url)
    try:
        _translations_move(repo)
    finally:
        repo.engine.dispose()
