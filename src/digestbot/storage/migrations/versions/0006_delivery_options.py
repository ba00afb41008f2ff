"""Per-subscription options (filters, threads, breaking lane) and where each channel was shown
each article's story (thread anchors, breaking-lane times).

Revision ID: 0006_delivery_options
Revises: 0005_feed_notices
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_delivery_options"
down_revision: str | Sequence[str] | None = "0005_feed_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("options", sa.Text(), nullable=True))
    op.create_table(
        "story_posts",
        sa.Column("memory", sa.String(300), primary_key=True),
        sa.Column("article_key", sa.String(600), primary_key=True),
        sa.Column("message", sa.String(300), nullable=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("breaking_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("story_posts")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("options")
