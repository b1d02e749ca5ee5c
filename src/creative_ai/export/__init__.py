"""Bulk-upload packages of finished creatives for Meta, TikTok and Google Ads (sheet plus images, no database)."""

from __future__ import annotations

from creative_ai.export.package import ExportItem, PackageResult, destination_url, write_package
from creative_ai.export.platforms import PLATFORMS, Platform, PlatformSpec, RatioSpec

__all__ = [
    "PLATFORMS",
    "ExportItem",
    "PackageResult",
    "Platform",
    "PlatformSpec",
    "RatioSpec",
    "destination_url",
    "write_package",
]
