"""Creatives' versions on the ad platforms and the results reported for them (mixed into Repository)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow


@dataclass(frozen=True)
class ResultRow:
    """One ad's numbers over one period, matched to its creative version, ready to store."""

    ad_name: str
    campaign_id: str
    start: date
    end: date
    impressions: int
    clicks: int
    conversions: int
    spend: float
    currency: str | None
    reach: int | None

    def same_numbers(self, row: t.AdMetric) -> bool:
        return (row.impressions, row.clicks, row.conversions, row.currency, row.reach) == (
            self.impressions,
            self.clicks,
            self.conversions,
            self.currency,
            self.reach,
        ) and abs(row.spend - self.spend) < 1e-9


@dataclass(frozen=True)
class StoredResults:
    """What an import changed: rows new, rows it replaced (an overlapping period's), rows already stored as is."""

    import_id: int
    added: int
    replaced: int
    unchanged: int


class ResultsStore:
    _session: sessionmaker[Session]

    def record_version(
        self,
        *,
        ad_name: str,
        campaign_id: str,
        product_id: str,
        locale: str,
        aspect_ratio: str,
        version: int,
        sha256: str,
        previous_ad_name: str | None,
        message: str,
        cta: str | None,
        hero: str,
    ) -> None:
        """Keep a creative version (once per ad name: a rerun that made the same bytes adds nothing)."""
        values = dict(
            ad_name=ad_name,
            campaign_id=campaign_id,
            product_id=product_id,
            locale=locale,
            aspect_ratio=aspect_ratio,
            version=version,
            sha256=sha256,
            previous_ad_name=previous_ad_name,
            message=message,
            cta=cta,
            hero=hero,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
            s.execute(insert(t.CreativeVersion).values(**values).on_conflict_do_nothing(index_elements=["ad_name"]))

    def versions(self, campaign_id: str) -> list[t.CreativeVersion]:
        """Every version of the campaign's creatives, oldest first."""
        with self._session() as s:
            query = select(t.CreativeVersion).where(t.CreativeVersion.campaign_id == campaign_id)
            return list(s.scalars(query.order_by(t.CreativeVersion.id)))

    def versions_named(self, names: Iterable[str]) -> dict[str, t.CreativeVersion]:
        """The versions with these ad names (unknown names are left out)."""
        wanted = sorted(set(names))
        found: dict[str, t.CreativeVersion] = {}
        with self._session() as s:
            for i in range(0, len(wanted), 500):
                query = select(t.CreativeVersion).where(t.CreativeVersion.ad_name.in_(wanted[i : i + 500]))
                found.update((v.ad_name, v) for v in s.scalars(query))
        return found

    def store_results(
        self,
        rows: Sequence[ResultRow],
        *,
        source: str,
        origin: str,
        sha256: str | None,
        rows_total: int,
        unmatched: Sequence[str],
    ) -> StoredResults:
        """Store matched rows in one transaction: a row already stored with the same numbers stays as it is; any
        stored row of the same ad whose period overlaps a new row's is replaced by it (never counted twice)."""
        now = utcnow()
        added = replaced = same = 0
        with self._session.begin() as s:
            log = t.ResultsImport(
                source=source,
                origin=origin,
                sha256=sha256,
                rows_total=rows_total,
                rows_matched=len(rows),
                rows_replaced=0,
                unmatched=list(unmatched),
                imported_at=now,
            )
            s.add(log)
            s.flush()
            for row in rows:
                overlapping = list(
                    s.scalars(
                        select(t.AdMetric).where(
                            and_(
                                t.AdMetric.ad_name == row.ad_name,
                                t.AdMetric.period_start <= row.end,
                                t.AdMetric.period_end >= row.start,
                            )
                        )
                    )
                )
                if (
                    len(overlapping) == 1
                    and (overlapping[0].period_start, overlapping[0].period_end) == (row.start, row.end)
                    and row.same_numbers(overlapping[0])
                ):
                    same += 1
                    continue
                if overlapping:
                    s.execute(delete(t.AdMetric).where(t.AdMetric.id.in_([m.id for m in overlapping])))
                    replaced += len(overlapping)
                s.add(
                    t.AdMetric(
                        ad_name=row.ad_name,
                        campaign_id=row.campaign_id,
                        period_start=row.start,
                        period_end=row.end,
                        impressions=row.impressions,
                        clicks=row.clicks,
                        conversions=row.conversions,
                        spend=row.spend,
                        currency=row.currency,
                        reach=row.reach,
                        source=source,
                        import_id=log.id,
                        imported_at=now,
                    )
                )
                s.flush()
                added += 1
            log.rows_replaced = replaced
            return StoredResults(import_id=log.id, added=added, replaced=replaced, unchanged=same)

    def metrics(self, campaign_id: str) -> list[t.AdMetric]:
        """The campaign's stored results, by ad and period."""
        with self._session() as s:
            query = select(t.AdMetric).where(t.AdMetric.campaign_id == campaign_id)
            return list(s.scalars(query.order_by(t.AdMetric.ad_name, t.AdMetric.period_start, t.AdMetric.period_end)))

    def campaigns_with_results(self, *, since: datetime) -> set[str]:
        """Campaigns with results imported since ``since``."""
        with self._session() as s:
            query = select(t.AdMetric.campaign_id).where(t.AdMetric.imported_at >= since).distinct()
            return set(s.scalars(query))

    def results_imports(self, *, limit: int = 50) -> list[t.ResultsImport]:
        with self._session() as s:
            return list(s.scalars(select(t.ResultsImport).order_by(t.ResultsImport.id.desc()).limit(limit)))
