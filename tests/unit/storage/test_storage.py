from dataclasses import replace
from datetime import datetime, timezone

import pytest

from digestbot.domain.models import Article, ArticleKind
from digestbot.storage.articles import SqlStore
from digestbot.domain.records import UpsertOutcome


def an_article(**overrides) -> Article:
    fields = dict(
        key="https://example.org/a",
        title="Storm hits coast",
        source="Example Wire",
        published=datetime(2026, 1, 5, 8, tzinfo=timezone.utc),
        kind=ArticleKind.NEWS,
        sentences=["A storm hit the coast on Monday.", "Thousands lost power."],
        key_points=["A storm hit the coast on Monday."],
        content_hash="h1",
        url="https://example.org/a",
    )
    fields.update(overrides)
    return Article(**fields)


@pytest.fixture
def store(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'nested' / 'store.db'}")
    yield store
    store.close()


def test_new_article_is_created_and_read_back_whole(store):
    article = an_article()
    assert store.upsert(article) is UpsertOutcome.CREATED
    [stored] = store.all_articles()
    assert stored.sentences == article.sentences
    assert stored.key_points == article.key_points
    assert stored.published == article.published
    assert stored.kind is ArticleKind.NEWS


def test_a_wire_dateline_is_stored_with_its_article(store):
    store.upsert(an_article(dateline="HARBOUR TOWN, March 4 (Xinhua)"))
    store.upsert(an_article(key="b", url="https://example.org/b", content_hash="h2"))
    assert [a.dateline for a in store.all_articles()] == ["HARBOUR TOWN, March 4 (Xinhua)", None]
    _, replaced = store.upsert_revision(an_article(sentences=["The storm moved north."], content_hash="h3"))
    assert replaced.dateline == "HARBOUR TOWN, March 4 (Xinhua)"


def test_same_url_updates_instead_of_duplicating(store):
    store.upsert(an_article())
    edited = an_article(content_hash="h2", sentences=["Edited text."], key_points=["Edited text."])
    assert store.upsert(edited) is UpsertOutcome.UPDATED
    assert store.count() == 1
    assert store.all_articles()[0].sentences == ["Edited text."]


def test_same_content_without_url_is_one_article(store):
    first = an_article(url=None, key="sha256:h1")
    assert store.upsert(first) is UpsertOutcome.CREATED
    assert store.upsert(replace(first)) is UpsertOutcome.UNCHANGED
    assert store.count() == 1


def test_different_articles_are_kept_apart(store):
    store.upsert(an_article())
    store.upsert(an_article(key="https://example.org/b", url="https://example.org/b", content_hash="h9"))
    assert store.count() == 2


def test_timezone_is_kept_as_utc(store):
    seoul = datetime.fromisoformat("2026-01-05T12:00:00+09:00")
    store.upsert(an_article(published=seoul))
    assert store.all_articles()[0].published == seoul
    assert store.all_articles()[0].published.tzinfo is not None


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'wal.db'}")
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_an_edited_article_gives_back_the_version_it_replaced(store):
    store.upsert(an_article())
    edited = an_article(sentences=["A storm hit the coast on Monday.", "Two people died."], content_hash="h2")
    outcome, previous = store.upsert_revision(edited)
    assert outcome is UpsertOutcome.UPDATED and previous.sentences == ["A storm hit the coast on Monday.",
                                                                       "Thousands lost power."]
    assert store.upsert_revision(edited) == (UpsertOutcome.UNCHANGED, None)


def test_story_posts_keep_the_first_showing_as_the_thread_and_stamp_breaking_posts(store):
    from digestbot.storage.channel_memory import SqlStoryPosts

    posts = SqlStoryPosts(store.engine)
    monday, tuesday = datetime(2026, 1, 5, 8, tzinfo=timezone.utc), datetime(2026, 1, 6, 8, tzinfo=timezone.utc)
    posts.record("slack:C1", ["a", "b"], "111.1", monday)
    posts.record("slack:C1", ["b", "c"], "222.2", tuesday)  # b keeps its thread; c joins the later one
    assert posts.anchor("slack:C1", ["b", "c"]) == "111.1"
    assert posts.anchor("slack:C1", ["c"]) == "222.2"
    assert posts.anchor("slack:C2", ["a"]) is None  # per channel
    assert posts.view("slack:C1", ["a"]).last_breaking is None
    posts.record("slack:C1", ["a", "d"], "111.1", tuesday, breaking=True)
    assert posts.view("slack:C1", ["a", "b"]).last_breaking == tuesday


def test_an_overlong_dateline_is_fitted_to_its_column(store):
    store.upsert(an_article(dateline="HARBOUR TOWN " * 40))
    [stored] = store.all_articles()
    assert len(stored.dateline) == 300 and stored.dateline.endswith("\u2026")
