"""Claims on paid generations (mixed into Repository): one run pays for a key, the others wait for its picture."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow


class ClaimStore:
    _session: sessionmaker[Session]

    def claim_generation(
        self, key: str, owner: str, *, lease_s: float, now: datetime | None = None, replacing: str | None = None
    ) -> bool:
        """Claim ``key`` for ``owner`` until ``lease_s`` from now; False while another owner's claim is alive.

        ``replacing``: an owner known to be dead (its process is gone), whose claim is taken over at once."""
        now = now or utcnow()
        expires = now + timedelta(seconds=lease_s)
        with self._session.begin() as s:
            insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
            added = s.execute(
                insert(t.GenerationClaim)
                .values(key=key, owner=owner, claimed_at=now, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(t.GenerationClaim.key)  # the row count of an ORM insert is not reliable on PostgreSQL
            ).first()
            if added is not None:
                return True
            taken = s.execute(  # a lapsed claim (its run died) is taken over
                update(t.GenerationClaim)
                .where(
                    t.GenerationClaim.key == key,
                    (t.GenerationClaim.expires_at < now) | (t.GenerationClaim.owner == (replacing or owner)),
                )
                .values(owner=owner, claimed_at=now, expires_at=expires)
            )
            return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def generation_holder(self, key: str) -> str | None:
        with self._session() as s:
            claim = s.get(t.GenerationClaim, key)
            return claim.owner if claim is not None else None

    def renew_generation(self, key: str, owner: str, *, lease_s: float) -> bool:
        """Keep ``owner``'s claim alive; False when it is no longer ``owner``'s."""
        with self._session.begin() as s:
            result = s.execute(
                update(t.GenerationClaim)
                .where(t.GenerationClaim.key == key, t.GenerationClaim.owner == owner)
                .values(expires_at=utcnow() + timedelta(seconds=lease_s))
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def release_generation(self, key: str, owner: str) -> None:
        with self._session.begin() as s:
            s.execute(delete(t.GenerationClaim).where(t.GenerationClaim.key == key, t.GenerationClaim.owner == owner))
