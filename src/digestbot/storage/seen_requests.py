"""Signed platform requests already handled (`SeenRequests`) on SQLAlchemy, shared by restarts
and replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from .tables import SeenRequestRow, utc


class SqlSeenRequests:
    """Which signed requests were handled within `window`, shared by restarts and replicas:
    the database's primary key decides, so two processes never both take one request."""

    def __init__(self, engine: Engine, window: timedelta = timedelta(minutes=5)):
        self._sessions = sessionmaker(engine)
        self.window = window

    def first_time(self, key: str, now: datetime) -> bool:
        """Record `key`; False when it was already recorded (a replay). Rows past the window
        are pruned on the way (a request that old is refused by its timestamp anyway)."""
        now = utc(now)
        try:
            with self._sessions.begin() as session:
                session.execute(delete(SeenRequestRow).where(SeenRequestRow.seen_at < now - self.window))
                session.add(SeenRequestRow(key=key, seen_at=now))
            return True
        except IntegrityError:
            return False
