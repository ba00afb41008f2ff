from datetime import datetime, timezone


from builders import a_topic, an_article, corpus_articles  # noqa: E402
from digestbot.stories.digest import build_digest  # noqa: E402

NOW = datetime(2026, 3, 5, 8, tzinfo=timezone.utc)


def test_digest_clusters_fills_and_ranks_followed_topic_first():
    d = build_digest(corpus_articles(), [a_topic()], now=NOW)
    assert d.generated_at == NOW and d.since is None
    assert [s.topic for s in d.stories] == ["arnvik", None]
    top = d.stories[0]
    assert top.whats_new and top.facts
    assert top.score > d.stories[1].score


def test_without_topics_bigger_and_newer_story_ranks_first():
    d = build_digest(corpus_articles(), [], now=NOW)
    assert len(d.stories[0].articles) == 4


def test_newer_story_outranks_older_one_of_same_size():
    old = an_article("Floods hit the town of Brin after heavy rain on Monday.", days=-20)
    new = an_article("Farmers in Tarn protested against new milk prices on Tuesday.", days=0)
    d = build_digest([old, new], [], now=NOW)
    assert d.stories[0].articles[0].key == new.key


def test_since_is_passed_to_whats_new_and_max_stories_caps():
    since = datetime(2026, 3, 3, 12, tzinfo=timezone.utc)
    d = build_digest(corpus_articles(), [a_topic()], since=since, now=NOW, max_stories=1)
    assert d.since == since and len(d.stories) == 1
    texts = " ".join(i.text for i in d.stories[0].whats_new)
    assert "spillway" in texts  # day 2 counts as new when since is day 2 noon


def test_empty_input_gives_empty_digest():
    d = build_digest([], [a_topic()], now=NOW)
    assert d.stories == []
