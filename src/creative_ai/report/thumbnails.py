"""Small pictures of a campaign's creatives embedded in a report (``data:`` URIs), so the report shows them wherever
it is read: on stdout, moved or mailed, offline, and whether the creatives live in a folder or a bucket."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PIL import Image

from creative_ai.errors import StorageError
from creative_ai.storage import Store, layout

LONG_SIDE = 200  # px; a JPEG at q80 of this size is 5–12 kB
QUALITY = 80


def variant_id(row: Mapping[str, Any]) -> str:
    """How a report row is named in the page and in :func:`thumbnails`: ``product/locale/ratio``."""
    return f"{row['product_id']}/{row['locale']}/{row['aspect_ratio']}"


def data_uri(picture: bytes, *, long_side: int = LONG_SIDE) -> str:
    """A JPEG of ``picture`` at most ``long_side`` px on its long side, as a ``data:`` URI."""
    with Image.open(io.BytesIO(picture)) as image:
        small = image.convert("RGB")
        small.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=QUALITY, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def thumbnails(
    campaign_id: str, rows: Iterable[Mapping[str, Any]], *, store_at: Callable[[str], Store]
) -> dict[str, str]:
    """The ``data:`` URI of each row's creative, by :func:`variant_id`, read from the store under the root its
    ``file_path`` was recorded with (``store_at(root)``; runs with another ``--output`` have another root). Rows
    without a file, or whose file that store no longer holds, get none."""
    stores: dict[str, Store] = {}
    found = {}
    for row in rows:
        path = row.get("file_path")
        if not path:
            continue
        key = layout.recorded_creative_key(
            campaign_id=campaign_id, product_id=row["product_id"], ratio=row["aspect_ratio"], file_path=path
        )
        if not path.endswith(key):
            continue
        root = path.removesuffix(key).rstrip("/") or "."
        store = stores[root] if root in stores else stores.setdefault(root, store_at(root))
        try:
            found[variant_id(row)] = data_uri(store.read(key))
        except (StorageError, OSError):  # missing, or no longer a picture (PIL's UnidentifiedImageError is an OSError)
            continue
    return found
