"""The initial schema: articles with their sentences and key points, the delivery ledger.

Exactly what ``Base.metadata.create_all`` created before Alembic. Tables that already exist
are left alone, so a pre-Alembic database that lacks a later table (``deliveries`` came
after ``articles``) is completed rather than failing; see ``digestbot.storage.migrate.migrate``.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    if "articles" not in existing:
        op.create_table(
            "articles",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=600), nullable=False),
            sa.Column("url", sa.String(length=2000), nullable=True),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("input_id", sa.String(length=500), nullable=True),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("source", sa.String(length=300), nullable=False),
            sa.Column("author", sa.String(length=300), nullable=True),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("published", sa.DateTime(timezone=True), nullable=False),
            sa.Column("published_is_fallback", sa.Boolean(), nullable=False),
            sa.Column("origin", sa.Text(), nullable=False),
            sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key"),
        )
        op.create_index("ix_articles_content_hash", "articles", ["content_hash"], unique=False)
        op.create_index("ix_articles_published", "articles", ["published"], unique=False)
        op.create_index("ix_articles_url", "articles", ["url"], unique=False)

    if "deliveries" not in existing:
        op.create_table(
            "deliveries",
            sa.Column("destination", sa.String(length=300), nullable=False),
            sa.Column("period", sa.String(length=40), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("message_id", sa.String(length=200), nullable=True),
            sa.PrimaryKeyConstraint("destination", "period"),
        )

    for name in ("key_points", "sentences"):
        if name not in existing:
            op.create_table(
                name,
                sa.Column("article_id", sa.Integer(), nullable=False),
                sa.Column("position", sa.Integer(), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
                sa.PrimaryKeyConstraint("article_id", "position"),
            )


def downgrade() -> None:
    op.drop_table("sentences")
    op.drop_table("key_points")
    op.drop_table("deliveries")
    op.drop_index("ix_articles_url", table_name="articles")
    op.drop_index("ix_articles_published", table_name="articles")
    op.drop_index("ix_articles_content_hash", table_name="articles")
    op.drop_table("articles")
