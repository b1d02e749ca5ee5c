"""Creatives' versions on the ad platforms and the results reported for them (mixed into Repository)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow
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


@dataclass
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
        terms: str | None = None,
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
            terms=terms,
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
            if v.version >= history.newest.get(key, 0):
                history.newest[key], history.newest_name[key] = v.version, v.ad_name
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
        """Store one platform's (``source``) matched rows in one transaction, imports one at a time.

        Per ad, over everything this import gives for it: a stored row with the same period and numbers as a new
        one stays as it is; stored rows whose every day the import covers are replaced (never counted twice); a
        stored row that reaches past what the import covers stays, and the new rows that overlap it are kept out
        (``kept_out`` says why: its days are in that row). Other platforms' rows of the ad are never touched (one
        creative may run on several). ``rows`` must not overlap each other per ad (``ingest`` sees to that)."""
        now = utcnow()
        outcome = StoredResults(import_id=0, added=0, replaced=0, unchanged=0)
        with self._session.begin() as s:
            if s.get_bind().dialect.name == "postgresql":  # SQLite serialises writers: the log row below is one
                s.execute(text("SELECT pg_advisory_xact_lock(7202605)"))
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
            outcome.import_id = log.id
            by_ad: dict[str, list[ResultRow]] = defaultdict(list)
            for row in rows:
                by_ad[row.ad_name].append(row)
            for name, new in by_ad.items():
                first, last = min(r.start for r in new), max(r.end for r in new)
                stored = list(
                    s.scalars(
                        select(t.AdMetric).where(
                            and_(
                                t.AdMetric.ad_name == name,
                                t.AdMetric.source == source,
                                t.AdMetric.period_start <= last,
                                t.AdMetric.period_end >= first,
                            )
                        )
                    )
                )
                self._store_ad(s, new, stored, outcome=outcome, source=source, import_id=log.id, now=now)
            log.rows_replaced = outcome.replaced
        return outcome

    @staticmethod
    def _store_ad(
        s: Session,
        new: list[ResultRow],
        stored: list[t.AdMetric],
        *,
        outcome: StoredResults,
        source: str,
        import_id: int,
        now: datetime,
    ) -> None:
        """One ad's rows of an import against its stored rows of the same platform (see ``store_results``)."""

        def overlaps(r: ResultRow, m: t.AdMetric) -> bool:
            return r.start <= m.period_end and r.end >= m.period_start

        active = list(new)
        while True:  # a stored row reaching past what the import covers keeps out the new rows over it
            covered = {r.start + timedelta(days=d) for r in active for d in range((r.end - r.start).days + 1)}
            blockers = [
                m
                for m in stored
                if any(overlaps(r, m) for r in active)
                and not all(m.period_start + timedelta(days=d) in covered for d in range(_days(m)))
            ]
            out = [r for r in active if any(overlaps(r, m) for m in blockers)]
            if not out:
                break
            for r in out:
                m = next(m for m in blockers if overlaps(r, m))
                outcome.kept_out.append(
                    f"{r.ad_name} {r.start} to {r.end}: its days are in the stored {m.period_start} to "
                    f"{m.period_end} row of this ad, which this import does not cover whole; import rows for "
                    "all of that period to replace it"
                )
            active = [r for r in active if r not in out]
        for m in stored:
            if not any(overlaps(r, m) for r in active):
                continue
            same = next(
                (r for r in active if (r.start, r.end) == (m.period_start, m.period_end) and r.same_numbers(m)), None
            )
            if same is not None:
                outcome.unchanged += 1
                outcome.counted.append(same)
                active.remove(same)
                continue
            s.delete(m)
            outcome.replaced += 1
        s.flush()
        for r in active:
            s.add(
                t.AdMetric(
                    ad_name=r.ad_name,
                    campaign_id=r.campaign_id,
                    period_start=r.start,
                    period_end=r.end,
                    impressions=r.impressions,
                    clicks=r.clicks,
                    conversions=r.conversions,
                    spend=r.spend,
                    currency=r.currency,
                    reach=r.reach,
                    source=source,
                    import_id=import_id,
                    imported_at=now,
                )
            )
            outcome.added += 1
            outcome.counted.append(r)
        s.flush()

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


def _days(m: t.AdMetric) -> int:
    return (m.period_end - m.period_start).days + 1
