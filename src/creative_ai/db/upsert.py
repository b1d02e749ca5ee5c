"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL: what keeps reruns and concurrent runs safe."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(session: Session, table: Any, values: dict[str, Any], *, keys: list[str]) -> None:
    """Insert a row of ``table``, or update the row with the same ``keys`` (its ``created_at`` kept)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values)
    update = {k: v for k, v in values.items() if k not in keys and k != "created_at"}
    session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))
