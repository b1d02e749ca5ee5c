"""Stores: the seam (:mod:`.base`), a local folder and an S3-compatible bucket; ``make_store`` picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from creative_ai.errors import ConfigurationError
from creative_ai.storage.base import Store, safe_key

if TYPE_CHECKING:
    from creative_ai.config import Settings

__all__ = ["Store", "make_store", "recorded_store", "safe_key"]


def make_store(settings: Settings) -> tuple[Store, str]:
    """The configured store and the root its locations are shown under (a folder, or ``s3://bucket/prefix``)."""
    if settings.store_url:
        if not settings.store_url.startswith("s3://"):
            raise ConfigurationError(
                f"CREATIVE_AI_STORE_URL must look like s3://bucket/prefix, got {settings.store_url!r}"
            )
        bucket, _, prefix = settings.store_url.removeprefix("s3://").partition("/")
        if not bucket:
            raise ConfigurationError("CREATIVE_AI_STORE_URL names no bucket (s3://bucket/prefix)")
        from creative_ai.storage.s3 import S3Store

        store = S3Store(bucket=bucket, prefix=prefix, endpoint_url=settings.s3_endpoint_url)
        return store, store.root()
    from creative_ai.storage.local import LocalStore

    return LocalStore(settings.output_dir), str(settings.output_dir)


def recorded_store(root: str, settings: Settings) -> Store:
    """The store under a root a run recorded its files with (the folder or ``s3://bucket/prefix`` a creative's
    ``file_path`` starts with): that folder, or the configured bucket; ConfigurationError when that is another."""
    if not root.startswith("s3://"):
        from pathlib import Path

        from creative_ai.storage.local import LocalStore

        return LocalStore(Path(root))
    store, shown = make_store(settings)
    if shown.rstrip("/") != root.rstrip("/"):
        raise ConfigurationError(
            f"the campaign's creatives are in {root} but the configured store is {shown}: "
            f"set CREATIVE_AI_STORE_URL={root} to read them"
        )
    return store
