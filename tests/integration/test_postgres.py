"""The storage layer on a real PostgreSQL server started for this session (no mocks).

The server comes from the Debian package ``postgresql`` (binaries in
/usr/lib/postgresql/*/bin). Without it these tests skip, except under CI (``CI`` set), where
they fail: .ci/run installs the package.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from builders import create_initial_tables
from concurrency import run_together
from digestbot.storage import migrate as migration
from digestbot.storage.migrations import INITIAL_TABLES, alembic_config
from digestbot.domain.models import Article, ArticleKind, Claim
from digestbot.storage.articles import SqlStore
from digestbot.storage.engine import create_store_engine
from digestbot.storage.ledger import SqlLedger
from digestbot.storage.migrate import migrate, open_database
from digestbot.storage.tables import Base
from digestbot.domain.records import UpsertOutcome

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
SEOUL_MORNING = datetime.fromisoformat("2026-01-05T08:00:00+09:00")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class PostgresServer:
    bin_dir: Path
    port: int
    data: Path | None = None
    options: str = ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server now (an outage); `start` brings it back on the same port."""
        subprocess.run([*_as_postgres_user(), str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                        "-w", "stop"], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        subprocess.run([*_as_postgres_user(), str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
                        "-l", str(self.data.parent / "server.log"), "-o", self.options, "-w", "-t", "60", "start"],
                       check=True, capture_output=True, timeout=90)


def _find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres_user() -> list[str]:
    # initdb refuses to run as root; run the server as the package's `postgres` user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        message = ("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: "
                   "install them with `apt-get install -y postgresql` (.ci/run does)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists("postgres")):
        pytest.fail("running as root needs `runuser` and a `postgres` user to start PostgreSQL")

    base = Path(tempfile.mkdtemp(prefix="digestbot-pg-"))  # not under pytest's 0700 root-only dirs
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data, log = base / "data", base / "server.log"
    run_as = _as_postgres_user()
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--locale=C", "--no-sync"],
                   check=True, capture_output=True, timeout=120)
    port = None
    for _attempt in range(3):  # a free port can be taken between choosing and binding it
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={base} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        started = subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                  "-o", options, "-w", "-t", "60", "start"],
                                 capture_output=True, text=True, timeout=90)
        if started.returncode == 0:
            break
    else:
        detail = log.read_text(errors="replace") if log.exists() else started.stderr
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start:\n{detail}")
    try:
        yield PostgresServer(bin_dir, port, data, options)
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


_database_numbers = count(1)


@pytest.fixture
def pg_url(postgres) -> Iterator[str]:
    """A new, empty database on the session's server for each test."""
    name = f"digest_{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # survives a restart
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield postgres.url(name)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def engine(pg_url):
    engine = create_store_engine(pg_url)
    yield engine
    engine.dispose()


def an_article(**overrides) -> Article:
    fields = dict(
        key="https://example.org/a", title="Storm hits coast", source="Example Wire",
        published=SEOUL_MORNING, kind=ArticleKind.NEWS,
        sentences=["A storm hit the coast on Monday.", "Thousands lost power."],
        key_points=["A storm hit the coast on Monday."], content_hash="h1", url="https://example.org/a",
        author="Ann Lee", origin="feed:https://example.org/rss",
    )
    fields.update(overrides)
    return Article(**fields)


# --- engine and migrations --------------------------------------------------------------------


def test_engine_for_postgres_pings_before_use(engine):
    assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping is True
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_migrations_upgrade_an_empty_database_to_head(engine):
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD
        assert set(INITIAL_TABLES) <= set(inspect(conn).get_table_names())
        # and the models agree with what the migrations built, on PostgreSQL too
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, Base.metadata) == []
    migrate(engine)  # idempotent


def test_engines_migrating_at_once_all_succeed(pg_url, engine, monkeypatch):
    def no_retry(_seconds: float) -> None:
        raise AssertionError("migrate() had to retry: the advisory lock should serialise it")

    monkeypatch.setattr(migration, "time", SimpleNamespace(sleep=no_retry))
    def start() -> None:
        own = create_store_engine(pg_url)
        try:
            migrate(own)
        finally:
            own.dispose()

    errors = run_together(4, start)
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]


def test_pre_alembic_database_is_adopted_with_its_rows(pg_url, engine):
    # What SqlStore did before migrations: the tables of that release, nothing newer.
    create_initial_tables(engine, INITIAL_TABLES)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, key, url, content_hash, title, source, kind, published,"
            " published_is_fallback, origin, ingested_at) VALUES (1, 'https://example.org/a', NULL, 'h1',"
            " 'Storm hits coast', 'Wire', 'news', '2026-01-05 08:00:00+00', false, '', '2026-01-05 08:00:00+00')"))
    store = SqlStore.from_url(pg_url)
    try:
        assert [a.title for a in store.all_articles()] == ["Storm hits coast"]
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        store.close()


# --- the article store ------------------------------------------------------------------------


def test_store_upserts_updates_and_reads_back_with_timezone(pg_url):
    store = SqlStore.from_url(pg_url)
    try:
        article = an_article()
        assert store.upsert(article) is UpsertOutcome.CREATED
        assert store.upsert(replace(article)) is UpsertOutcome.UNCHANGED
        edited = an_article(content_hash="h2", title="Storm hits coast, thousands without power",
                            sentences=["Edited text."], key_points=["Edited text."])
        assert store.upsert(edited) is UpsertOutcome.UPDATED
        no_url = an_article(key="sha256:h9", url=None, content_hash="h9", title="Untitled wire copy")
        assert store.upsert(no_url) is UpsertOutcome.CREATED
        assert store.upsert(replace(no_url)) is UpsertOutcome.UNCHANGED
        assert store.count() == 2

        stored = {a.key: a for a in store.all_articles()}
        first = stored["https://example.org/a"]
        assert first.title == edited.title
        assert first.sentences == ["Edited text."] and first.key_points == ["Edited text."]
        assert first.author == "Ann Lee" and first.origin == "feed:https://example.org/rss"
        assert first.published == SEOUL_MORNING
        assert first.published.utcoffset() == timedelta(0)
        assert stored["sha256:h9"].url is None
    finally:
        store.close()


def test_datetimes_are_stored_as_utc_aware_timestamps(pg_url):
    store = SqlStore.from_url(pg_url)
    try:
        store.upsert(an_article())
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET TIME ZONE 'America/New_York'")  # the session zone must not matter
            published, ingested = conn.execute(text("SELECT published, ingested_at FROM articles")).one()
            column_types = dict(conn.execute(text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'articles'"
            )).all())
        assert column_types["published"] == "timestamp with time zone"
        assert published.tzinfo is not None and published == SEOUL_MORNING
        assert ingested.tzinfo is not None
        assert abs(datetime.now(timezone.utc) - ingested) < timedelta(minutes=5)
        [article] = store.all_articles()
        assert article.published.tzinfo is not None and article.published == SEOUL_MORNING
    finally:
        store.close()


def test_many_articles_round_trip_in_order(pg_url):
    store = SqlStore.from_url(pg_url)
    try:
        for n in range(20):
            store.upsert(an_article(key=f"k{n}", url=f"https://e.org/{n}", content_hash=f"h{n}",
                                    published=SEOUL_MORNING + timedelta(hours=n)))
        published = [a.published for a in store.all_articles()]
        assert published == sorted(published) and len(published) == 20
    finally:
        store.close()


# --- the delivery ledger: two processes, one database -----------------------------------------


def test_ledger_claim_is_exactly_once_across_two_engines(pg_url):
    engines = [open_database(pg_url) for _ in range(2)]
    try:
        ledgers = [SqlLedger(e) for e in engines]
        now = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
        assert ledgers[0].claim("slack:C1", "2026-01-05T08:00", now) is Claim.FRESH
        assert ledgers[1].claim("slack:C1", "2026-01-05T08:00", now) is None
        assert ledgers[1].status("slack:C1", "2026-01-05T08:00") == "claimed"
        ledgers[0].complete("slack:C1", "2026-01-05T08:00", "msg-1")
        assert ledgers[1].status("slack:C1", "2026-01-05T08:00") == "posted"
        assert ledgers[1].claim("slack:C1", "2026-01-05T08:00", now + timedelta(hours=1)) is None
        assert ledgers[1].mark_missed("slack:C1", "2026-01-05T08:00", now) is False
    finally:
        for e in engines:
            e.dispose()


def test_ledger_claims_racing_from_two_engines_have_one_winner(pg_url):
    engines = [open_database(pg_url) for _ in range(2)]
    try:
        ledgers = [SqlLedger(e) for e in engines]
        now = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
        for period in range(10):
            wins, turns = [], iter([0, 1, 0, 1])

            def claim(period: int = period, wins=wins, turns=turns) -> None:
                ledger = ledgers[next(turns)]
                wins.append(ledger.claim("discord:42", f"p{period}", now) is not None)

            assert run_together(4, claim) == []
            assert sorted(wins) == [False, False, False, True], f"period {period}: {wins}"
    finally:
        for e in engines:
            e.dispose()


def test_stale_claim_is_taken_over_once(pg_url):
    engines = [open_database(pg_url) for _ in range(3)]
    try:
        lease = timedelta(minutes=10)
        crashed, rescuer, late = (SqlLedger(e, lease=lease) for e in engines)
        t0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
        assert crashed.claim("slack:C1", "P", t0)  # ...and the process dies before posting
        assert not rescuer.claim("slack:C1", "P", t0 + timedelta(minutes=5))  # lease still held
        assert rescuer.claim("slack:C1", "P", t0 + timedelta(minutes=11)) is Claim.RECOVER  # stale: taken over
        assert not late.claim("slack:C1", "P", t0 + timedelta(minutes=12))  # the new lease holds
        rescuer.complete("slack:C1", "P", "msg-9")
        assert not late.claim("slack:C1", "P", t0 + timedelta(hours=5))  # posted is final
        assert late.status("slack:C1", "P") == "posted"
    finally:
        for e in engines:
            e.dispose()


# --- the installed command on PostgreSQL ------------------------------------------------------


def test_cli_digest_runs_on_postgres(pg_url):
    env = dict(os.environ, DIGESTBOT_DATABASE_URL=pg_url)
    env.pop("DIGESTBOT_CONFIG", None)
    digestbot = Path(sys.executable).with_name("digestbot")
    for _ in range(2):  # the second run re-ingests the seeds: no duplicates
        result = subprocess.run([str(digestbot), "digest", "--format", "json"], capture_output=True,
                                text=True, cwd=ROOT, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["stories"]
    store = SqlStore.from_url(pg_url)
    try:
        keys = [a.key for a in store.all_articles()]
        assert keys and len(keys) == len(set(keys))
    finally:
        store.close()
