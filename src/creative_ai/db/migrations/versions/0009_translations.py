"""Machine translations in their own table; the ones kept in ``settings`` (keys ``tr:…``) move there.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
PREFIX = "tr:"

settings = sa.table(
    "settings",
    sa.column("key", sa.String(64)),
    sa.column("value", sa.JSON),
    sa.column("updated_at", TS),
)
translations = sa.table(
    "translations",
    sa.column("key", sa.String(64)),
    sa.column("source_locale", sa.String(35)),
    sa.column("target_locale", sa.String(35)),
    sa.column("model", sa.String(128)),
    sa.column("text", sa.Text),
    sa.column("created_at", TS),
)


def upgrade() -> None:
    op.create_table(
        "translations",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("source_locale", sa.String(35), nullable=False),
        sa.Column("target_locale", sa.String(35), nullable=False),
        sa.Column("model", sa.String(128)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    bind = op.get_bind()
    kept = bind.execute(sa.select(settings).where(settings.c.key.like(PREFIX + "%"))).all()
    rows = [
        {
            "key": row.key,
            "source_locale": str(row.value.get("source", "")),
            "target_locale": str(row.value.get("target", "")),
            "model": None,
            "text": str(row.value["text"]),
            "created_at": row.updated_at,
        }
        for row in kept
        if row.key.startswith(PREFIX) and isinstance(row.value, dict) and "text" in row.value
    ]
    if rows:
        bind.execute(translations.insert(), rows)
        bind.execute(settings.delete().where(settings.c.key.in_(sa.select(translations.c.key))))


def downgrade() -> None:
    bind = op.get_bind()
    kept = bind.execute(sa.select(translations)).all()
    if kept:
        bind.execute(settings.delete().where(settings.c.key.in_(sa.select(translations.c.key))))
        rows = [
            {
                "key": row.key,
                "value": {"text": row.text, "source": row.source_locale, "target": row.target_locale},
                "updated_at": row.created_at,
            }
            for row in kept
        ]
        bind.execute(settings.insert(), rows)
    op.drop_table("translations")
