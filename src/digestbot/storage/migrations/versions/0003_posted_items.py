"""Per-destination memory: the what's-new items each destination was already shown.

Revision ID: 0003_posted_items
Revises: 0002_feed_states
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_posted_items"
down_revision: str | Sequence[str] | None = "0002_feed_states"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posted_items",
        sa.Column("destination", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("destination", "fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("posted_items")
