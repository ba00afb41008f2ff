"""Wire copies: the other inputs (id, outlet, link) that carried an article's very text.

Revision ID: 0007_article_copies
Revises: 0006_delivery_options
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_article_copies"
down_revision: str | Sequence[str] | None = "0006_delivery_options"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_copies",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("input_id", sa.String(500), nullable=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("article_copies")
