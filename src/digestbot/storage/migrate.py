"""Schema migrations (Alembic, shipped in `digestbot.storage.migrations`), run once per process
from bootstrap (`migrate`), or by `open_database` wherever a repository is built on a fresh engine."""

from __future__ import annotations

import time
import zlib

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine, URL
from sqlalchemy.exc import DBAPIError

from .engine import create_store_engine


_MIGRATION_LOCK_KEY = zlib.crc32(b"digestbot.migrations")  # the advisory-lock key: as before the move, so old and new replicas agree
_head_revision: str | None = None


def migrate(engine_or_url: Engine | str | URL) -> None:
    """Bring the database schema up to the newest migration (``alembic upgrade head``).

    Idempotent and cheap when already at head (one read of ``alembic_version``). Safe when
    several processes start at once: the upgrade runs under a lock (SQLite ``BEGIN
    IMMEDIATE``, a PostgreSQL advisory lock) and re-reads the version inside it; a lost race
    (other databases, or a new SQLite file being switched to WAL) is retried after
    re-checking. A database made by the old ``create_all`` (tables, no ``alembic_version``)
    is adopted: stamped at the initial revision, its rows kept, then upgraded. A schema
    newer than this code raises :class:`SchemaTooNewError`.
    """
    if isinstance(engine_or_url, Engine):
        engine, owned = engine_or_url, False
    else:
        url = engine_or_url if isinstance(engine_or_url, str) else engine_or_url.render_as_string(False)
        engine, owned = create_store_engine(url), True
    try:
        head = _head()
        attempts = 6
        for attempt in range(attempts):
            try:
                if _current_revision(engine) == head:
                    return
                _upgrade_under_lock(engine, head)
                return
            except DBAPIError:
                # A race with another process: it migrated first ("table already exists"), or
                # it holds the lock while a new SQLite file switches to WAL ("database is
                # locked", raised without waiting). Wait a little and look again.
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
    finally:
        if owned:
            engine.dispose()


def open_database(url: str) -> Engine:
    """An engine on the database at `url`, its schema migrated: the one way to build
    repositories on a fresh engine (the repositories themselves never migrate)."""
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _head() -> str:
    global _head_revision
    if _head_revision is None:
        _head_revision = _scripts().get_current_head()
    return _head_revision


def _scripts():  # noqa: ANN202 - alembic.script.ScriptDirectory, imported lazily
    from alembic.script import ScriptDirectory

    from .migrations import alembic_config

    return ScriptDirectory.from_config(alembic_config())


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer digestbot than this one."""


def _current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_under_lock(engine: Engine, head: str) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    from .migrations import INITIAL_REVISION, INITIAL_TABLES, alembic_config

    with engine.connect() as conn:
        _lock_for_migration(conn)
        current = MigrationContext.configure(conn).get_current_revision()
        if current is not None and current not in {script.revision for script in _scripts().walk_revisions()}:
            raise SchemaTooNewError(
                f"the database schema is at revision {current!r}, which this version of digestbot "
                f"does not know (its newest is {head!r}): upgrade digestbot"
            )
        if current != head:
            config = alembic_config()
            config.attributes["connection"] = conn
            if current is None:
                present = set(inspect(conn).get_table_names())
                # A pre-Alembic database: its tables are the initial revision's, keep them.
                # (If one is missing, the initial revision creates only what is missing.)
                if present.issuperset(INITIAL_TABLES):
                    command.stamp(config, INITIAL_REVISION)
            command.upgrade(config, "head")
        conn.commit()


def _lock_for_migration(conn: Connection) -> None:
    """Serialise migrations across processes for the rest of this transaction."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        # pysqlite leaves DDL outside transactions; an explicit write lock makes the whole
        # upgrade one transaction and makes a second process wait, then see head.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
