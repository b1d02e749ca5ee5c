"""Results in: a platform's report rows matched to creatives by ``ad_name`` (or the ``utm_content`` of their URL,
which the export sets to it) and stored per creative version and period.

Importing the same report twice changes nothing; a report that covers a stored period of an ad again replaces
it; rows of one ad and period in one file (a report broken down by placement or age) are added together first.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from creative_ai.db.results_store import ResultRow
from creative_ai.results.models import Counts, MetricRow, ParsedReport, amount

if TYPE_CHECKING:
    from creative_ai.db.repository import Repository


@dataclass(frozen=True)
class Unmatched:
    """An ad name of the report no creative has (with the lines that carry it)."""

    ad_name: str
    lines: list[int]


@dataclass
class ImportSummary:
    """What an import read, matched and stored."""

    source: str
    origin: str
    rows: int  # data rows read (skipped ones not included)
    matched: int
    unmatched: list[Unmatched]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)  # how the report's columns were read
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    campaigns: list[str] = field(default_factory=list)
    # every data row read (a totals row is not one, nor a per-ad summary row that repeats the ad's daily rows)
    file_totals: Counts = field(default_factory=Counts)
    matched_totals: Counts = field(default_factory=Counts)  # the rows that matched a creative
    stored_totals: Counts = field(default_factory=Counts)  # what the database holds of this report now
    currencies: list[str] = field(default_factory=list)  # of the rows read ("" for rows that name none)
    import_id: int | None = None

    def to_dict(self) -> dict[str, object]:
        def counts(c: Counts) -> dict[str, object]:
            return {
                "impressions": c.impressions,
                "clicks": c.clicks,
                "conversions": amount(c.conversions),
                "spend": round(c.spend, 2),
            }

        return {
            "source": self.source,
            "origin": self.origin,
            "import_id": self.import_id,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": [{"ad_name": u.ad_name, "lines": u.lines} for u in self.unmatched],
            "skipped": self.skipped,
            "notes": self.notes,
            "stored": {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged},
            "campaigns": self.campaigns,
            "file_totals": counts(self.file_totals),
            "matched_totals": counts(self.matched_totals),
            "stored_totals": counts(self.stored_totals),
            "currencies": self.currencies,
        }


def _counts(row: MetricRow) -> Counts:
    return Counts(row.impressions, row.clicks, row.conversions, row.spend)


def import_results(
    report: ParsedReport,
    *,
    repo: Repository,
    origin: str,
    data: bytes | None = None,
    campaign_id: str | None = None,
) -> ImportSummary:
    """Match ``report``'s rows to creatives (of ``campaign_id`` only, when given) and store them (see the module
    docstring); ``data`` is the file's bytes (its sha256 is kept with the import's record)."""
    names = {r.ad_name for r in report.rows if r.ad_name} | {r.utm_content for r in report.rows if r.utm_content}
    known = {
        name: v for name, v in repo.versions_named(names).items() if campaign_id is None or v.campaign_id == campaign_id
    }
    matched: list[tuple[MetricRow, str]] = []
    missing: dict[str, list[int]] = defaultdict(list)
    file_totals = Counts()
    for row in report.rows:
        file_totals += _counts(row)
        name = row.ad_name if row.ad_name in known else row.utm_content if row.utm_content in known else None
        if name is None:
            missing[row.ad_name or row.utm_content or "(no ad name)"].append(row.line)
        else:
            matched.append((row, name))
    stored, skipped, repeats = _per_period(matched, known_campaign={n: v.campaign_id for n, v in known.items()})
    repeated = sum((_counts(r) for r in repeats), Counts())
    summary = ImportSummary(
        source=report.source,
        origin=origin,
        rows=len(report.rows),
        matched=len(matched),
        unmatched=[Unmatched(name, lines) for name, lines in sorted(missing.items())],
        skipped=[*report.skipped, *skipped],
        notes=list(report.notes),
        file_totals=file_totals - repeated,
        matched_totals=sum((_counts(r) for r, _ in matched), Counts()) - repeated,
        campaigns=sorted({r.campaign_id for r in stored}),
        currencies=sorted({r.currency or "" for r in report.rows}),
    )
    outcome = repo.store_results(
        stored,
        source=report.source,
        origin=origin,
        sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        rows_total=len(report.rows),
        unmatched=[u.ad_name for u in summary.unmatched],
    )
    summary.import_id = outcome.import_id
    summary.added, summary.replaced, summary.unchanged = outcome.added, outcome.replaced, outcome.unchanged
    summary.skipped += outcome.kept_out
    summary.stored_totals = sum(
        (Counts(r.impressions, r.clicks, r.conversions, r.spend) for r in outcome.counted), Counts()
    )
    return summary


def _per_period(
    matched: list[tuple[MetricRow, str]], *, known_campaign: dict[str, str]
) -> tuple[list[ResultRow], list[str], list[MetricRow]]:
    """One row per ad and period (rows of the same period added together); of periods of one ad that overlap in
    the same file, the shorter ones are kept and a longer one is skipped (saying so), never counted twice: it is
    returned last (a per-ad summary row of a daily export repeats its days)."""
    sums: dict[tuple[str, date, date], list[MetricRow]] = defaultdict(list)
    for row, name in matched:
        sums[(name, row.start, row.end)].append(row)
    by_ad: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for name, start, end in sums:
        by_ad[name].append((start, end))
    out: list[ResultRow] = []
    skipped: list[str] = []
    repeats: list[MetricRow] = []
    for name, periods in by_ad.items():
        kept: list[tuple[date, date]] = []
        for start, end in sorted(periods, key=lambda p: (p[1] - p[0], p[0])):
            if any(start <= k_end and end >= k_start for k_start, k_end in kept):
                lines = ", ".join(str(r.line) for r in sums[(name, start, end)])
                skipped.append(
                    f"line {lines}: {name} {start} to {end} overlaps a shorter period of the same ad in this file; "
                    "the shorter periods are kept"
                )
                repeats += sums[(name, start, end)]
                continue
            kept.append((start, end))
            rows = sums[(name, start, end)]
            currencies = {r.currency for r in rows}
            if len(currencies) > 1:  # amounts in two currencies do not add up
                lines = ", ".join(str(r.line) for r in rows)
                named = ", ".join(sorted(c or "none" for c in currencies))
                skipped.append(f"line {lines}: {name} {start} to {end} is given in several currencies ({named})")
                continue
            reaches = [r.reach for r in rows]
            out.append(
                ResultRow(
                    ad_name=name,
                    campaign_id=known_campaign[name],
                    start=rows[0].start,
                    end=rows[0].end,
                    impressions=sum(r.impressions for r in rows),
                    clicks=sum(r.clicks for r in rows),
                    conversions=sum(r.conversions for r in rows),
                    spend=round(sum(r.spend for r in rows), 6),
                    currency=currencies.pop(),
                    # reach does not add up across rows (one person is in several); known only for a single row
                    reach=reaches[0] if len(rows) == 1 else None,
                )
            )
    return out, skipped, repeats
