"""The engine every repository shares: SQLite tuned for a bot by default, PostgreSQL for teams;
and the dialect's INSERT ... ON CONFLICT, which rows several processes may write at once use."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session


def create_store_engine(url: str) -> Engine:
    """An engine with SQLite tuned for a bot: WAL, a busy timeout, foreign keys on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API types
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            _enable_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _enable_wal(cursor) -> None:  # noqa: ANN001 - a DB-API cursor
    # Switching a new file to WAL needs a moment alone with it; processes opening the same new
    # file together can get "database is locked" at once, busy timeout or not: retry briefly.
    for attempt in range(20):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))


def dialect_insert(session_or_conn: Session | Connection):
    """The `insert` of the database's dialect, which has `on_conflict_do_update`."""
    name = session_or_conn.get_bind().dialect.name if isinstance(session_or_conn, Session) \
        else session_or_conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise UnsupportedDatabase(f"digestbot stores to SQLite or PostgreSQL, not {name}")
    return insert


class UnsupportedDatabase(RuntimeError):
    """A database without INSERT ... ON CONFLICT."""
