"""Creatives' versions on the ad platforms and the results reported for them (mixed into Repository)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow
from creative_ai.errors import StorageError
from creative_ai.results.identity import History


@dataclass(frozen=True)
class ResultRow:
    """One ad's numbers over one period, matched to its creative version, ready to store."""

    ad_name: str
    campaign_id: str
    start: date
    end: date
    impressions: int
    clicks: int
    conversions: float
    spend: float
    currency: str | None
    reach: int | None

    def same_numbers(self, row: t.AdMetric) -> bool:
        same = (row.impressions, row.clicks, row.currency, row.reach) == (
            self.impressions,
            self.clicks,
            self.currency,
            self.reach,
        )
        return same and abs(row.spend - self.spend) < 1e-9 and abs(row.conversions - self.conversions) < 1e-9


@dataclass(frozen=True)
class StoredResults:
    """What an import changed: rows new, rows it replaced (an overlapping period's), rows already stored as is."""

    import_id: int
    added: int
    replaced: int
    unchanged: int
    kept_out: list[str] = field(default_factory=list)  # rows inside a stored longer period, with why
    counted: list[ResultRow] = field(default_factory=list)  # the rows now stored (added or already there)


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

    def version_history(self, campaign_id: str) -> History:
        """Every version of the campaign's creatives and each variant's current one, for numbering new ones."""
        history = History()
        for v in self.versions(campaign_id):
            key = (v.product_id, v.locale, v.aspect_ratio)
            history.known[v.ad_name] = (v.version, v.previous_ad_name)
            history.newest[key] = max(history.newest.get(key, 0), v.version)
        with self._session() as s:
            for row in s.scalars(select(t.Variant).where(t.Variant.campaign_id == campaign_id)):
                if row.ad_name:
                    history.current[(row.product_id, row.locale, row.aspect_ratio)] = row.ad_name
        return history

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
        """Store matched rows of one platform (``source``) in one transaction. A row already stored with the same
        numbers stays as it is; stored rows of the same ad and platform that lie inside a new row's period are
        replaced by it (never counted twice); a new row that lies inside (or across the edge of) a stored longer
        period is not stored, and said so in ``kept_out``: its numbers are part of that period's. Other platforms'
        rows of the same ad are never touched (the same creative may run on several)."""

        def store() -> StoredResults:
            return self._store(
                rows, source=source, origin=origin, sha256=sha256, rows_total=rows_total, unmatched=unmatched
            )

        try:
            return store()
        except IntegrityError:  # another import stored the same ad and period meanwhile: look again
            pass
        try:
            return store()
        except IntegrityError:
            raise StorageError(
                "another import of the same ads and days ran at the same time; import the file again"
            ) from None

    def _store(
        self,
        rows: Sequence[ResultRow],
        *,
        source: str,
        origin: str,
        sha256: str | None,
        rows_total: int,
        unmatched: Sequence[str],
    ) -> StoredResults:
        now = utcnow()
        added = replaced = same = 0
        kept_out: list[str] = []
        counted: list[ResultRow] = []
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
                                t.AdMetric.source == source,
                                t.AdMetric.period_start <= row.end,
                                t.AdMetric.period_end >= row.start,
                            )
                        )
                    )
                )
                exact = [m for m in overlapping if (m.period_start, m.period_end) == (row.start, row.end)]
                if len(overlapping) == 1 and exact and row.same_numbers(exact[0]):
                    same += 1
                    counted.append(row)
                    continue
                wider = [m for m in overlapping if m.period_start < row.start or m.period_end > row.end]
                if wider:
                    m = wider[0]
                    kept_out.append(
                        f"{row.ad_name} {row.start} to {row.end}: the stored {m.period_start} to {m.period_end} "
                        "row of this ad covers it; import that whole period again, or daily rows for all of it"
                    )
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
                counted.append(row)
            log.rows_replaced = replaced
            return StoredResults(
                import_id=log.id, added=added, replaced=replaced, unchanged=same, kept_out=kept_out, counted=counted
            )

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
