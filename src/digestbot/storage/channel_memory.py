"""Channel memory on SQLAlchemy: the what's-new items each destination was shown
(`PostedItems`) and where each channel was shown a story (`StoryPosts`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.records import ShownStory
from .tables import PostedItemRow, StoryPostRow, utc


class SqlPostedItems:
    """The what's-new items (by `novelty.item_fingerprint`) each destination has been shown."""

    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine)

    def seen(self, destination: str) -> set[str]:
        with self._sessions() as session:
            return set(session.scalars(
                select(PostedItemRow.fingerprint).where(PostedItemRow.destination == destination)
            ))

    def remember(self, destination: str, fingerprints, now: datetime) -> None:
        """Record fingerprints as posted; ones already recorded keep their first time."""
        wanted = set(fingerprints)
        for _attempt in range(3):  # another process may record the same item meanwhile
            missing = wanted - self.seen(destination)
            if not missing:
                return
            try:
                with self._sessions.begin() as session:
                    session.add_all(
                        PostedItemRow(destination=destination, fingerprint=f, posted_at=utc(now))
                        for f in sorted(missing)
                    )
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not record posted items for {destination}")


class SqlStoryPosts:
    """Per channel and article: the message that first showed its story, and the last
    breaking post about it. Keyed by article (story keys change as stories grow)."""

    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine)

    def _rows(self, session: Session, memory: str, article_keys) -> list[StoryPostRow]:
        keys = list(dict.fromkeys(article_keys))
        rows = []
        for start in range(0, len(keys), 500):  # stay under SQL parameter limits
            rows += session.scalars(select(StoryPostRow).where(
                StoryPostRow.memory == memory, StoryPostRow.article_key.in_(keys[start:start + 500])))
        return rows

    def view(self, memory: str, article_keys) -> ShownStory:
        """What the channel was shown of a story with these articles, in one read."""
        with self._sessions() as session:
            rows = self._rows(session, memory, article_keys)
        anchored = [r for r in rows if r.message]
        return ShownStory(
            shown=frozenset(r.article_key for r in rows),
            anchor=min(anchored, key=lambda r: (utc(r.shown_at), r.message)).message if anchored else None,
            last_breaking=max((utc(r.breaking_at) for r in rows if r.breaking_at), default=None),
        )

    def anchor(self, memory: str, article_keys) -> str | None:
        return self.view(memory, article_keys).anchor

    def record(self, memory: str, article_keys, message: str | None, now: datetime, *, breaking: bool = False) -> None:
        """Remember that these articles were shown in `message` (the first showing stays the
        anchor); `breaking` also stamps the breaking lane's time."""
        now = utc(now)
        for _attempt in range(3):  # another process may record the same article meanwhile
            try:
                with self._sessions.begin() as session:
                    known = {r.article_key: r for r in self._rows(session, memory, article_keys)}
                    for key in dict.fromkeys(article_keys):
                        row = known.get(key)
                        if row is None:
                            row = StoryPostRow(memory=memory, article_key=key, message=message, shown_at=now)
                            session.add(row)
                        elif row.message is None:
                            row.message, row.shown_at = message, now
                        if breaking:
                            row.breaking_at = now
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not record story posts for {memory}")
