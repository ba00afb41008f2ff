"""Articles: the wire dateline their text opened with, the "here" and "today" of the story.

Revision ID: 0012_articles_dateline
Revises: 0011_feeds_body_hash
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_articles_dateline"
down_revision: str | Sequence[str] | None = "0011_feeds_body_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("dateline", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("dateline")
