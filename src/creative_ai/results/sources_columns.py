"""The column names of each ad platform's report export, as data, and the matching of a header row against them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from creative_ai.results.models import Source


@dataclass(frozen=True)
class SourceColumns:
    """The header names one platform writes for each value we read, best first (compared trimmed, any case).

    ``spend`` names may carry an ISO currency in parentheses (``Amount spent (EUR)``); ``url`` columns are all read
    for a ``utm_content``. A row's period comes from a ``day`` column, or from ``start`` and ``end``.
    """

    source: Source
    title: str
    ad_name: tuple[str, ...]
    day: tuple[str, ...]
    start: tuple[str, ...]
    end: tuple[str, ...]
    impressions: tuple[str, ...]
    clicks: tuple[str, ...]
    conversions: tuple[str, ...]
    spend: tuple[str, ...]
    reach: tuple[str, ...] = ()
    currency: tuple[str, ...] = ()
    url: tuple[str, ...] = ()


META = SourceColumns(
    source="meta",
    title="Meta Ads Manager export",
    ad_name=("Ad name",),
    day=("Day",),
    start=("Reporting starts",),
    end=("Reporting ends",),
    impressions=("Impressions",),
    clicks=("Link clicks", "Clicks (all)"),
    # "Results" counts whatever the campaign optimises for; a conversion column, when the export has one, wins.
    conversions=("Purchases", "Website purchases", "Leads", "Results"),
    spend=("Amount spent",),
    reach=("Reach",),
    currency=("Currency",),
    url=("Website URL", "URL tags", "URL parameters"),
)

TIKTOK = SourceColumns(
    source="tiktok",
    title="TikTok Ads Manager export",
    ad_name=("Ad name",),
    day=("By Day", "Date", "Stat time day", "stat_time_day"),
    start=("Start date", "Start time"),
    end=("End date", "End time"),
    impressions=("Impressions", "Impression"),
    clicks=("Clicks (destination)", "Clicks"),
    conversions=("Conversions", "Conversion"),
    spend=("Cost", "Total cost"),
    reach=("Reach",),
    currency=("Currency",),
    url=("URL", "Ad URL"),
)

GOOGLE = SourceColumns(
    source="google",
    title="Google Ads ad report",
    ad_name=("Ad name", "Ad", "Final URL"),
    day=("Day", "Date"),
    start=(),
    end=(),
    impressions=("Impr.", "Impressions"),
    clicks=("Clicks",),
    conversions=("Conversions", "Conv."),
    spend=("Cost",),
    currency=("Currency code", "Currency"),
    url=("Final URL",),
)

GENERIC = SourceColumns(
    source="generic",
    title="generic report",
    ad_name=("ad_name",),
    day=("date",),
    start=("start",),
    end=("end",),
    impressions=("impressions",),
    clicks=("clicks",),
    conversions=("conversions",),
    spend=("spend",),
    reach=("reach",),
    currency=("currency",),
    url=("url",),
)

TABLES: dict[Source, SourceColumns] = {t.source: t for t in (META, TIKTOK, GOOGLE, GENERIC)}

# The values every row needs; the period (``day``, or ``start`` and ``end``) is checked apart.
REQUIRED = ("ad_name", "impressions", "clicks", "conversions", "spend")
OPTIONAL = ("reach", "currency")
_CURRENCY_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[a-z]{3})\)$")


def normalize(header: object) -> str:
    """A header cell as compared: trimmed, lower case, inner spaces collapsed, BOM dropped."""
    text = "" if header is None else str(header)
    return " ".join(text.replace("\ufeff", "").split()).lower()


@dataclass(frozen=True)
class HeaderMatch:
    """How one header row reads as one source's export: the column of each value, and what is missing."""

    source: Source
    columns: dict[str, int]  # value ("impressions", "day", …) → column index
    names: dict[str, str]  # value → the header as the file spells it
    url_columns: list[int]
    spend_currency: str | None  # from ``Amount spent (EUR)``
    missing: list[str]  # required values without a column, each with its accepted names
    has_period: bool
    recognised: int = field(default=0)  # header cells this source knows

    @property
    def complete(self) -> bool:
        """Every required value has a column (the period may still come from a date-range line)."""
        return not self.missing


def _find(cells: list[str], names: tuple[str, ...]) -> int | None:
    wanted = [n.lower() for n in names]
    for name in wanted:
        if name in cells:
            return cells.index(name)
    return None


def _find_spend(cells: list[str], names: tuple[str, ...]) -> tuple[int | None, str | None]:
    for name in (n.lower() for n in names):
        for index, cell in enumerate(cells):
            if cell == name:
                return index, None
            found = _CURRENCY_SUFFIX.match(cell)
            if found and found["name"] == name:
                return index, found["code"].upper()
    return None, None


def quoted(names: tuple[str, ...]) -> str:
    """``'A' or 'B'`` for a message."""
    return " or ".join(f"'{n}'" for n in names)


def period_names(table: SourceColumns) -> str:
    """The accepted ways to give a row's period, for a message."""
    text = f"a date column ({quoted(table.day)})"
    if table.start:
        text += f" or {quoted(table.start)} and {quoted(table.end)}"
    return text


def match_header(raw: list[object], table: SourceColumns) -> HeaderMatch:
    """Read one row as a header of ``table``'s source."""
    cells = [normalize(c) for c in raw]
    columns: dict[str, int] = {}
    missing: list[str] = []
    spend_currency: str | None = None
    for value in (*REQUIRED, *OPTIONAL, "day", "start", "end"):
        names: tuple[str, ...] = getattr(table, value)
        if value == "spend":
            index, spend_currency = _find_spend(cells, names)
        else:
            index = _find(cells, names)
        if index is not None:
            columns[value] = index
        elif value in REQUIRED:
            suffix = " (a currency may follow in parentheses)" if value == "spend" else ""
            missing.append(f"{quoted(names)}{suffix}")
    url_columns = [cells.index(n.lower()) for n in table.url if n.lower() in cells]
    has_period = "day" in columns or ("start" in columns and "end" in columns)
    known = set(columns.values()) | set(url_columns)
    return HeaderMatch(
        source=table.source,
        columns=columns,
        names={value: str(raw[index]).strip() for value, index in columns.items()},
        url_columns=url_columns,
        spend_currency=spend_currency,
        missing=missing,
        has_period=has_period,
        recognised=len(known),
    )


def accepted_headers() -> str:
    """Every source's accepted header names, one source a line, for a message."""
    lines = []
    for table in TABLES.values():
        parts = [
            f"ad {quoted(table.ad_name)}",
            period_names(table),
            f"impressions {quoted(table.impressions)}",
            f"clicks {quoted(table.clicks)}",
            f"conversions {quoted(table.conversions)}",
            f"spend {quoted(table.spend)} with or without a currency ('{table.spend[0]} (USD)')",
        ]
        lines.append(f"  - {table.source} ({table.title}): " + "; ".join(parts))
    return "\n".join(lines)
