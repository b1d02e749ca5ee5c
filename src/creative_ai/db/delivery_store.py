"""Alert delivery per channel and the agents' lease (mixed into Repository).

A delivery row says where an alert's current message stands on one channel; only rows of open alerts that are
due are sent, and each is claimed first (a conditional UPDATE), so two senders never both take the same one. The
lease is the same pattern as the generation claims: an INSERT that does nothing on conflict, then an UPDATE that
wins only when the lease is the caller's own or has lapsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import _aware, utcnow
from creative_ai.db.upsert import upsert

OUTSTANDING = ("pending", "failed")
SENDABLE = ("open", "resolved", "digest")  # alerts whose queued messages go out (a resolved one's: its resolution)
AGENT_LEASE = "agent"  # the lease of the one agent that evaluates and sends
AGENT_HEARTBEAT = "agent"  # runtime settings key of the leading agent's heartbeat
AGENT_STANDBY = "agent.standby."  # runtime settings keys of the agents beating as standby


@dataclass(frozen=True)
class HeldLease:
    holder: str
    acquired_at: datetime
    expires_at: datetime


class DeliveryStore:
    _session: sessionmaker[Session]

    # -- deliveries --------------------------------------------------------------------------------------------
    def queue_deliveries(self, alert_id: int, channels: Sequence[str], *, now: datetime) -> None:
        """A new message of the alert for ``channels``: each goes (back) to ``pending``, due ``now``; the rows of
        channels it no longer goes to are dropped."""
        with self._session.begin() as s:
            s.execute(
                delete(t.AlertDelivery).where(
                    t.AlertDelivery.alert_id == alert_id, t.AlertDelivery.channel.not_in(list(channels))
                )
            )
            for channel in channels:
                values = dict(
                    alert_id=alert_id,
                    channel=channel,
                    status="pending",
                    attempts=0,
                    last_error=None,
                    queued_at=now,
                    next_attempt_at=now,
                )
                upsert(s, t.AlertDelivery, values, keys=["alert_id", "channel"])

    def drop_deliveries(self, alert_id: int) -> None:
        """Forget the alert's messages not accepted yet (it resolved before they reached anyone)."""
        with self._session.begin() as s:
            s.execute(
                delete(t.AlertDelivery).where(
                    t.AlertDelivery.alert_id == alert_id, t.AlertDelivery.status != "delivered"
                )
            )

    def deliveries(self, alert_id: int) -> list[t.AlertDelivery]:
        with self._session() as s:
            query = select(t.AlertDelivery).where(t.AlertDelivery.alert_id == alert_id)
            return list(s.scalars(query.order_by(t.AlertDelivery.channel)))

    def delivery_round(self, alert_id: int) -> datetime | None:
        """When the alert's current message was queued (None: nothing was ever queued for it)."""
        with self._session() as s:
            query = select(func.max(t.AlertDelivery.queued_at)).where(t.AlertDelivery.alert_id == alert_id)
            return s.scalar(query)

    def due_deliveries(self, now: datetime) -> list[t.AlertDelivery]:
        """Deliveries not accepted yet whose time has come, by alert then channel: of open alerts, of resolved ones
        (their resolution) and of digests; an acknowledged, snoozed or muted alert's wait."""
        query = (
            select(t.AlertDelivery)
            .join(t.Alert, t.Alert.id == t.AlertDelivery.alert_id)
            .where(
                t.Alert.status.in_(SENDABLE),
                t.AlertDelivery.status.in_(OUTSTANDING),
                t.AlertDelivery.next_attempt_at <= now,
            )
            .order_by(t.AlertDelivery.alert_id, t.AlertDelivery.channel)
        )
        with self._session() as s:
            return list(s.scalars(query))

    def claim_delivery(self, alert_id: int, channel: str, *, now: datetime, until: datetime) -> bool:
        """Take a due delivery to send it (it is not due again before ``until``); False when another sender took
        it or it is no longer due."""
        with self._session.begin() as s:
            result = s.execute(
                update(t.AlertDelivery)
                .where(
                    t.AlertDelivery.alert_id == alert_id,
                    t.AlertDelivery.channel == channel,
                    t.AlertDelivery.status.in_(OUTSTANDING),
                    t.AlertDelivery.next_attempt_at <= now,
                )
                .values(next_attempt_at=until)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def record_delivery(
        self, alert_id: int, channel: str, *, error: str | None, now: datetime, retry_at: datetime
    ) -> None:
        """One more pass tried the channel: accepted (``error`` None) or refused, tried again at ``retry_at``."""
        values: dict[str, object] = {"attempts": t.AlertDelivery.attempts + 1, "last_error": error}
        if error is None:
            values.update(status="delivered", delivered_at=now)
        else:
            values.update(status="failed", next_attempt_at=retry_at)
        with self._session.begin() as s:
            s.execute(
                update(t.AlertDelivery)
                .where(t.AlertDelivery.alert_id == alert_id, t.AlertDelivery.channel == channel)
                .values(**values)
            )

    def delivery_counts(self) -> list[tuple[str, str, int]]:
        """(channel, status, count) over the deliveries of open alerts, and the messages still going out of
        resolved alerts (their resolution) and of digests."""
        outstanding = t.Alert.status.in_(SENDABLE) & t.AlertDelivery.status.in_(OUTSTANDING)
        query = (
            select(t.AlertDelivery.channel, t.AlertDelivery.status, func.count())
            .join(t.Alert, t.Alert.id == t.AlertDelivery.alert_id)
            .where((t.Alert.status == "open") | outstanding)
            .group_by(t.AlertDelivery.channel, t.AlertDelivery.status)
            .order_by(t.AlertDelivery.channel, t.AlertDelivery.status)
        )
        with self._session() as s:
            return [(str(channel), str(status), int(n)) for channel, status, n in s.execute(query)]

    # -- leases ------------------------------------------------------------------------------------------------
    def acquire_lease(self, name: str, holder: str, *, lease_s: float, now: datetime | None = None) -> bool:
        """Take the lease ``name`` for ``holder`` until ``lease_s`` from now, or renew it when ``holder`` has it;
        False while another holder's lease is alive."""
        now = now or utcnow()
        expires = now + timedelta(seconds=lease_s)
        with self._session.begin() as s:
            insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
            added = s.execute(
                insert(t.Lease)
                .values(name=name, holder=holder, acquired_at=now, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(t.Lease.name)  # the row count of an ORM insert is not reliable on PostgreSQL
            ).first()
            if added is not None:
                return True
            taken = s.execute(
                update(t.Lease)
                .where(t.Lease.name == name, (t.Lease.holder == holder) | (t.Lease.expires_at < now))
                .values(
                    holder=holder,
                    acquired_at=case((t.Lease.holder == holder, t.Lease.acquired_at), else_=now),
                    expires_at=expires,
                )
            )
            return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def lease(self, name: str) -> HeldLease | None:
        """Who holds the lease ``name`` now; None when nobody does (never taken, released, or lapsed)."""
        with self._session() as s:
            row = s.get(t.Lease, name)
        if row is None or _aware(row.expires_at) <= utcnow():
            return None
        return HeldLease(row.holder, _aware(row.acquired_at), _aware(row.expires_at))

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a clean stop), when ``holder`` still has it."""
        with self._session.begin() as s:
            s.execute(delete(t.Lease).where(t.Lease.name == name, t.Lease.holder == holder))
