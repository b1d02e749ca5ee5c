"""Pictures a run paid for before (heroes and outpaint fills): read back from the store by their recorded key, only
when the file is still there and unchanged."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

from PIL import Image

from creative_ai.db.repository import Repository
from creative_ai.pipeline.hero_set import Hero
from creative_ai.storage import Store


def decoder(data: bytes) -> Callable[[], Image.Image]:
    def decode() -> Image.Image:
        image = Image.open(io.BytesIO(data))
        image.load()
        return image.convert("RGB")

    return decode


def given(image: Image.Image) -> Callable[[], Image.Image]:
    return lambda: image


def _recorded_bytes(store: Store, storage_key: str, sha256: str) -> bytes | None:
    """The recorded hero's bytes, if its file is still there and unchanged."""
    if not store.exists(storage_key):
        return None
    data = store.read(storage_key)
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def recorded(key: str, *, store: Store, repo: Repository) -> Hero | None:
    """The picture recorded under ``key``, if its file is still there and unchanged."""
    record = repo.find_hero(key)
    if record is None:
        return None
    data = _recorded_bytes(store, record.storage_key, record.sha256)
    if data is None:
        return None
    return Hero(decoder(data), record.sha256, "reused", record.provider, record.model, record.seed)
