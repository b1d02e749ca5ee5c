"""Store safety, atomic writes, migrations on SQLite and PostgreSQL, idempotent upserts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from creative_ai.db.repository import Repository, make_engine
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
    assert campaign is not None and campaign.status == "succeeded"
    assert repo.current_revision() == "0008"


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
