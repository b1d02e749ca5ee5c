"""Job parts: a campaign fanned out per product, each part run by whichever worker claims it.

A part's ``heartbeat_at`` keeps its claim; a job's ``publishing_at`` lets one caller publish the campaign.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_parts",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("product_id", sa.String(128), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("progress_done", sa.Integer, nullable=False),
        sa.Column("progress_total", sa.Integer, nullable=False),
        sa.Column("summary", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Column("started_at", TS),
        sa.Column("heartbeat_at", TS),
        sa.Column("finished_at", TS),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("publishing_at", TS))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("publishing_at")
    op.drop_table("job_parts")
