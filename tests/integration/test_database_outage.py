"""A digest due while the database cannot be written is retried and posted after, once.

The real scheduler (APScheduler jobs for the retries) and the real ledger, on a PostgreSQL
server stopped and started around the due time, and on SQLite with a write lock held past the
busy timeout. The clock is real time shifted so that a daily digest fell due a second ago: the
test takes seconds, and the retries run on APScheduler's own (real) clock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event

from fakes import RecordingPoster, RecordingPublisher
from digestbot.run.scheduling import DigestScheduler, Schedule
from digestbot.storage.engine import create_store_engine
from digestbot.storage.ledger import SqlLedger
from digestbot.storage.migrate import migrate, open_database
from test_postgres import pg_url, postgres  # noqa: F401 - fixtures: this module's own server, stopped at will

DUE = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
PERIOD = "2026-01-05T08:00"
DESTINATION = "console:team"


def clock_just_after(due: datetime, seconds: float = 1.0) -> Callable[[], datetime]:
    """Real time, moved so that it reads `due + seconds` now."""
    offset = due + timedelta(seconds=seconds) - datetime.now(timezone.utc)
    return lambda: datetime.now(timezone.utc) + offset


class Counted:
    def __init__(self) -> None:
        self.failed: list[str] = []
        self.missed: list[str] = []


def a_scheduler(ledger: SqlLedger, poster: RecordingPoster, counted: Counted, grace: timedelta) -> DigestScheduler:
    return DigestScheduler(
        [Schedule(DESTINATION, "0 8 * * *", "UTC")], ledger, poster, grace=grace, clock=clock_just_after(DUE),
        retry_delay=timedelta(seconds=0.2), max_retry_delay=timedelta(seconds=1),
        on_failed=lambda _d, period: counted.failed.append(period),
        on_missed=lambda _d, period: counted.missed.append(period),
    )


async def wait_until(condition: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another connection holding SQLite's write lock, as a long write by another process would."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def with_busy_timeout(engine, milliseconds: int):
    """The engine with a short busy timeout (set after the store's own pragmas), so that the
    lock is held "past the busy timeout" in well under a second."""
    @event.listens_for(engine, "connect")
    def _short(dbapi_conn, _record):  # noqa: ANN001 - DB-API types
        dbapi_conn.execute(f"PRAGMA busy_timeout={milliseconds}")
    return engine


async def test_digest_due_while_sqlite_is_locked_is_posted_once_after(tmp_path):
    path = tmp_path / "bot.db"
    engine = with_busy_timeout(create_store_engine(f"sqlite:///{path}"), 200)
    migrate(engine)
    ledger, poster, counted = SqlLedger(engine), RecordingPoster(), Counted()
    scheduler = a_scheduler(ledger, poster, counted, grace=timedelta(seconds=60))
    try:
        with write_lock(path):
            scheduler.start()
            await wait_until(lambda: len(counted.failed) >= 2, timeout=10)  # retried, not dropped
            assert poster.sent == []
        await wait_until(lambda: poster.sent, timeout=10)
        await asyncio.sleep(0.5)  # no second post from a late retry
        assert poster.sent == [(DESTINATION, PERIOD)]
        assert ledger.status(DESTINATION, PERIOD) == "posted"
        assert counted.missed == []
    finally:
        scheduler.shutdown()
        engine.dispose()


@pytest.fixture
def pg_engine(pg_url):  # noqa: F811 - the imported fixture
    engine = open_database(pg_url)
    yield engine
    engine.dispose()


async def test_digest_due_during_a_postgres_outage_is_posted_once_after(postgres, pg_engine):  # noqa: F811
    ledger, poster, counted = SqlLedger(pg_engine), RecordingPoster(), Counted()
    scheduler = a_scheduler(ledger, poster, counted, grace=timedelta(seconds=60))
    postgres.stop()
    try:
        scheduler.start()
        await wait_until(lambda: len(counted.failed) >= 2, timeout=20)
        assert poster.sent == []
    finally:
        postgres.start()
    try:
        await wait_until(lambda: poster.sent, timeout=20)
        await asyncio.sleep(0.5)
        assert poster.sent == [(DESTINATION, PERIOD)]
        assert ledger.status(DESTINATION, PERIOD) == "posted"
        assert counted.missed == []
    finally:
        scheduler.shutdown()


async def test_outage_past_the_grace_is_counted_missed_once_when_the_database_is_back(postgres, pg_engine):  # noqa: F811
    ledger, poster, counted = SqlLedger(pg_engine), RecordingPoster(), Counted()
    ledger.started(DESTINATION, DUE - timedelta(days=1))  # an install that was running before
    scheduler = a_scheduler(ledger, poster, counted, grace=timedelta(seconds=2))
    postgres.stop()
    try:
        scheduler.start()
        await wait_until(lambda: len(counted.failed) >= 2, timeout=20)
        await asyncio.sleep(2.5)  # the grace runs out while the server is down
    finally:
        postgres.start()
    try:
        await wait_until(lambda: counted.missed, timeout=20)
        await asyncio.sleep(0.5)
        assert counted.missed == [PERIOD]
        assert poster.sent == []
        assert ledger.status(DESTINATION, PERIOD) == "missed"
    finally:
        scheduler.shutdown()


async def test_readyz_says_why_while_postgres_is_down_and_recovers_after(postgres, pg_url, tmp_path):  # noqa: F811
    from test_database_off_loop import get

    from digestbot.bootstrap import bootstrap, build_runtime
    from digestbot.domain.platforms import Platform
    from digestbot.settings import Settings

    config = tmp_path / "digestbot.toml"
    config.write_text('[[destinations]]\nplatform = "console"\ncron = "0 8 * * *"\n')
    app = bootstrap(Settings(database_url=pg_url, config=config, http_host="127.0.0.1", http_port=0))
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    port = await runtime.start()
    try:
        assert (await asyncio.to_thread(get, port, "/readyz"))[0] == 200
        postgres.stop()
        try:
            status, body, seconds = await asyncio.to_thread(get, port, "/readyz")
        finally:
            postgres.start()
        assert status == 503 and body["checks"]["database"] is False
        assert "OperationalError" in body["reasons"]["database"] and seconds < 6
        assert (await asyncio.to_thread(get, port, "/readyz"))[0] == 200
    finally:
        await runtime.stop()
        app.close()


async def test_a_post_whose_ledger_record_fails_is_recorded_later_and_never_reposted(tmp_path):
    path = tmp_path / "bot.db"
    engine = with_busy_timeout(create_store_engine(f"sqlite:///{path}"), 200)
    migrate(engine)
    ledger, counted, sent = SqlLedger(engine), Counted(), []
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    async def post_then_lock(destination: str, period: str, _recovering: bool) -> str:
        sent.append(period)
        holder.execute("BEGIN IMMEDIATE")  # the database locks up right after the post went out
        asyncio.get_running_loop().call_later(1.0, holder.execute, "ROLLBACK")
        return "message-1"

    scheduler = a_scheduler(ledger, post_then_lock, counted, grace=timedelta(seconds=60))
    try:
        scheduler.start()
        await wait_until(lambda: ledger.status(DESTINATION, PERIOD) == "posted", timeout=10)
        await asyncio.sleep(0.5)
        assert sent == [PERIOD]
        assert counted.failed == []  # the digest went out: recording it late is not a failure
    finally:
        scheduler.shutdown()
        holder.close()
        engine.dispose()
