"""The monitoring agent's alerts in the database (mixed into Repository)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.unset import UNSET, Unset, given

ACTIVE = ("open", "acknowledged", "snoozed", "muted")  # an alert whose condition has not cleared yet


class AlertStore:
    _session: sessionmaker[Session]

    # -- alerts ----------------------------------------------------------------------------------------------------
    def alerts(self, *, status: str | None = None, campaign_id: str | None = None) -> list[t.Alert]:
        """Alerts, newest first; ``status`` one of the statuses, or ``active`` (any not resolved yet). Digests
        (the messages that carried info alerts) are listed only when asked for by their status."""
        query = select(t.Alert).order_by(t.Alert.last_seen.desc(), t.Alert.id.desc())
        if status == "active":
            query = query.where(t.Alert.status.in_(ACTIVE))
        elif status is not None:
            query = query.where(t.Alert.status == status)
        else:
            query = query.where(t.Alert.status != "digest")
        if campaign_id is not None:
            query = query.where(t.Alert.campaign_id == campaign_id)
        with self._session() as s:
            return list(s.scalars(query))

    def alert(self, alert_id: int) -> t.Alert | None:
        with self._session() as s:
            return s.get(t.Alert, alert_id)

    def latest_alert(self, campaign_id: str, rule: str) -> t.Alert | None:
        with self._session() as s:
            query = (
                select(t.Alert)
                .where(t.Alert.campaign_id == campaign_id, t.Alert.rule == rule)
                .order_by(t.Alert.id.desc())
            )
            return s.scalars(query).first()

    def add_alert(
        self,
        *,
        campaign_id: str,
        rule: str,
        severity: str,
        status: str,
        summary: str,
        facts: dict[str, Any],
        first_seen: datetime,
        last_seen: datetime,
        notify_count: int = 0,
    ) -> int:
        with self._session.begin() as s:
            alert = t.Alert(
                campaign_id=campaign_id,
                rule=rule,
                severity=severity,
                status=status,
                summary=summary,
                facts=facts,
                first_seen=first_seen,
                last_seen=last_seen,
                notify_count=notify_count,
            )
            s.add(alert)
            s.flush()
            return int(alert.id)

    def update_alert(
        self,
        alert_id: int,
        *,
        status: str | Unset = UNSET,
        severity: str | Unset = UNSET,
        summary: str | Unset = UNSET,
        facts: dict[str, Any] | Unset = UNSET,
        last_seen: datetime | Unset = UNSET,
        resolved_at: datetime | Unset | None = UNSET,
        notified_at: datetime | Unset | None = UNSET,
        notify_count: int | Unset = UNSET,
        draft: str | Unset | None = UNSET,
        drafter: str | Unset | None = UNSET,
        fact_check: dict[str, Any] | Unset | None = UNSET,
        deliveries: list[dict[str, Any]] | Unset | None = UNSET,
        acknowledged_at: datetime | Unset | None = UNSET,
        acknowledged_by: str | Unset | None = UNSET,
        snoozed_until: datetime | Unset | None = UNSET,
        digest_id: int | Unset | None = UNSET,
    ) -> None:
        """Write the given columns of an alert (an UNSET one keeps its value)."""
        values = given(
            status=status,
            severity=severity,
            summary=summary,
            facts=facts,
            last_seen=last_seen,
            resolved_at=resolved_at,
            notified_at=notified_at,
            notify_count=notify_count,
            draft=draft,
            drafter=drafter,
            fact_check=fact_check,
            deliveries=deliveries,
            acknowledged_at=acknowledged_at,
            acknowledged_by=acknowledged_by,
            snoozed_until=snoozed_until,
            digest_id=digest_id,
        )
        with self._session.begin() as s:
            alert = s.get(t.Alert, alert_id)
            if alert is not None:
                for key, value in values.items():
                    setattr(alert, key, value)

    def latest_digest(self) -> t.Alert | None:
        """The newest digest of info alerts."""
        with self._session() as s:
            query = select(t.Alert).where(t.Alert.status == "digest").order_by(t.Alert.id.desc())
            return s.scalars(query).first()

    def undigested(self) -> list[t.Alert]:
        """Open info alerts never sent and not in a digest yet, oldest first."""
        query = (
            select(t.Alert)
            .where(
                t.Alert.status == "open",
                t.Alert.severity == "info",
                t.Alert.digest_id.is_(None),
                t.Alert.notified_at.is_(None),
                t.Alert.rule != "digest",
            )
            .order_by(t.Alert.id)
        )
        with self._session() as s:
            return list(s.scalars(query))

    def digested(self, digest_id: int) -> list[t.Alert]:
        with self._session() as s:
            return list(s.scalars(select(t.Alert).where(t.Alert.digest_id == digest_id).order_by(t.Alert.id)))

    # -- mutes -------------------------------------------------------------------------------------------------------
    def mute(self, campaign_id: str, rule: str, *, by: str, now: datetime, until: datetime | None) -> None:
        """Keep ``rule`` quiet on ``campaign_id`` ("*": every campaign) until ``until`` (None: until unmuted)."""
        with self._session.begin() as s:
            row = s.get(t.AlertMute, (campaign_id, rule))
            if row is None:
                s.add(t.AlertMute(campaign_id=campaign_id, rule=rule, muted_by=by, muted_at=now, until=until))
            else:
                row.muted_by, row.muted_at, row.until = by, now, until

    def unmute(self, campaign_id: str, rule: str) -> bool:
        with self._session.begin() as s:
            result = s.execute(
                delete(t.AlertMute).where(t.AlertMute.campaign_id == campaign_id, t.AlertMute.rule == rule)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def mutes(self) -> list[t.AlertMute]:
        with self._session() as s:
            return list(s.scalars(select(t.AlertMute).order_by(t.AlertMute.campaign_id, t.AlertMute.rule)))
