"""The service keeps live stories: seeded once, then one article at a time, one story refilled."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import digestbot.service.digests as service_module
from builders import a_raw_article, a_topic, corpus_article, corpus_articles
from digestbot.chat.commands import answer
from digestbot.stories.digest import build_digest
from digestbot.domain.models import RawArticle
from digestbot.service.digests import DigestService, LiveStories
from digestbot.storage.articles import SqlStore

TOPICS = [a_topic()]


def shape(digest) -> list[tuple[frozenset, tuple[str, ...]]]:
    """Stories as (article keys, what's new texts), order-independent."""
    return sorted(
        ((frozenset(a.key for a in s.articles), tuple(i.text for i in s.whats_new)) for s in digest.stories),
        key=lambda x: sorted(x[0]),
    )


@pytest.fixture
def store(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'live.db'}")
    yield store
    store.close()


def test_live_stories_added_one_by_one_match_the_batch_digest():
    articles = corpus_articles()
    live = LiveStories(TOPICS)
    for a in sorted(articles, key=lambda a: (a.published, a.key)):
        live.add(a)
    assert shape(live.digest()) == shape(build_digest(articles, TOPICS))
    assert [s.topic for s in live.digest().stories] == ["arnvik", None]
    assert len(live) == 5


def test_adding_an_article_refills_only_the_story_it_joined(monkeypatch):
    live = LiveStories(TOPICS, [a for a in corpus_articles() if a.key != "arnvik-3"])
    filled = []
    real = service_module.fill_story
    monkeypatch.setattr(service_module, "fill_story", lambda story: filled.append(story.key) or real(story))
    key = live.add(corpus_article("arnvik-3"))
    live.refresh()
    assert filled == [key]
    story = next(s for s in live.digest().stories if s.key == key)
    assert any("17" in i.text for i in story.whats_new)
    live.add(corpus_article("arnvik-3"))  # already known: nothing to do
    live.refresh()
    assert filled == [key]


def test_ingest_feeds_the_live_stories_without_reading_the_store_again(store):
    service = DigestService(store, TOPICS)
    early = [a for a in corpus_articles() if a.key != "arnvik-3"]
    service.ingest(a_raw_article(a) for a in early)
    before = service.answer("/arnvik new")
    assert not any("17" in line for s in before.sections for line in s.lines)

    def no_full_read():
        raise AssertionError("the whole store was read again")

    store.all_articles = no_full_read
    service.ingest([a_raw_article(corpus_article("arnvik-3"))])
    after = service.answer("/arnvik new")
    assert any("17" in line for s in after.sections for line in s.lines)
    assert service.answer("/arnvik facts").ok and service.answer("/digest").ok


def test_topic_answers_from_the_topic_view_equal_answers_from_the_whole_digest(store):
    service = DigestService(store, TOPICS)
    service.ingest(a_raw_article(a) for a in corpus_articles())
    whole = service.current_digest()
    for command in ["/arnvik facts", "/ARNVIK new", "arnvik sources public", "/arnvik", "/digest",
                    "/nothing facts", "", "/arnvik timeline"]:
        assert service.answer(command) == answer(command, whole, TOPICS), command


def test_articles_written_by_another_process_are_picked_up(store, tmp_path):
    service = DigestService(store, TOPICS)
    service.ingest(a_raw_article(a) for a in corpus_articles() if a.key != "arnvik-3")
    service.answer("/arnvik new")
    other = DigestService(SqlStore.from_url(f"sqlite:///{tmp_path / 'live.db'}"), TOPICS)
    other.ingest([a_raw_article(corpus_article("arnvik-3"))])
    service.DIGEST_MAX_AGE = 0.0  # the periodic count check is due
    lines = [line for s in service.answer("/arnvik new").sections for line in s.lines]
    assert any("17" in line for line in lines)
    other.store.close()


def test_a_corrected_article_is_read_again(store):
    service = DigestService(store, TOPICS)
    service.ingest(a_raw_article(a) for a in corpus_articles())
    service.current_digest()
    rates = corpus_article("valdoria-rates")
    corrected = a_raw_article(rates, text=" ".join(rates.sentences).replace("3.5 percent", "3.75 percent"),
                    title="Valdorian central bank raises interest rate to 3.75 percent")
    service.ingest([corrected])
    story = next(s for s in service.current_digest().stories if s.topic is None)
    assert "3.75" in story.title and "3.75" in " ".join(story.articles[0].sentences)


def test_published_times_are_kept_in_utc_as_the_store_returns_them(store):
    service = DigestService(store, TOPICS)
    service.current_digest()  # live stories exist before the ingest
    service.ingest(a_raw_article(a) for a in corpus_articles())
    for story in service.current_digest().stories:
        assert all(a.published.utcoffset().total_seconds() == 0 for a in story.articles)
    fresh = DigestService(store, TOPICS)
    assert shape(fresh.current_digest()) == shape(service.current_digest())


def test_an_empty_store_gives_an_empty_digest(store):
    service = DigestService(store, TOPICS)
    assert service.current_digest().stories == []
    reply = service.answer("/arnvik facts")
    assert "No coverage of /arnvik yet." in reply.sections[0].lines
    assert datetime.now(timezone.utc) >= service.current_digest().generated_at


def test_a_story_that_becomes_a_topic_story_moves_into_the_topic_view():
    from builders import an_article

    first = an_article("A dam in the north failed on Monday, flooding three villages.",
                       "Rescue teams reached the flooded villages by evening.", title="Dam fails", days=0)
    live = LiveStories(TOPICS, [first])
    assert live.topic_view("arnvik").stories == []
    assert live.digest_for_command("/arnvik facts") is live.topic_view("arnvik")
    second = an_article("Rescue teams searched the flooded villages below the Kessel Dam on Tuesday.",
                        "The dam failed on Monday and flooded three villages.", title="Search goes on", days=1)
    assert live.add(second) == live.clusterer.story_key_of(first.key)
    [story] = live.topic_view("arnvik").stories
    assert story.topic == "arnvik" and len(story.articles) == 2
    assert live.digest_for_command("/digest").stories == [story]


def test_replies_are_reused_until_the_stories_change(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'replies.db'}")
    service = DigestService(store, [a_topic("storm", "Storm", ("storm",))])
    text = "A storm hit the coast on Monday. Thousands of homes lost power. Shelters opened in two towns."
    service.ingest([RawArticle(text=text, origin="a", title="Storm hits coast", source="Wire")])
    first = service.answer("/storm facts")
    assert service.answer("/storm facts") is first
    more = "The storm killed three people on Tuesday. Power returned to most homes. Schools reopened."
    service.ingest([RawArticle(text=more, origin="b", title="Storm toll rises", source="Times")])
    assert service.answer("/storm facts") is not first
    store.close()


def test_a_digest_handed_out_keeps_its_scores_when_a_newer_article_moves_the_clock():
    live = LiveStories(TOPICS, [a for a in corpus_articles() if a.key != "arnvik-3"])
    first = live.digest()
    scores = {s.key: s.score for s in first.stories}
    live.add(corpus_article("arnvik-3"))  # the newest article: recency is measured from it now
    second = live.digest()
    other = next(s.key for s in second.stories if s.topic is None)
    assert {s.key: s.score for s in second.stories}[other] != scores[other]  # re-ranked...
    assert {s.key: s.score for s in first.stories} == scores  # ...in its own copies, not in first's
