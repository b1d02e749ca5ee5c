"""The shapes results travel in: one row of a platform's report, and the counts the statistics read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Source = Literal["meta", "tiktok", "google", "generic"]
SOURCES: tuple[Source, ...] = ("meta", "tiktok", "google", "generic")


@dataclass(frozen=True)
class MetricRow:
    """One row of a report: one ad over one period (``start`` == ``end`` for a daily row)."""

    ad_name: str  # as the file spells it ("" when the row names no ad)
    start: date
    end: date
    impressions: int
    clicks: int
    conversions: float  # Google Ads reports fractions (data-driven attribution): kept, summed, never rounded per row
    spend: float
    currency: str | None  # ISO 4217, e.g. "USD"; None when the file does not say
    line: int  # the row's line in the file (1 = the header), for messages about it
    utm_content: str | None = None  # utm_content of a URL column, when the file has one
    reach: int | None = None  # people reached, when the file says


@dataclass(frozen=True)
class ParsedReport:
    """A report file read: what it came from, its rows, and the rows it could not use (with why)."""

    source: Source
    rows: list[MetricRow]
    skipped: list[str] = field(default_factory=list)  # e.g. "line 7: Impressions 'n/a' is not a number"
    notes: list[str] = field(default_factory=list)  # how a column was read, where a reader should know


@dataclass(frozen=True)
class Counts:
    """Totals of one creative or one group of creatives."""

    impressions: int = 0
    clicks: int = 0
    conversions: float = 0
    spend: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.impressions + other.impressions,
            self.clicks + other.clicks,
            self.conversions + other.conversions,
            self.spend + other.spend,
        )

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.impressions - other.impressions,
            self.clicks - other.clicks,
            self.conversions - other.conversions,
            self.spend - other.spend,
        )


def amount(value: float) -> float:
    """A count that may be fractional (Google's conversions), as reports show it: whole when it is, else to two
    places."""
    return int(value) if float(value).is_integer() else round(value, 2)


def shown(value: float) -> str:
    """``amount`` as text with thousands separators: ``1,234`` or ``3.50``."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
