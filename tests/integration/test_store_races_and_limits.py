"""The article and feed-state store under replicas, stale matches and overlong fields (issue 14,
items 3 and 12), on SQLite files and on the real PostgreSQL server `test_postgres` starts."""

from __future__ import annotations

import queue
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from concurrency import run_together
from digestbot.domain.models import FeedState, InputError, RawArticle
from digestbot.pipeline import process_article
from digestbot.domain.records import UpsertOutcome
from digestbot.storage.articles import SqlStore
from digestbot.storage.engine import create_store_engine
from digestbot.storage.feed_states import SqlFeedStates
from digestbot.storage.migrate import migrate, open_database
from digestbot.storage.tables import ArticleRow, SentenceRow
from test_postgres import pg_url, postgres  # noqa: F401 - the fixtures, shared with that module

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
FIRST = "The harbour bridge reopened on Tuesday after repairs. Traffic returned to normal by the evening."
CORRECTED = "The harbour bridge reopened on Wednesday after repairs. Traffic returned to normal by night."
REPLICAS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


def an_article(text: str = FIRST, url: str | None = "https://example.org/bridge", **fields):
    raw = RawArticle(text=text, origin=url or "wire", url=url, source=fields.pop("source", "Example Wire"),
                     published=NOW, **fields)
    return process_article(raw, now=NOW).article


def replica_stores(url: str, count: int = REPLICAS) -> queue.Queue:
    """One store a replica, each on its own engine, handed out to the racing threads."""
    migrate(url)
    stores: queue.Queue = queue.Queue()
    for _ in range(count):
        stores.put(SqlStore(create_store_engine(url)))
    return stores


def rows_in(url: str, row_type) -> int:
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(row_type)).scalar_one()
    finally:
        engine.dispose()


def test_replicas_storing_the_same_articles_on_an_empty_database_all_succeed(db_url):
    stores = replica_stores(db_url)
    expected_sentences = 0
    for round_ in range(3):  # the race is a matter of timing: run it a few times
        single, *batch = [an_article(f"{FIRST} Crew {n} finished round {round_}.",
                                     f"https://example.org/{round_}/{n}") for n in range(31)]
        expected_sentences += sum(len(a.sentences) for a in [single, *batch])
        results: list = []

        def replica() -> None:
            store = stores.get()
            try:
                results.append(store.upsert(single))  # the single-article path ...
                results.extend(store.upsert_many(batch))  # ... and the batch path
            finally:
                stores.put(store)

        assert run_together(REPLICAS, replica) == []
        assert not [r for r in results if isinstance(r, InputError)]
    assert rows_in(db_url, ArticleRow) == 3 * 31  # one row an article
    assert rows_in(db_url, SentenceRow) == expected_sentences  # and its sentences once


def test_replicas_saving_the_same_feed_state_all_succeed(db_url):
    migrate(db_url)
    states: queue.Queue = queue.Queue()
    for _ in range(REPLICAS):
        states.put(SqlFeedStates(open_database(db_url)))
    for n in range(5):
        feed = FeedState(f"https://example.org/feed-{n}.xml", failures=0, items_seen=3, last_success=NOW)

        def replica() -> None:
            store = states.get()
            try:
                store.save(feed)
                store.set_notified_down(feed.url, True)
            finally:
                states.put(store)

        assert run_together(REPLICAS, replica) == []
        reopened = SqlFeedStates(open_database(db_url))
        assert reopened.load(feed.url) == feed and reopened.notified_down(feed.url)


def test_a_row_found_by_its_old_text_keeps_its_link_and_key(db_url):
    """A corrected article, then another outlet's copy of the first version without a link: the
    copy once matched the corrected row by its old text, moved it off its URL, and the next
    article with that URL clashed with its key (`UNIQUE constraint failed: articles.key`)."""
    store = SqlStore.from_url(db_url)
    first = store.upsert_many([an_article(FIRST), an_article(CORRECTED), an_article(FIRST, None, source="Other")])
    again = store.upsert_many([an_article(CORRECTED)])
    assert [getattr(r, "outcome", r) for r in first + again] == [
        UpsertOutcome.CREATED, UpsertOutcome.UPDATED, UpsertOutcome.CREATED, UpsertOutcome.UNCHANGED]
    stored = {a.key: a for a in store.all_articles()}
    assert stored["https://example.org/bridge"].url == "https://example.org/bridge"
    assert stored["https://example.org/bridge"].sentences[0].startswith("The harbour bridge reopened on Wednesday")
    assert [a.source for a in stored.values() if a.url is None] == ["Other"]


def test_overlong_links_sources_and_ids_are_fitted_at_the_store(db_url):
    """PostgreSQL refuses a link over 600 characters as a key (StringDataRightTruncation);
    SQLite keeps anything. Both now store the same fitted values, and long links that share
    their beginning stay two articles."""
    store = SqlStore.from_url(db_url)
    long_link = "https://example.org/" + "a" * 2100
    other_link = long_link[:-1] + "b"
    articles = [an_article(FIRST, long_link, title="Bridge", author="A. Writer " * 40, input_id="i" * 700),
                an_article(CORRECTED, other_link, source="Harbour News " * 30)]
    results = store.upsert_many(articles)
    assert [getattr(r, "outcome", r) for r in results] == [UpsertOutcome.CREATED] * 2
    stored = store.all_articles()
    assert len({a.key for a in stored}) == 2 and len({a.url for a in stored}) == 2
    assert all(len(a.key) <= 600 and len(a.url) <= 2000 and len(a.source) <= 300 for a in stored)
    assert {a.key for a in stored} == {r.article.key for r in results}  # what the caller was told
    assert [getattr(r, "outcome", r) for r in store.upsert_many(articles)] == [UpsertOutcome.UNCHANGED] * 2


def test_an_overlong_etag_is_stored_as_a_digest(db_url):
    states = SqlFeedStates(open_database(db_url))
    feed = FeedState("https://example.org/" + "f" * 2100, etag='"' + "e" * 900 + '"',
                     last_modified="x" * 300, failures=0, items_seen=1, next_due=NOW + timedelta(minutes=15))
    states.save(feed)
    loaded = states.load(feed.url)
    assert loaded.url == feed.url and loaded.next_due == feed.next_due
    assert len(loaded.etag) <= 500 and loaded.etag != feed.etag and len(loaded.last_modified) <= 100
