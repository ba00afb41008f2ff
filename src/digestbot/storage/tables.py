"""The database's tables as SQLAlchemy rows (what the Alembic migrations build), and how a value
is fitted to its column: every repository module reads and writes these."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..domain.models import as_utc


def utc(moment: datetime) -> datetime:
    """SQLite drops the offset: everything is stored and returned in UTC."""
    return as_utc(moment).astimezone(timezone.utc)


# Columns that tell rows apart: an overlong value keeps a digest of the whole, so two long
# URLs that share a beginning stay two articles. Other text is cut to fit.
# A cut HTTP validator (etag, last_modified) could match another version of a feed; a digest never does.
_IDENTITY_COLUMNS = frozenset({"key", "url", "input_id", "etag", "last_modified"})
_DIGEST_TAIL = 1 + 7 + 64  # "#sha256:" and the hex digest


def fit_column(column, value: str | None) -> str | None:
    """`value` as the column can hold it (PostgreSQL refuses what is longer than a String's
    length; SQLite keeps it, so both databases store the same)."""
    limit = getattr(column.type, "length", None)
    if value is None or limit is None or len(value) <= limit:
        return value
    if column.name in _IDENTITY_COLUMNS:
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{value[:limit - _DIGEST_TAIL]}#sha256:{digest}"
    return value[:limit - 1] + "\u2026"


# --- articles ---------------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    input_id: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    published: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    published_is_fallback: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(Text, default="")
    dateline: Mapped[str | None] = mapped_column(String(300))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sentences: Mapped[list[SentenceRow]] = relationship(
        order_by="SentenceRow.position", cascade="all, delete-orphan", lazy="selectin"
    )
    key_points: Mapped[list[KeyPointRow]] = relationship(
        order_by="KeyPointRow.position", cascade="all, delete-orphan", lazy="selectin"
    )
    copies: Mapped[list[CopyRow]] = relationship(
        order_by="CopyRow.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SentenceRow(Base):
    __tablename__ = "sentences"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class KeyPointRow(Base):
    __tablename__ = "key_points"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class CopyRow(Base):
    __tablename__ = "article_copies"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    input_id: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))


# --- the delivery ledger: exactly-once scheduled digests --------------------------------------


class DeliveryRow(Base):
    __tablename__ = "deliveries"

    destination: Mapped[str] = mapped_column(String(300), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # claimed | posted | skipped | missed | interrupted
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_id: Mapped[str | None] = mapped_column(String(200))


class LedgerStartRow(Base):
    """When a destination was first scheduled: its periods before that are neither due nor missed."""

    __tablename__ = "ledger_starts"

    destination: Mapped[str] = mapped_column(String(300), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- feed polling state --------------------------------------------------------------------------


class FeedStateRow(Base):
    __tablename__ = "feed_states"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(Integer)
    next_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    items_seen: Mapped[int] = mapped_column(Integer)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    # Whether the channels using the feed were told it is failing (runtime feed notices).
    notified_down: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# --- channel memory: what each destination was already told -------------------------------------


class PostedItemRow(Base):
    __tablename__ = "posted_items"

    destination: Mapped[str] = mapped_column(String(300), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoryPostRow(Base):
    """Where a channel was shown an article's story: the thread later developments go to,
    and when the breaking lane last posted about it."""

    __tablename__ = "story_posts"

    memory: Mapped[str] = mapped_column(String(300), primary_key=True)  # the channel, `platform:channel`
    article_key: Mapped[str] = mapped_column(String(600), primary_key=True)
    message: Mapped[str | None] = mapped_column(String(300))  # the message that showed it (thread anchor)
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    breaking_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- management: subscriptions, topics and feeds set from chat, and the audit log ------------------


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "channel", "topic", name="uq_subscriptions_channel_topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(40))  # a topic name, or "*" for every story
    cron: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(300))
    options: Mapped[str | None] = mapped_column(Text)  # JSON of SubscriptionOptions; NULL: the defaults


class TopicRow(Base):
    __tablename__ = "topics"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[str] = mapped_column(Text)  # a JSON list of strings
    origin: Mapped[str] = mapped_column(String(20))  # config | chat
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(300))


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    every: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str | None] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(20))  # config | chat
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(300))


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(300), index=True)
    actor: Mapped[str] = mapped_column(String(300))  # who: a user name, or "config file"
    action: Mapped[str] = mapped_column(String(40))  # seed | subscribe | unsubscribe | topics.add | ...
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)  # JSON, or NULL when there was nothing
    after: Mapped[str | None] = mapped_column(Text)


class ConfigSeedRow(Base):
    """An entry of the configuration file the database has seen: seeded once, after which chat
    may change or remove it and the file does not bring it back (`SqlManagementStore.seed`)."""

    __tablename__ = "config_seeds"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # topic | feed | subscription
    key: Mapped[str] = mapped_column(String(2000), primary_key=True)  # see `seed_key`
    seeded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- signed requests already handled ---------------------------------------------------------------


class SeenRequestRow(Base):
    """A signed platform request already handled (a digest of its signature), kept while its
    timestamp would still be accepted."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
