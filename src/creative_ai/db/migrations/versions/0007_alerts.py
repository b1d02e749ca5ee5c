"""Alerts raised by the monitoring agent: one open alert per (campaign, rule), kept as history once resolved.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("notified_at", TS),
        sa.Column("notify_count", sa.Integer, nullable=False),
        sa.Column("resolved_at", TS),
        sa.Column("draft", sa.Text),
        sa.Column("drafter", sa.String(32)),
        sa.Column("fact_check", sa.JSON),
        sa.Column("deliveries", sa.JSON),
    )
    op.create_index("ix_alerts_campaign_rule", "alerts", ["campaign_id", "rule"])
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    op.drop_table("alerts")
