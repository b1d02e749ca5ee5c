"""Read the ad platforms' report exports (Meta, TikTok, Google Ads, or a generic CSV) into rows.

``parse_report`` takes the bytes of a CSV or XLSX export, finds its header row, tells its source from the header
names (or checks them against the source given), and reads each row into a ``MetricRow``. Totals rows and rows
whose values do not read are left out and listed in ``ParsedReport.skipped`` with their line. Nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from creative_ai.errors import InputError
from creative_ai.results.models import SOURCES, MetricRow, ParsedReport, Source
from creative_ai.results.sources_columns import TABLES, HeaderMatch, accepted_headers, match_header, period_names
from creative_ai.results.sources_files import (
    DELIMITERS,
    Rows,
    check_size,
    csv_rows,
    decode_text,
    is_xlsx,
    xlsx_rows,
)
from creative_ai.results.sources_values import (
    BadValue,
    Cell,
    cell_text,
    parse_amount,
    parse_conversions,
    parse_count,
    parse_currency,
    parse_date,
    parse_period,
    utm_content,
)

__all__ = ["parse_report", "read_report"]

HEADER_SEARCH_ROWS = 10  # Google Ads puts a title and a date-range line above its header
_TOTAL = re.compile(r"^total\s*(:|$)", re.IGNORECASE)  # "Total", "Total: Account", "Total: Campaigns"


@dataclass(frozen=True)
class _Header:
    position: int  # index of the header in the rows
    match: HeaderMatch
    period: tuple[date, date] | None  # from a date-range line above the header, when no column gives it


def read_report(path: Path, *, source: Source | None = None) -> ParsedReport:
    """Read the report file at ``path`` (CSV or XLSX); see ``parse_report``."""
    try:
        size = path.stat().st_size
        check_size(size, filename=str(path))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist: give the path of a report exported from an ad platform") from exc
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror or exc}): give a readable report file") from exc
    return parse_report(data, filename=str(path), source=source)


def parse_report(data: bytes, *, filename: str, source: Source | None = None) -> ParsedReport:
    """Read a report export's bytes into rows.

    ``filename`` names the file in messages (and ``.xlsx`` marks a workbook). With ``source`` None the source is
    told from the header names; with a source, the header must fit it. Raises ``InputError`` for an empty, unreadable
    or oversized file, or one without a header row of a known export.
    """
    if source is not None and source not in TABLES:
        raise InputError(f"unknown report source {source!r}: use one of {', '.join(SOURCES)}, or none to detect it")
    check_size(len(data), filename=filename)
    if not data.strip():
        raise InputError(f"{filename} is empty: expected a report export with a header row.\n{_expected()}")
    if is_xlsx(data, filename=filename):
        rows = xlsx_rows(data, filename=filename)
        header = _find_header(rows[:HEADER_SEARCH_ROWS], source=source)
        if header is None:
            raise _no_header(filename, [rows[:HEADER_SEARCH_ROWS]], source=source)
    else:
        rows, header = _sniff_csv(decode_text(data, filename=filename), filename=filename, source=source)
    return _read_rows(rows[header.position + 1 :], header=header)


def _expected() -> str:
    return f"Accepted header names:\n{accepted_headers()}"


def _sniff_csv(text: str, *, filename: str, source: Source | None) -> tuple[Rows, _Header]:
    """The delimiter (comma, semicolon or tab) whose first lines hold the header that fits best."""
    if not text.strip():
        raise InputError(f"{filename} is empty: expected a report export with a header row.\n{_expected()}")
    best: tuple[str, _Header] | None = None
    heads: list[Rows] = []
    for delimiter in DELIMITERS:
        head = csv_rows(text, delimiter=delimiter, limit=HEADER_SEARCH_ROWS)
        heads.append(head)
        found = _find_header(head, source=source)
        if found is not None and (best is None or found.match.recognised > best[1].match.recognised):
            best = (delimiter, found)
    if best is None:
        raise _no_header(filename, heads, source=source)
    delimiter, header = best
    return csv_rows(text, delimiter=delimiter), header


def _title_period(rows: Rows) -> tuple[date, date] | None:
    """A date range on a line above the header ("November 1, 2026 - November 30, 2026"), as Google Ads writes."""
    for _, cells in rows:
        texts = [cell_text(c).strip() for c in cells if cell_text(c).strip()]
        for text in [*texts, ", ".join(texts)]:
            try:
                return parse_period(text)
            except BadValue:
                continue
    return None


def _find_header(head: Rows, *, source: Source | None) -> _Header | None:
    """The first row that reads as a complete header, and the source it fits best (ties go in SOURCES order)."""
    wanted = (source,) if source is not None else SOURCES
    for position, (_, cells) in enumerate(head):
        period = _title_period(head[:position])
        fits = [
            m
            for m in (match_header(list(cells), TABLES[s]) for s in wanted)
            if m.complete and (m.has_period or period is not None)
        ]
        if fits:
            match = max(fits, key=lambda m: m.recognised)
            return _Header(position, match, None if match.has_period else period)
    return None


def _no_header(filename: str, heads: list[Rows], *, source: Source | None) -> InputError:
    """Why no header was found: the columns the given source misses, or every source's accepted names."""
    if source is not None:
        table = TABLES[source]
        tried = [(line, match_header(list(cells), table)) for head in heads for line, cells in head]
        if tried:
            line, partial = max(tried, key=lambda t: t[1].recognised)
            if partial.recognised:
                missing = [*partial.missing, *([] if partial.has_period else [period_names(table)])]
                others = [s for s in SOURCES if s != source and _fits(heads, s)]
                hint = (
                    f"; its header fits a {others[0]} report: give that source, or none to detect it" if others else ""
                )
                return InputError(
                    f"{filename} does not fit a {table.title}: its header (line {line}) has no column "
                    f"{'; nor '.join(missing)}{hint}"
                )
        return InputError(
            f"{filename} has no header row of a {table.title} in its first {HEADER_SEARCH_ROWS} lines.\n{_expected()}"
        )
    return InputError(
        f"{filename} has no header row of a known report export in its first {HEADER_SEARCH_ROWS} lines: "
        f"export the report from Meta Ads Manager, TikTok Ads Manager or Google Ads, "
        f"or name the columns as the generic report does.\n{_expected()}"
    )


def _fits(heads: list[Rows], source: Source) -> bool:
    return any(_find_header(head, source=source) is not None for head in heads)


def _read_rows(rows: Rows, *, header: _Header) -> ParsedReport:
    kept: list[MetricRow] = []
    skipped: list[str] = []
    for line, cells in rows:
        result = _read_row(cells, line=line, header=header)
        if isinstance(result, MetricRow):
            kept.append(result)
        elif result is not None:
            skipped.append(result)
    return ParsedReport(source=header.match.source, rows=kept, skipped=skipped, notes=_notes(header.match))


def _notes(match: HeaderMatch) -> list[str]:
    """What a reader should know of the columns this file's numbers come from."""
    names = {key: name.strip().lower() for key, name in match.names.items()}
    notes = []
    if match.source == "meta" and names.get("conversions") == "results":
        notes.append(
            "conversions are read from 'Results', which counts whatever the campaign optimises for (link clicks for "
            "a traffic campaign); export 'Purchases' or 'Leads' to compare conversions"
        )
    if names.get("clicks") == "clicks (all)":
        notes.append(
            "clicks are read from 'Clicks (all)', which counts every click (likes, profile visits), not only those "
            "on the link; export 'Link clicks' for a click-through rate to the destination"
        )
    return notes


def _read_row(cells: list[Cell], *, line: int, header: _Header) -> MetricRow | str | None:
    """One data row as a ``MetricRow``; a message when it is left out; None for a blank line."""
    match = header.match
    texts = [cell_text(c).strip() for c in cells]
    if not any(texts):
        return None
    first = next(t for t in texts if t)
    if _TOTAL.match(first):
        return f"line {line}: totals row '{first}' not counted"

    def cell(value: str) -> Cell:
        index = match.columns.get(value)
        return cells[index] if index is not None and index < len(cells) else None

    ad_name = cell_text(cell("ad_name")).strip()
    utms = [utm_content(cells[i]) for i in match.url_columns if i < len(cells)]
    utm = next((u for u in utms if u), None)
    if not ad_name and utm is None:
        return f"line {line}: summary row without an ad name not counted"
    current = ""
    try:
        current = "day"
        # A day column left empty on a row (Ads Manager's rows of a whole period) falls back to the period columns.
        if "day" in match.columns and (cell_text(cell("day")).strip() or "start" not in match.columns):
            start, end = parse_period(cell("day"))
        elif "start" in match.columns and "end" in match.columns:
            current = "start"
            start = parse_date(cell("start"))
            current = "end"
            end = parse_date(cell("end"))
            if end < start:
                raise BadValue(f"is before {match.names['start']} {start.isoformat()}")
        else:
            assert header.period is not None  # a header is only taken with a period
            start, end = header.period
        current = "impressions"
        impressions = parse_count(cell("impressions"))
        current = "clicks"
        clicks = parse_count(cell("clicks"))
        current = "conversions"
        conversions = parse_conversions(cell("conversions"))
        current = "spend"
        spend = parse_amount(cell("spend"))
        current = "reach"
        reach_text = cell_text(cell("reach")).strip()
        reach = parse_count(cell("reach")) if "reach" in match.columns and reach_text not in {"", "--"} else None
        current = "currency"
        currency = parse_currency(cell("currency")) or match.spend_currency
    except BadValue as exc:
        return f"line {line}: {match.names.get(current, current)} '{cell_text(cell(current)).strip()}' {exc.reason}"
    return MetricRow(
        ad_name=ad_name,
        start=start,
        end=end,
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        spend=spend,
        currency=currency,
        line=line,
        utm_content=utm,
        reach=reach,
    )
