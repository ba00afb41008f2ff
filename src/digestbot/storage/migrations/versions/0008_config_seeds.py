"""Configuration seeding per entry: which topics, feeds and subscriptions of the configuration
file the database has seen (`config_seeds`), instead of one "seeded" mark for the whole file.

A database seeded before this revision had only that mark: everything the file put there
(rows still marked as from the configuration file) and everything chat removed since is
recorded as seen, so chat's removals stay removed and only entries never seen are seeded.

Revision ID: 0008_config_seeds
Revises: 0007_article_copies
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from digestbot.domain.records import seed_key

revision: str = "0008_config_seeds"
down_revision: str | Sequence[str] | None = "0007_article_copies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    seeds = op.create_table(
        "config_seeds",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(2000), primary_key=True),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
    )
    connection = op.get_bind()
    entries = _seen_before(connection)
    if entries:
        now = datetime.now(timezone.utc)
        op.bulk_insert(seeds, [{"kind": kind, "key": key, "seeded_at": now} for kind, key in sorted(entries)])


def _seen_before(connection: sa.Connection) -> set[tuple[str, str]]:
    """What the old whole-file seed put in the database, and what chat removed since."""
    audit = sa.table("audit_log", sa.column("action"), sa.column("platform"), sa.column("channel"),
                     sa.column("before"))
    if connection.execute(sa.select(audit.c.action).where(audit.c.action == "seed").limit(1)).first() is None:
        return set()
    topics = sa.table("topics", sa.column("name"), sa.column("origin"))
    feeds = sa.table("feeds", sa.column("url"), sa.column("origin"))
    subs = sa.table("subscriptions", sa.column("platform"), sa.column("channel"), sa.column("topic"),
                    sa.column("created_by"))
    seen = {("topic", name) for (name,) in connection.execute(sa.select(topics.c.name).where(topics.c.origin == "config"))}
    seen |= {("feed", url) for (url,) in connection.execute(sa.select(feeds.c.url).where(feeds.c.origin == "config"))}
    seen |= {seed_key("subscription", {"platform": p, "channel": c, "topic": t}) for p, c, t in connection.execute(
        sa.select(subs.c.platform, subs.c.channel, subs.c.topic).where(subs.c.created_by == "config file"))}
    removals = sa.select(audit.c.action, audit.c.platform, audit.c.channel, audit.c.before).where(
        audit.c.action.in_(["topics.remove", "feeds.remove", "unsubscribe"]))
    for action, platform, channel, before in connection.execute(removals):
        seen |= _removed(action, platform, channel, json.loads(before) if before else {})
    return seen


def _removed(action: str, platform: str, channel: str, before: dict) -> set[tuple[str, str]]:
    if action == "topics.remove" and before.get("name"):
        return {("topic", before["name"])}
    if action == "feeds.remove" and before.get("url"):
        return {("feed", before["url"])}
    if action == "unsubscribe":
        return {seed_key("subscription", {"platform": platform, "channel": channel, "topic": s["topic"]})
                for s in before.get("subscriptions", []) if s.get("topic")}
    return set()


def downgrade() -> None:
    op.drop_table("config_seeds")
