"""The alert lifecycle: who acknowledged an alert and when, until when it is snoozed, the digest an info alert went
out in, and mutes (a rule on a campaign, or on every campaign, kept quiet until a time or until unmuted).

Undelivered messages of alerts that resolved before reaching anyone are dropped: a resolved alert's deliveries
are now its resolution announcement.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("acknowledged_at", TS))
        batch.add_column(sa.Column("acknowledged_by", sa.String(200)))
        batch.add_column(sa.Column("snoozed_until", TS))
        batch.add_column(sa.Column("digest_id", sa.Integer))
    op.create_table(
        "alert_mutes",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(32), primary_key=True),
        sa.Column("muted_by", sa.String(200), nullable=False),
        sa.Column("muted_at", TS, nullable=False),
        sa.Column("until", TS),
    )
    op.execute(
        "DELETE FROM alert_deliveries WHERE status <> 'delivered' AND alert_id IN "
        "(SELECT id FROM alerts WHERE status = 'resolved')"
    )


def downgrade() -> None:
    op.drop_table("alert_mutes")
    with op.batch_alter_table("alerts") as batch:
        for column in ("digest_id", "snoozed_until", "acknowledged_by", "acknowledged_at"):
            batch.drop_column(column)
