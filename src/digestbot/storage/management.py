"""Subscriptions, topics, feeds and the audit log (`ManagementStore`) on SQLAlchemy.

One source of truth: the configuration file seeds these tables once (`seed`), after that the
database wins. Chat commands change them through `digestbot.service.management`.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.models import Topic
from ..domain.records import AuditEntry, StoredFeed, StoredTopic, Subscription, SubscriptionOptions, seed_key
from .tables import AuditRow, ConfigSeedRow, FeedRow, SubscriptionRow, TopicRow, utc


def _options_json(options: SubscriptionOptions) -> str | None:
    """Stored as JSON; the defaults as NULL."""
    return json.dumps(options.as_dict()) if options != SubscriptionOptions() else None


class SqlManagementStore:
    """Subscriptions, topics, feeds and the audit log in the shared database.

    Every change and its audit entry are written in one transaction.
    """

    def __init__(self, engine: Engine):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        return self._engine

    # --- seeding from the configuration file -------------------------------------------

    def seeded_entries(self) -> set[tuple[str, str]]:
        """The configuration file's entries the database has seen, as `seed_key`s."""
        with self._sessions() as session:
            return {(r.kind, r.key) for r in session.scalars(select(ConfigSeedRow))}

    def seed(self, topics: list[Topic], feeds: list[dict], subscriptions: list[dict], now: datetime) -> bool:
        """Record these configuration entries as seen, creating each one the tables do not
        hold yet (one made from chat is kept as chat made it). False when every entry was seen
        already (or another process recorded them at the same moment)."""
        now = utc(now)
        entries = [seed_key("topic", t) for t in topics] + [seed_key("feed", f) for f in feeds]
        entries += [seed_key("subscription", s) for s in subscriptions]
        if not set(entries) - self.seeded_entries():
            return False
        try:
            with self._sessions.begin() as session:
                added = self._seed_rows(session, topics, feeds, subscriptions, now)
                session.add_all(ConfigSeedRow(kind=kind, key=key, seeded_at=now) for kind, key in dict.fromkeys(entries))
                summary = (f"seeded from the configuration file: {added[0]} topics, {added[1]} feeds, "
                           f"{added[2]} subscriptions")
                session.add(AuditRow(at=now, platform="config", channel="*", actor="config file", action="seed",
                                     summary=summary, before=None, after=None))
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _seed_rows(session: Session, topics: list[Topic], feeds: list[dict], subscriptions: list[dict],
                   now: datetime) -> tuple[int, int, int]:
        """Add the rows that do not exist yet; how many topics, feeds and subscriptions."""
        added = [0, 0, 0]
        for topic in topics:
            if session.get(TopicRow, topic.name) is None:
                session.add(TopicRow(name=topic.name, title=topic.title, keywords=json.dumps(list(topic.keywords)),
                                     origin="config", created_at=now, created_by="config file"))
                added[0] += 1
        known_urls = set(session.scalars(select(FeedRow.url)))
        for feed in feeds:
            if feed["url"] not in known_urls:
                session.add(FeedRow(url=feed["url"], every=feed.get("every", "15m"), topic=feed.get("topic"),
                                    origin="config", created_at=now, created_by="config file"))
                added[1] += 1
        known_subs = set(tuple(row) for row in session.execute(select(SubscriptionRow.platform, SubscriptionRow.channel,
                                                SubscriptionRow.topic)).all())
        for sub in subscriptions:
            if (sub["platform"], sub["channel"], sub["topic"]) not in known_subs:
                session.add(SubscriptionRow(platform=sub["platform"], channel=sub["channel"], topic=sub["topic"],
                                            cron=sub["cron"], timezone=sub["timezone"], created_at=now,
                                            created_by="config file",
                                            options=_options_json(sub.get("options") or SubscriptionOptions())))
                added[2] += 1
        session.flush()
        return added[0], added[1], added[2]

    # --- reads ---------------------------------------------------------------------------

    def topics(self) -> list[StoredTopic]:
        with self._sessions() as session:
            rows = session.scalars(select(TopicRow).order_by(TopicRow.created_at, TopicRow.name))
            return [StoredTopic(Topic(r.name, r.title, tuple(json.loads(r.keywords))), r.origin, r.created_by)
                    for r in rows]

    def feeds(self) -> list[StoredFeed]:
        with self._sessions() as session:
            rows = session.scalars(select(FeedRow).order_by(FeedRow.id))
            return [StoredFeed(r.id, r.url, r.every, r.topic, r.origin, r.created_by) for r in rows]

    def subscriptions(self, platform: str | None = None, channel: str | None = None) -> list[Subscription]:
        query = select(SubscriptionRow).order_by(SubscriptionRow.id)
        if platform is not None:
            query = query.where(SubscriptionRow.platform == platform)
        if channel is not None:
            query = query.where(SubscriptionRow.channel == channel)
        with self._sessions() as session:
            return [self._subscription(r) for r in session.scalars(query)]

    def audit(self, platform: str | None = None, channel: str | None = None, limit: int = 5) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if platform is not None:
            query = query.where(AuditRow.platform == platform)
        if channel is not None:
            query = query.where(AuditRow.channel == channel)
        with self._sessions() as session:
            return [AuditEntry(utc(r.at), r.platform, r.channel, r.actor, r.action, r.summary,
                               json.loads(r.before) if r.before else None,
                               json.loads(r.after) if r.after else None)
                    for r in session.scalars(query)]

    # --- changes (each with its audit entry) ----------------------------------------------

    def save_subscription(self, platform: str, channel: str, topic: str, cron: str, timezone_name: str,
                          audit: AuditEntry, options: SubscriptionOptions | None = None,
                          ) -> tuple[Subscription | None, Subscription]:
        """Create or change the channel's subscription to `topic`: (before, after).
        `options` None keeps the subscription's options (a new one gets the defaults)."""
        with self._sessions.begin() as session:
            row = session.scalars(select(SubscriptionRow).where(
                SubscriptionRow.platform == platform, SubscriptionRow.channel == channel,
                SubscriptionRow.topic == topic)).first()
            before = self._subscription(row) if row is not None else None
            if row is None:
                row = SubscriptionRow(platform=platform, channel=channel, topic=topic,
                                      created_at=utc(audit.at), created_by=audit.user)
                session.add(row)
            row.cron, row.timezone = cron, timezone_name
            if options is not None:
                row.options = _options_json(options)
            session.flush()
            after = self._subscription(row)
            self._audit(session, audit, before.as_dict() if before else None, after.as_dict())
            return before, after

    def remove_subscriptions(self, platform: str, channel: str, topic: str | None,
                             audit: AuditEntry) -> list[Subscription]:
        """Remove the channel's subscription to `topic` (every one when None); what was removed,
        oldest first (as `subscriptions` lists them)."""
        with self._sessions.begin() as session:
            query = select(SubscriptionRow).where(SubscriptionRow.platform == platform,
                                                  SubscriptionRow.channel == channel).order_by(SubscriptionRow.id)
            if topic is not None:
                query = query.where(SubscriptionRow.topic == topic)
            rows = list(session.scalars(query))
            removed = [self._subscription(r) for r in rows]
            for row in rows:
                session.delete(row)
            if removed:
                self._audit(session, audit, {"subscriptions": [s.as_dict() for s in removed]}, None)
            return removed

    def add_topic(self, topic: Topic, audit: AuditEntry) -> bool:
        """False when a topic of that name exists."""
        try:
            with self._sessions.begin() as session:
                if session.get(TopicRow, topic.name) is not None:
                    return False
                session.add(TopicRow(name=topic.name, title=topic.title, keywords=json.dumps(list(topic.keywords)),
                                     origin="chat", created_at=utc(audit.at), created_by=audit.user))
                self._audit(session, audit, None, {"name": topic.name, "title": topic.title,
                                                   "keywords": list(topic.keywords)})
            return True
        except IntegrityError:
            return False

    def update_topic(self, topic: Topic, audit: AuditEntry) -> bool:
        """Change a topic's title and keywords in place (its subscriptions and feeds stay)."""
        with self._sessions.begin() as session:
            row = session.get(TopicRow, topic.name)
            if row is None:
                return False
            before = {"name": row.name, "title": row.title, "keywords": json.loads(row.keywords)}
            row.title, row.keywords = topic.title, json.dumps(list(topic.keywords))
            self._audit(session, audit, before, {"name": topic.name, "title": topic.title,
                                                 "keywords": list(topic.keywords)})
            return True

    def update_feed(self, feed_id: int, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None:
        """Change a feed's interval and topic in place (it keeps its number)."""
        with self._sessions.begin() as session:
            row = session.get(FeedRow, feed_id)
            if row is None:
                return None
            before = StoredFeed(row.id, row.url, row.every, row.topic, row.origin, row.created_by)
            row.every, row.topic = every, topic
            after = StoredFeed(row.id, row.url, row.every, row.topic, row.origin, row.created_by)
            self._audit(session, audit, before.as_dict(), after.as_dict())
            return after

    def remove_topic(self, name: str, audit: AuditEntry) -> tuple[StoredTopic, int] | None:
        """Remove a topic and the subscriptions to it; (the topic, subscriptions removed)."""
        with self._sessions.begin() as session:
            row = session.get(TopicRow, name)
            if row is None:
                return None
            stored = StoredTopic(Topic(row.name, row.title, tuple(json.loads(row.keywords))), row.origin, row.created_by)
            subs = list(session.scalars(select(SubscriptionRow).where(SubscriptionRow.topic == name)))
            for sub in subs:
                session.delete(sub)
            session.execute(update(FeedRow).where(FeedRow.topic == name).values(topic=None))
            session.delete(row)
            self._audit(session, audit, {"name": row.name, "title": row.title, "keywords": json.loads(row.keywords),
                                         "subscriptions": len(subs)}, None)
            return stored, len(subs)

    def add_feed(self, url: str, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None:
        """None when the URL is already a feed."""
        try:
            with self._sessions.begin() as session:
                if session.scalars(select(FeedRow.id).where(FeedRow.url == url)).first() is not None:
                    return None
                row = FeedRow(url=url, every=every, topic=topic, origin="chat", created_at=utc(audit.at),
                              created_by=audit.user)
                session.add(row)
                session.flush()
                feed = StoredFeed(row.id, row.url, row.every, row.topic, row.origin, row.created_by)
                self._audit(session, audit, None, feed.as_dict())
                return feed
        except IntegrityError:
            return None

    def remove_feed(self, feed_id: int, audit: AuditEntry) -> StoredFeed | None:
        with self._sessions.begin() as session:
            row = session.get(FeedRow, feed_id)
            if row is None:
                return None
            feed = StoredFeed(row.id, row.url, row.every, row.topic, row.origin, row.created_by)
            session.delete(row)
            self._audit(session, audit, feed.as_dict(), None)
            return feed

    @staticmethod
    def _audit(session: Session, entry: AuditEntry, before: dict | None, after: dict | None) -> None:
        session.add(AuditRow(
            at=utc(entry.at), platform=entry.platform, channel=entry.channel, actor=entry.user,
            action=entry.action, summary=entry.summary,
            before=json.dumps(before, ensure_ascii=False) if before is not None else None,
            after=json.dumps(after, ensure_ascii=False) if after is not None else None,
        ))

    @staticmethod
    def _subscription(row: SubscriptionRow) -> Subscription:
        return Subscription(row.id, row.platform, row.channel, row.topic, row.cron, row.timezone, row.created_by,
                            utc(row.created_at) if row.created_at else None,
                            SubscriptionOptions.from_dict(json.loads(row.options) if row.options else None))
