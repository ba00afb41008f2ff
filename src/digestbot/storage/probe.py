"""The readiness check's view of the database, and a hook that counts failed statements:
the SQLAlchemy side of `/readyz` and `/metrics`, so that `run/` imports no SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseProbe:
    """Whether the database answers, on a new connection each time (its own engine)."""

    def __init__(self, engine: Engine, *, timeout: float):
        self._engine = engine
        self._timeout = timeout
        self._probe: Engine | None = None

    def answers(self) -> bool:
        """A cheap read of one table page (the ledger's) on a new connection: SQLite answers
        `SELECT 1` without reading the file, and a pooled connection serves its cached pages,
        so either would call a database overwritten with junk ready."""
        url = self._engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            check_sqlite_header(Path(url.database).expanduser())
        with self._probe_engine().connect() as connection:
            connection.execute(text("SELECT 1 FROM deliveries LIMIT 1")).all()
        return True

    def _probe_engine(self) -> Engine:
        if self._probe is None:
            url = self._engine.url
            if url.get_backend_name() == "sqlite":
                if url.database in (None, "", ":memory:"):  # a private database: only its own engine sees it
                    return self._engine
                args = {"timeout": self._timeout}
            else:
                args = {"connect_timeout": int(self._timeout)}
            self._probe = create_engine(url, poolclass=NullPool, connect_args=args)
        return self._probe


def check_sqlite_header(path: Path) -> None:
    """16 bytes, read each probe: in WAL mode SQLite serves recent pages from the -wal file, so
    a main file overwritten with junk still answers queries until the next checkpoint."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ValueError(f"{path.name} is not a SQLite database (its header is wrong): corrupt or overwritten")


def count_errors(engine: Engine, on_error: Callable[[], None]) -> Callable[[], None]:
    """Call `on_error` for every failed statement on the engine (SQLAlchemy's `handle_error`);
    returns what stops it."""
    def failed(_context) -> None:
        on_error()

    event.listen(engine, "handle_error", failed)
    return lambda: event.remove(engine, "handle_error", failed) if event.contains(engine, "handle_error", failed) else None
