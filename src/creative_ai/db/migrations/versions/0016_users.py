"""People and their API tokens (only a token's sha256 is kept); who signed each decision for which role, on which
hero and copy; the terms line of each creative version.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled_at", TS),
    )
    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.Column("last_used_at", TS),
    )
    op.create_index("ix_user_tokens_user_id", "user_tokens", ["user_id"])
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("role", sa.String(64)))
        batch.add_column(sa.Column("by_name", sa.String(64)))
        batch.add_column(sa.Column("hero_sha256", sa.String(64)))
        batch.add_column(sa.Column("copy_sha256", sa.String(64)))
    with op.batch_alter_table("creative_versions") as batch:
        batch.add_column(sa.Column("terms", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("creative_versions") as batch:
        batch.drop_column("terms")
    with op.batch_alter_table("approvals") as batch:
        for column in ("copy_sha256", "hero_sha256", "by_name", "role"):
            batch.drop_column(column)
    op.drop_table("user_tokens")
    op.drop_table("users")
