"""Feeds: a hash of the last feed body read, so an unchanged feed is not parsed again.

Revision ID: 0011_feeds_body_hash
Revises: 0010_seen_requests
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_feeds_body_hash"
down_revision: str | Sequence[str] | None = "0010_seen_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_states") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_states") as batch:
        batch.drop_column("body_hash")
