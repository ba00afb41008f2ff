"""When the ledger first scheduled each destination: no period before it is posted or missed.

Destinations already in the ledger start at their first delivery row, so an upgrade changes
nothing for them; a new one (the console default on a fresh install) starts when first run.

Revision ID: 0009_ledger_starts
Revises: 0008_config_seeds
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ledger_starts"
down_revision: str | Sequence[str] | None = "0008_config_seeds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_starts",
        sa.Column("destination", sa.String(length=300), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO ledger_starts (destination, started_at) "
        "SELECT destination, MIN(claimed_at) FROM deliveries GROUP BY destination"
    )


def downgrade() -> None:
    op.drop_table("ledger_starts")
