"""The in-memory twins in `tests/fakes.py` behave as the ports' real implementations do on what
the tests rely on, so a test written against a twin says something about the real thing."""

import pytest

from builders import a_topic, an_article, corpus_raw
from digestbot.domain.models import FeedState
from digestbot.service.digests import DigestService
from digestbot.storage.articles import SqlStore
from digestbot.storage.feed_states import SqlFeedStates
from digestbot.domain.records import UpsertOutcome
from fakes import InMemoryArticleStore, InMemoryFeedStates


@pytest.fixture(params=["sql", "memory"])
def articles(request, tmp_path):
    if request.param == "memory":
        yield InMemoryArticleStore()
        return
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'twin.db'}")
    yield store
    store.close()


def test_an_article_is_created_once_and_updated_when_its_text_changes(articles):
    first = an_article("The Kessel Dam failed on Monday.", key="d1", url="https://example.org/dam", days=1)
    older = an_article("Engineers warned about the dam last year.", key="d0", days=0)
    assert [r.outcome for r in articles.upsert_many([first, older])] == [UpsertOutcome.CREATED] * 2
    assert articles.upsert(first) is UpsertOutcome.UNCHANGED
    revised = an_article("The Kessel Dam failed on Monday; twelve died.", key="d1", url="https://example.org/dam",
                         days=1)
    [done] = articles.upsert_many([revised])
    assert done.outcome is UpsertOutcome.UPDATED and done.previous.sentences == first.sentences
    assert articles.count() == 2
    assert [(a.key, a.sentences) for a in articles.all_articles()] == [("d0", older.sentences),
                                                                        ("d1", revised.sentences)]


def test_the_service_runs_on_the_in_memory_store():
    store = InMemoryArticleStore()
    service = DigestService(store, [a_topic()])
    service.ingest(corpus_raw("arnvik-1", "arnvik-2"))
    assert store.count() == 2
    assert [len(s.articles) for s in service.current_digest().stories] == [2]


@pytest.fixture(params=["sql", "memory"])
def feed_states(request, tmp_path):
    if request.param == "memory":
        return InMemoryFeedStates()
    return SqlFeedStates(SqlStore.from_url(f"sqlite:///{tmp_path / 'twin.db'}").engine)


def test_feed_state_is_saved_and_loaded(feed_states):
    url = "https://example.org/rss.xml"
    assert feed_states.load(url) == FeedState(url)
    feed_states.save(FeedState(url, etag='"v1"', failures=2))
    assert feed_states.load(url).etag == '"v1"' and feed_states.load(url).failures == 2
