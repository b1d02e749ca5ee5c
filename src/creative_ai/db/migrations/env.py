"""Alembic environment: runs on the connection handed over by ``creative_ai.db.repository``."""

from __future__ import annotations

from alembic import context

from creative_ai.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
