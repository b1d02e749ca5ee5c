"""What a provider call made: a hero, or the fill of a canvas framing extended (outpainting).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("generations") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="hero"))


def downgrade() -> None:
    with op.batch_alter_table("generations") as batch:
        batch.drop_column("kind")
