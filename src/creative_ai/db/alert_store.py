"""The monitoring agent's alerts in the database (mixed into Repository)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t


class AlertStore:
    _session: sessionmaker[Session]

    # -- alerts ----------------------------------------------------------------------------------------------------
    def alerts(self, *, status: str | None = None, campaign_id: str | None = None) -> list[t.Alert]:
        """Alerts, newest first."""
        query = select(t.Alert).order_by(t.Alert.last_seen.desc(), t.Alert.id.desc())
        if status is not None:
            query = query.where(t.Alert.status == status)
        if campaign_id is not None:
            query = query.where(t.Alert.campaign_id == campaign_id)
        with self._session() as s:
            return list(s.scalars(query))

    def latest_alert(self, campaign_id: str, rule: str) -> t.Alert | None:
        with self._session() as s:
            query = (
                select(t.Alert)
                .where(t.Alert.campaign_id == campaign_id, t.Alert.rule == rule)
                .order_by(t.Alert.id.desc())
            )
            return s.scalars(query).first()

    def add_alert(self, **values: Any) -> int:
        with self._session.begin() as s:
            alert = t.Alert(**values)
            s.add(alert)
            s.flush()
            return int(alert.id)

    def update_alert(self, alert_id: int, **values: Any) -> None:
        with self._session.begin() as s:
            alert = s.get(t.Alert, alert_id)
            if alert is not None:
                for key, value in values.items():
                    setattr(alert, key, value)
