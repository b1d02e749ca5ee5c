"""Launch and learn: each creative's ad name and versions, the results the ad platforms reported, and the imports
that brought them.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.add_column(sa.Column("ad_name", sa.String(260)))
        batch.create_index("ix_variants_ad_name", ["ad_name"])
    op.create_table(
        "creative_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ad_name", sa.String(260), nullable=False, unique=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("product_id", sa.String(128), nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("aspect_ratio", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("previous_ad_name", sa.String(260)),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("cta", sa.Text),
        sa.Column("hero", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "results_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("rows_matched", sa.Integer, nullable=False),
        sa.Column("rows_replaced", sa.Integer, nullable=False),
        sa.Column("unmatched", sa.JSON, nullable=False),
        sa.Column("imported_at", TS, nullable=False),
    )
    op.create_table(
        "ad_metrics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "ad_name",
            sa.String(260),
            sa.ForeignKey("creative_versions.ad_name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("impressions", sa.BigInteger, nullable=False),
        sa.Column("clicks", sa.BigInteger, nullable=False),
        sa.Column("conversions", sa.Float, nullable=False),
        sa.Column("spend", sa.Float, nullable=False),
        sa.Column("currency", sa.String(3)),
        sa.Column("reach", sa.BigInteger),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("results_imports.id"), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.UniqueConstraint("ad_name", "source", "period_start", "period_end"),
    )
    op.create_index("ix_creative_versions_campaign_id", "creative_versions", ["campaign_id"])
    op.create_index("ix_ad_metrics_ad_name", "ad_metrics", ["ad_name"])
    op.create_index("ix_ad_metrics_campaign_id", "ad_metrics", ["campaign_id"])


def downgrade() -> None:
    op.drop_table("ad_metrics")
    op.drop_table("results_imports")
    op.drop_table("creative_versions")
    with op.batch_alter_table("variants") as batch:
        batch.drop_index("ix_variants_ad_name")
        batch.drop_column("ad_name")
