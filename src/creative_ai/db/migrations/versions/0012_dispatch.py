"""When a job and a job part were last handed to the queue: what lets a reconciler send again what the broker lost
(or never got).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    for table in ("jobs", "job_parts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("dispatched_at", TS, nullable=True))


def downgrade() -> None:
    for table in ("jobs", "job_parts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("dispatched_at")
