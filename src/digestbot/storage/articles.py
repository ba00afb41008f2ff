"""The article store (`ArticleStore`) on SQLAlchemy.

Re-ingesting the same article (same URL, else same content) updates the stored row instead of
adding a duplicate; the same text from another input is recorded as a copy. New rows are
written with INSERT ... ON CONFLICT, so two processes storing one article never clash.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..domain.models import Article, ArticleKind, InputError, WireCopy
from ..domain.records import UpsertOutcome, Upserted
from .engine import dialect_insert
from .migrate import open_database
from .tables import ArticleRow, CopyRow, KeyPointRow, SentenceRow, fit_column, utc


class SqlStore:
    """ArticleStore on a SQLAlchemy engine."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> SqlStore:
        """The store on a database opened (and migrated) here: for tools and tests; the bot's
        own is built by bootstrap."""
        return cls(open_database(url))

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
            Article(key=r.key, title=r.title, source=r.source, published=utc(r.published),
                    kind=ArticleKind(r.kind), sentences=sentences.get(r.id, []),
                    key_points=points.get(r.id, []), content_hash=r.content_hash, url=r.url,
                    author=r.author, input_id=r.input_id, origin=r.origin,
                    published_is_fallback=r.published_is_fallback, dateline=r.dateline,
                    copies=copies.get(r.id, []))
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
        row.published = utc(article.published)
        row.published_is_fallback = article.published_is_fallback
        row.origin = article.origin
        row.dateline = article.dateline

    @staticmethod
    def _to_article(row: ArticleRow) -> Article:
        return Article(
            key=row.key,
            title=row.title,
            source=row.source,
            published=utc(row.published),
            kind=ArticleKind(row.kind),
            sentences=[s.text for s in row.sentences],
            key_points=[k.text for k in row.key_points],
            content_hash=row.content_hash,
            url=row.url,
            author=row.author,
            input_id=row.input_id,
            origin=row.origin,
            published_is_fallback=row.published_is_fallback,
            dateline=row.dateline,
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
    "input_id", "origin", "published_is_fallback", "dateline"))


def _texts_by_article(session: Session, row_type: type) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    query = select(row_type.article_id, row_type.text).order_by(row_type.article_id, row_type.position)
    for article_id, text_ in session.execute(query):
        texts.setdefault(article_id, []).append(text_)
    return texts


def fit_to_columns(article: Article) -> Article:
    """The article with every field the `articles` and `article_copies` tables limit fitted to
    them, at the one boundary every write passes: an overlong link or source costs a cut, not
    the article (PostgreSQL's StringDataRightTruncation)."""
    columns = ArticleRow.__table__.c
    fitted = {name: fit_column(columns[name], getattr(article, name))
              for name in ("key", "url", "input_id", "source", "author", "dateline")}
    copies = CopyRow.__table__.c
    fitted["copies"] = [WireCopy(fit_column(copies.input_id, c.input_id), fit_column(copies.source, c.source),
                                 fit_column(copies.url, c.url)) for c in article.copies]
    if all(fitted[name] == getattr(article, name) for name in fitted):
        return article
    return dataclasses.replace(article, **fitted)


def _column_values(row: ArticleRow) -> dict:
    return {name: getattr(row, name) for name in _UPSERT_COLUMNS}


_UPSERT_COLUMNS = ("url", "content_hash", "input_id", "title", "source", "author", "kind", "published",
                   "published_is_fallback", "origin", "dateline")


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
