"""Every storage key in one place. Keys are relative POSIX paths under the store's root (SPEC §6):

{campaign}/manifest.json                         the campaign's manifest
{campaign}/index.html                            its static review gallery
{campaign}/{product}/{ratio}/{stem}.{ext}        a creative (stem: {product}_{ratio}_{locale})
{campaign}/{product}/{ratio}/{stem}.json         its metadata sidecar
_heroes/{sha[:2]}/{sha}.png                      a hero or painted canvas, content-addressed
"""

from __future__ import annotations

from pathlib import PurePosixPath

HEROES = "_heroes"


def manifest_key(campaign_id: str) -> str:
    return f"{campaign_id}/manifest.json"


def gallery_key(campaign_id: str) -> str:
    return f"{campaign_id}/index.html"


def campaign_prefix(campaign_id: str) -> str:
    return f"{campaign_id}/"


def stem(*, product_id: str, ratio: str, locale: str) -> str:
    """The file name of a creative and its sidecar, without the extension."""
    return f"{product_id}_{ratio}_{locale}"


def creative_key(*, campaign_id: str, product_id: str, ratio: str, stem: str, ext: str) -> str:
    return str(PurePosixPath(campaign_id, product_id, ratio, f"{stem}.{ext}"))


def sidecar_key(creative: str) -> str:
    """The sidecar beside a creative's key."""
    return str(PurePosixPath(creative).with_suffix(".json"))


def recorded_creative_key(*, campaign_id: str, product_id: str, ratio: str, file_path: str) -> str:
    """Where a recorded creative is in the store: its file name (as recorded) under campaign/product/ratio."""
    return str(PurePosixPath(campaign_id, product_id, ratio, PurePosixPath(file_path).name))


def picture_key(sha256: str) -> str:
    """A hero or painted canvas, by the sha256 of its PNG bytes."""
    return f"{HEROES}/{sha256[:2]}/{sha256}.png"
