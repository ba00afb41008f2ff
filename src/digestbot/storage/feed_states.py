"""Feed polling state (`FeedStateStore`) on SQLAlchemy, shared by replicas: each save is one
INSERT ... ON CONFLICT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from ..domain.models import FeedState
from .engine import dialect_insert
from .tables import FeedStateRow, fit_column, utc


_FEED_FIELDS = ("etag", "last_modified", "failures", "next_due", "last_success", "last_error", "items_seen",
                "body_hash")


class SqlFeedStates:
    """The polling module's FeedStateStore in the shared database."""

    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine)

    def load(self, url: str) -> FeedState:
        with self._sessions() as session:
            row = session.get(FeedStateRow, _feed_key(url))
            if row is None:
                return FeedState(url)
            values = {name: getattr(row, name) for name in _FEED_FIELDS}
            for name in ("next_due", "last_success"):
                if values[name] is not None:
                    values[name] = utc(values[name])
            return FeedState(url, **values)

    def save(self, state: FeedState) -> None:
        columns = FeedStateRow.__table__.c
        values = {}
        for name in _FEED_FIELDS:
            value = getattr(state, name)
            values[name] = utc(value) if isinstance(value, datetime) else \
                fit_column(columns[name], value) if isinstance(value, str) else value
        self._upsert(state.url, values, values)

    def notified_down(self, url: str) -> bool:
        """Whether the feed's failure was already announced (kept apart from `FeedState`)."""
        with self._sessions() as session:
            row = session.get(FeedStateRow, _feed_key(url))
            return bool(row is not None and row.notified_down)

    def set_notified_down(self, url: str, value: bool) -> None:
        self._upsert(url, {"failures": 0, "items_seen": 0, "notified_down": value}, {"notified_down": value})

    def _upsert(self, url: str, new_row: dict, changes: dict) -> None:
        """One statement, so two replicas saving the same feed's state never both insert it."""
        with self._sessions.begin() as session:
            statement = dialect_insert(session)(FeedStateRow).values(url=_feed_key(url), **new_row)
            session.execute(statement.on_conflict_do_update(index_elements=[FeedStateRow.url], set_=changes))


def _feed_key(url: str) -> str:
    return fit_column(FeedStateRow.__table__.c.url, url)
