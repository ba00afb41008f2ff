"""Feed health notices: whether a failing feed was already announced in its channels.

Revision ID: 0005_feed_notices
Revises: 0004_management
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_feed_notices"
down_revision: str | Sequence[str] | None = "0004_management"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_states") as batch:
        batch.add_column(sa.Column("notified_down", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("feed_states") as batch:
        batch.drop_column("notified_down")
