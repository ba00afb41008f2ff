"""Article storage through SQLAlchemy: SQLite by default, PostgreSQL for teams.

Re-ingesting the same article (same URL, else same content) updates the stored row
instead of adding a duplicate. Rows that several processes may write at once (articles,
feed states) are written with INSERT ... ON CONFLICT, which both databases have.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    create_engine,
    delete,
    or_,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.engine import Connection, Engine, URL, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..domain.records import (AuditEntry, Delivery, ShownStory, StoredFeed, StoredTopic, Subscription, SubscriptionOptions,
                               UpsertOutcome, Upserted)
from ..domain.models import Article, ArticleKind, Claim, FeedState, InputError, Topic, WireCopy


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


# --- Schema migrations (Alembic, shipped in digestbot.storage.migrations) --------------------------

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


def _as_utc(moment: datetime) -> datetime:
    # SQLite drops the offset; everything is stored and returned in UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


class SqlStore:
    """ArticleStore on a SQLAlchemy engine."""

    def __init__(self, engine: Engine):
        self._engine = engine
        migrate(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> SqlStore:
        return cls(create_store_engine(url))

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def upsert(self, article: Article) -> UpsertOutcome:
        return self.upsert_revision(article)[0]

    def upsert_revision(self, article: Article) -> tuple[UpsertOutcome, Article | None]:
        """Like `upsert`, also giving the stored version an UPDATED article replaced."""
        [done] = self._write([article])
        return done.outcome, done.previous

    def upsert_many(self, articles: list[Article]) -> list[Upserted | InputError]:
        """Store a batch in one transaction, one result per article in order. Re-ingesting an
        article (same URL, else same text and same input) updates it; the same text from
        another input is recorded as a copy of the stored article. When the batch cannot be
        written, each article is tried alone so that one bad article costs only itself (its
        result is then an InputError)."""
        try:
            return list(self._write(articles))
        except (DBAPIError, StaleDataError):
            pass
        results: list[Upserted | InputError] = []
        for article in articles:
            try:
                results += self._write([article])
            except (DBAPIError, StaleDataError) as error:
                cause = getattr(error, "orig", None) or error
                results.append(InputError(f"{article.origin or article.key}: could not be stored "
                                          f"({type(cause).__name__})"))
        return results

    def _write(self, articles: list[Article]) -> list[Upserted]:
        """One transaction, tried again when another process wrote the same rows meanwhile
        (a copy recorded at the same place, text replaced under us): the next try sees its rows."""
        for attempt in range(3):
            try:
                with self._sessions.begin() as session:
                    return self._upsert_in(session, articles)
            except (IntegrityError, StaleDataError):
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _upsert_in(self, session: Session, articles: list[Article]) -> list[Upserted]:
        articles = [fit_to_columns(article) for article in articles]
        known = self._existing_rows(session, articles)
        fresh: dict[ArticleRow, Article] = {}  # rows new to this batch: written last, by _insert_fresh
        results = []
        for article in articles:
            row = known.find(article)
            if row is None:
                row = ArticleRow(key=article.key)  # not added to the session: see _insert_fresh
                self._fill_columns(row, article)
                fresh[row] = article
                results.append(Upserted(UpsertOutcome.CREATED, article))
            else:
                results.append(self._merge_into(row, article, fresh))
            known.add(row)
        session.flush()
        self._insert_fresh(session, fresh)
        return results

    def _merge_into(self, row: ArticleRow, article: Article, fresh: dict[ArticleRow, Article]) -> Upserted:
        same_text = row.content_hash == article.content_hash
        incoming = WireCopy(article.input_id, article.source, article.url)
        found_by_url = bool(article.url) and row.url == article.url
        if same_text and not found_by_url and incoming != WireCopy(row.input_id, row.source, row.url):
            if incoming in _copies_of(row):
                return Upserted(UpsertOutcome.UNCHANGED, self._stored(row, fresh))
            row.copies.append(CopyRow(position=len(row.copies), input_id=incoming.input_id,
                                      source=incoming.source, url=incoming.url))
            return Upserted(UpsertOutcome.COPIED, self._stored(row, fresh))
        if same_text and row.title == article.title:
            return Upserted(UpsertOutcome.UNCHANGED, _with_copies(article, row))
        previous = self._stored(row, fresh)
        if row in fresh:
            self._fill_columns(row, article)
            fresh[row] = article
        else:
            self._fill(row, article)
        return Upserted(UpsertOutcome.UPDATED, _with_copies(article, row), previous)

    def _stored(self, row: ArticleRow, fresh: dict[ArticleRow, Article]) -> Article:
        """The article a row holds now, with its copies."""
        if row in fresh:
            return dataclasses.replace(fresh[row], key=row.key, copies=_copies_of(row))
        return self._to_article(row)

    @staticmethod
    def _insert_fresh(session: Session, fresh: dict[ArticleRow, Article]) -> None:
        """The batch's new articles as bulk statements (not an ORM object a sentence: that was
        most of the time spent storing). Each row is an insert-or-update on its key, so a
        replica that stored the same article meanwhile is updated, not a unique violation;
        the text of such a row is replaced whole."""
        if not fresh:
            return
        now = datetime.now(timezone.utc)
        rows = [{**_column_values(row), "key": row.key, "ingested_at": now} for row in fresh]
        ids = {key: id_ for key, id_ in session.execute(_upsert_on_key(session), rows)}
        for row in fresh:
            row.id = ids[row.key]
        _replace_text(session, fresh)

    def all_articles(self) -> list[Article]:
        """Every stored article, oldest first: four plain queries, whatever the count."""
        with self._sessions() as session:
            rows = session.execute(select(*_ARTICLE_COLUMNS).order_by(ArticleRow.published, ArticleRow.id)).all()
            sentences = _texts_by_article(session, SentenceRow)
            points = _texts_by_article(session, KeyPointRow)
            copies: dict[int, list[WireCopy]] = {}
            for c in session.execute(select(CopyRow).order_by(CopyRow.article_id, CopyRow.position)).scalars():
                copies.setdefault(c.article_id, []).append(WireCopy(c.input_id, c.source, c.url))
        return [
            Article(key=r.key, title=r.title, source=r.source, published=_as_utc(r.published),
                    kind=ArticleKind(r.kind), sentences=sentences.get(r.id, []),
                    key_points=points.get(r.id, []), content_hash=r.content_hash, url=r.url,
                    author=r.author, input_id=r.input_id, origin=r.origin,
                    published_is_fallback=r.published_is_fallback, copies=copies.get(r.id, []))
            for r in rows
        ]

    def count(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count(ArticleRow.id))) or 0

    @staticmethod
    def _existing_rows(session: Session, articles: list[Article]) -> _KnownRows:
        """The stored rows a batch may meet again, by URL, content hash and key: a query or
        three a batch, not one an article."""
        known = _KnownRows()
        for column, wanted in ((ArticleRow.url, lambda: {a.url for a in articles if a.url}),
                               (ArticleRow.content_hash, lambda: {a.content_hash for a in articles}),
                               (ArticleRow.key, lambda: {a.key for a in articles} - known.keys())):
            values = list(wanted())
            for start in range(0, len(values), 500):
                chunk = select(ArticleRow).where(column.in_(values[start:start + 500]))
                for row in session.scalars(chunk.order_by(ArticleRow.id)):
                    known.add(row)
        return known

    @staticmethod
    def _fill(row: ArticleRow, article: Article) -> None:
        """Every column and the text of a stored row, through the ORM (one article)."""
        SqlStore._fill_columns(row, article)
        row.sentences = [SentenceRow(position=i, text=t) for i, t in enumerate(article.sentences)]
        row.key_points = [KeyPointRow(position=i, text=t) for i, t in enumerate(article.key_points)]

    @staticmethod
    def _fill_columns(row: ArticleRow, article: Article) -> None:
        # A row is updated only by an article with its URL (or, without one, by its own input),
        # or by the article its key names: its URL stays the one its key was made from.
        row.url = article.url
        row.content_hash = article.content_hash
        row.input_id = article.input_id
        row.title = article.title
        row.source = article.source
        row.author = article.author
        row.kind = article.kind.value
        row.published = _as_utc(article.published)
        row.published_is_fallback = article.published_is_fallback
        row.origin = article.origin

    @staticmethod
    def _to_article(row: ArticleRow) -> Article:
        return Article(
            key=row.key,
            title=row.title,
            source=row.source,
            published=_as_utc(row.published),
            kind=ArticleKind(row.kind),
            sentences=[s.text for s in row.sentences],
            key_points=[k.text for k in row.key_points],
            content_hash=row.content_hash,
            url=row.url,
            author=row.author,
            input_id=row.input_id,
            origin=row.origin,
            published_is_fallback=row.published_is_fallback,
            copies=_copies_of(row),
        )


class _KnownRows:
    """The rows a batch can update, by URL, content hash and key, as they are now: a row whose
    text this batch changed is no longer found by its old hash (that stale match once moved
    a row to another URL and made the next article with its URL clash with its key)."""

    def __init__(self) -> None:
        self._by_url: dict[str, ArticleRow] = {}
        self._by_hash: dict[str, ArticleRow] = {}
        self._by_key: dict[str, ArticleRow] = {}

    def add(self, row: ArticleRow) -> None:
        """Remember a row, unless an earlier row still holds that URL, text or key."""
        for index, value in ((self._by_url, row.url), (self._by_hash, row.content_hash), (self._by_key, row.key)):
            held = index.get(value)
            if value and (held is None or value not in (held.url, held.content_hash, held.key)):
                index[value] = row

    def keys(self) -> set[str]:
        return set(self._by_key)

    def find(self, article: Article) -> ArticleRow | None:
        row = self._by_url.get(article.url) if article.url else None
        if row is not None and row.url == article.url:
            return row
        row = self._by_hash.get(article.content_hash)
        if row is not None and row.content_hash == article.content_hash:
            return row
        # A row already holds this key with another URL (written before URLs were kept fixed):
        # update it rather than insert a second row with its key.
        return self._by_key.get(article.key)


_ARTICLE_COLUMNS = tuple(ArticleRow.__table__.c[name] for name in (
    "id", "key", "title", "source", "published", "kind", "content_hash", "url", "author",
    "input_id", "origin", "published_is_fallback"))


def _texts_by_article(session: Session, row_type: type) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    query = select(row_type.article_id, row_type.text).order_by(row_type.article_id, row_type.position)
    for article_id, text_ in session.execute(query):
        texts.setdefault(article_id, []).append(text_)
    return texts


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


def fit_to_columns(article: Article) -> Article:
    """The article with every field the `articles` and `article_copies` tables limit fitted to
    them, at the one boundary every write passes: an overlong link or source costs a cut, not
    the article (PostgreSQL's StringDataRightTruncation)."""
    columns = ArticleRow.__table__.c
    fitted = {name: fit_column(columns[name], getattr(article, name))
              for name in ("key", "url", "input_id", "source", "author")}
    copies = CopyRow.__table__.c
    fitted["copies"] = [WireCopy(fit_column(copies.input_id, c.input_id), fit_column(copies.source, c.source),
                                 fit_column(copies.url, c.url)) for c in article.copies]
    if all(fitted[name] == getattr(article, name) for name in fitted):
        return article
    return dataclasses.replace(article, **fitted)


def _column_values(row: ArticleRow) -> dict:
    return {name: getattr(row, name) for name in _UPSERT_COLUMNS}


_UPSERT_COLUMNS = ("url", "content_hash", "input_id", "title", "source", "author", "kind", "published",
                   "published_is_fallback", "origin")


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


def _upsert_on_key(session: Session):
    """INSERT a row, or UPDATE the one with the same key; gives back its (key, id). Executed
    with a list of rows it is one cached statement sent in batches ("insertmanyvalues")."""
    table = ArticleRow.__table__
    statement = dialect_insert(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={name: statement.excluded[name] for name in _UPSERT_COLUMNS},
    )
    return statement.returning(table.c.key, table.c.id)


def _replace_text(session: Session, fresh: dict[ArticleRow, Article]) -> None:
    """Sentences, key points and copies of the new rows, instead of any a replica wrote."""
    ids = [row.id for row in fresh]
    for table in (SentenceRow, KeyPointRow, CopyRow):
        for start in range(0, len(ids), 500):
            session.execute(delete(table).where(table.article_id.in_(ids[start:start + 500])))
    for table, field in ((SentenceRow, "sentences"), (KeyPointRow, "key_points")):
        rows = [{"article_id": row.id, "position": i, "text": text}
                for row, article in fresh.items() for i, text in enumerate(getattr(article, field))]
        if rows:
            session.execute(table.__table__.insert(), rows)
    copies = [{"article_id": row.id, "position": c.position, "input_id": c.input_id, "source": c.source,
               "url": c.url} for row in fresh for c in row.copies]
    if copies:
        session.execute(CopyRow.__table__.insert(), copies)


def _copies_of(row: ArticleRow) -> list[WireCopy]:
    return [WireCopy(c.input_id, c.source, c.url) for c in row.copies]


def _with_copies(article: Article, row: ArticleRow) -> Article:
    return dataclasses.replace(article, copies=_copies_of(row)) if row.copies else article


# --- The delivery ledger: exactly-once scheduled digests -----------------------------------


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


class SqlLedger:
    """The scheduling Ledger on the database every process shares; the primary key decides."""

    def __init__(self, engine: Engine, lease: timedelta = timedelta(minutes=10)):
        self._engine = engine
        migrate(engine)
        self._sessions = sessionmaker(engine)
        self._lease = lease

    def claim(self, destination: str, period: str, now: datetime) -> Claim | None:
        now = _as_utc(now)
        if self._insert(destination, period, "claimed", now):
            return Claim.FRESH
        stale = now - self._lease
        with self._sessions.begin() as session:
            taken = session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    or_(
                        DeliveryRow.status == "interrupted",
                        and_(DeliveryRow.status == "claimed", DeliveryRow.claimed_at < stale),
                    ),
                )
                .values(status="claimed", claimed_at=now)
            )
            return Claim.RECOVER if taken.rowcount == 1 else None

    def interrupt(self, destination: str, period: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    DeliveryRow.status == "claimed",
                )
                .values(status="interrupted")
            )

    def complete(self, destination: str, period: str, message_id: str | None) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.destination == destination, DeliveryRow.period == period)
                .values(status="posted", completed_at=datetime.now(timezone.utc), message_id=message_id)
            )

    def skip(self, destination: str, period: str) -> None:
        """The period was decided not worth a post (nothing new): done, with no message."""
        with self._sessions.begin() as session:
            session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.destination == destination, DeliveryRow.period == period)
                .values(status="skipped", completed_at=datetime.now(timezone.utc))
            )

    def release(self, destination: str, period: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                delete(DeliveryRow).where(
                    DeliveryRow.destination == destination,
                    DeliveryRow.period == period,
                    DeliveryRow.status == "claimed",
                )
            )

    def mark_missed(self, destination: str, period: str, now: datetime) -> bool:
        return self._insert(destination, period, "missed", _as_utc(now))

    def started(self, destination: str, now: datetime) -> datetime:
        """When `destination` was first scheduled: recorded as `now` the first time it is asked
        (the first process to ask wins), the recorded time after that."""
        recorded = self._start_of(destination)
        if recorded is not None:
            return recorded
        try:
            with self._sessions.begin() as session:
                session.add(LedgerStartRow(destination=destination, started_at=_as_utc(now)))
            return _as_utc(now)
        except IntegrityError:  # another process recorded it first
            return self._start_of(destination)

    def _start_of(self, destination: str) -> datetime | None:
        with self._sessions() as session:
            row = session.get(LedgerStartRow, destination)
            return _as_utc(row.started_at) if row is not None else None

    def recent(self, platform: str, channel: str, limit: int = 3) -> list[Delivery]:
        """The channel's latest ledger rows, newest first (every schedule of the channel)."""
        base = f"{platform}:{channel}"
        with self._sessions() as session:
            rows = session.scalars(
                select(DeliveryRow)
                .where(or_(DeliveryRow.destination == base, DeliveryRow.destination.startswith(base + " [")))
                .order_by(DeliveryRow.claimed_at.desc()).limit(limit)
            ).all()
        return [Delivery(r.destination, r.period, r.status, _as_utc(r.completed_at or r.claimed_at)) for r in rows]

    def status(self, destination: str, period: str) -> str | None:
        with self._sessions() as session:
            row = session.get(DeliveryRow, (destination, period))
            return row.status if row else None

    def _insert(self, destination: str, period: str, status: str, now: datetime) -> bool:
        try:
            with self._sessions.begin() as session:
                session.add(DeliveryRow(destination=destination, period=period, status=status, claimed_at=now))
            return True
        except IntegrityError:
            return False


# --- Feed polling state ---------------------------------------------------------------------


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


_FEED_FIELDS = ("etag", "last_modified", "failures", "next_due", "last_success", "last_error", "items_seen",
                "body_hash")


class SqlFeedStates:
    """The polling module's FeedStateStore in the shared database."""

    def __init__(self, engine: Engine):
        migrate(engine)
        self._sessions = sessionmaker(engine)

    def load(self, url: str) -> FeedState:
        with self._sessions() as session:
            row = session.get(FeedStateRow, _feed_key(url))
            if row is None:
                return FeedState(url)
            values = {name: getattr(row, name) for name in _FEED_FIELDS}
            for name in ("next_due", "last_success"):
                if values[name] is not None:
                    values[name] = _as_utc(values[name])
            return FeedState(url, **values)

    def save(self, state: FeedState) -> None:
        columns = FeedStateRow.__table__.c
        values = {}
        for name in _FEED_FIELDS:
            value = getattr(state, name)
            values[name] = _as_utc(value) if isinstance(value, datetime) else \
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


# --- Per-destination memory: what each destination was already told -----------------------


class PostedItemRow(Base):
    __tablename__ = "posted_items"

    destination: Mapped[str] = mapped_column(String(300), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SqlPostedItems:
    """The what's-new items (by `novelty.item_fingerprint`) each destination has been shown."""

    def __init__(self, engine: Engine):
        migrate(engine)
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
                        PostedItemRow(destination=destination, fingerprint=f, posted_at=_as_utc(now))
                        for f in sorted(missing)
                    )
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not record posted items for {destination}")


class StoryPostRow(Base):
    """Where a channel was shown an article's story: the thread later developments go to,
    and when the breaking lane last posted about it."""

    __tablename__ = "story_posts"

    memory: Mapped[str] = mapped_column(String(300), primary_key=True)  # the channel, `platform:channel`
    article_key: Mapped[str] = mapped_column(String(600), primary_key=True)
    message: Mapped[str | None] = mapped_column(String(300))  # the message that showed it (thread anchor)
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    breaking_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SqlStoryPosts:
    """Per channel and article: the message that first showed its story, and the last
    breaking post about it. Keyed by article (story keys change as stories grow)."""

    def __init__(self, engine: Engine):
        migrate(engine)
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
            anchor=min(anchored, key=lambda r: (_as_utc(r.shown_at), r.message)).message if anchored else None,
            last_breaking=max((_as_utc(r.breaking_at) for r in rows if r.breaking_at), default=None),
        )

    def anchor(self, memory: str, article_keys) -> str | None:
        return self.view(memory, article_keys).anchor

    def record(self, memory: str, article_keys, message: str | None, now: datetime, *, breaking: bool = False) -> None:
        """Remember that these articles were shown in `message` (the first showing stays the
        anchor); `breaking` also stamps the breaking lane's time."""
        now = _as_utc(now)
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


# --- Management: subscriptions, topics and feeds set from chat, and the audit log -----------
#
# One source of truth: the configuration file seeds these tables once (`seed`), after that
# the database wins. Chat commands change them through `digestbot.service.management`.


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


def seed_key(kind: str, entry: dict | Topic) -> tuple[str, str]:
    """How `config_seeds` names a topic (its name), a feed (its URL) or a subscription
    (platform, channel and topic)."""
    if kind == "topic":
        return kind, entry.name if isinstance(entry, Topic) else entry["name"]
    if kind == "feed":
        return kind, entry["url"]
    return kind, f"{entry['platform']} {entry['channel']} {entry['topic']}"


def _options_json(options: SubscriptionOptions) -> str | None:
    """Stored as JSON; the defaults as NULL."""
    return json.dumps(options.as_dict()) if options != SubscriptionOptions() else None


class SqlManagementStore:
    """Subscriptions, topics, feeds and the audit log in the shared database.

    Every change and its audit entry are written in one transaction.
    """

    def __init__(self, engine: Engine):
        migrate(engine)
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
        now = _as_utc(now)
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
            return [AuditEntry(_as_utc(r.at), r.platform, r.channel, r.actor, r.action, r.summary,
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
                                      created_at=_as_utc(audit.at), created_by=audit.user)
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
        """Remove the channel's subscription to `topic` (every one when None); what was removed."""
        with self._sessions.begin() as session:
            query = select(SubscriptionRow).where(SubscriptionRow.platform == platform,
                                                  SubscriptionRow.channel == channel)
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
                                     origin="chat", created_at=_as_utc(audit.at), created_by=audit.user))
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
                row = FeedRow(url=url, every=every, topic=topic, origin="chat", created_at=_as_utc(audit.at),
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
            at=_as_utc(entry.at), platform=entry.platform, channel=entry.channel, actor=entry.user,
            action=entry.action, summary=entry.summary,
            before=json.dumps(before, ensure_ascii=False) if before is not None else None,
            after=json.dumps(after, ensure_ascii=False) if after is not None else None,
        ))

    @staticmethod
    def _subscription(row: SubscriptionRow) -> Subscription:
        return Subscription(row.id, row.platform, row.channel, row.topic, row.cron, row.timezone, row.created_by,
                            _as_utc(row.created_at) if row.created_at else None,
                            SubscriptionOptions.from_dict(json.loads(row.options) if row.options else None))


class SeenRequestRow(Base):
    """A signed platform request already handled (a digest of its signature), kept while its
    timestamp would still be accepted."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SqlSeenRequests:
    """Which signed requests were handled within `window`, shared by restarts and replicas:
    the database's primary key decides, so two processes never both take one request."""

    def __init__(self, engine: Engine, window: timedelta = timedelta(minutes=5)):
        migrate(engine)
        self._sessions = sessionmaker(engine)
        self.window = window

    def first_time(self, key: str, now: datetime) -> bool:
        """Record `key`; False when it was already recorded (a replay). Rows past the window
        are pruned on the way (a request that old is refused by its timestamp anyway)."""
        now = _as_utc(now)
        try:
            with self._sessions.begin() as session:
                session.execute(delete(SeenRequestRow).where(SeenRequestRow.seen_at < now - self.window))
                session.add(SeenRequestRow(key=key, seen_at=now))
            return True
        except IntegrityError:
            return False
