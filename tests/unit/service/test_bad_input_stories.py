"""Bad input for stories, what's new and commands: each gets a sensible answer.

Already covered elsewhere: empty commands, unknown topics and verbs, 201-character arguments
(test_commands), a one-day story's "first coverage" (test_commands, test_novelty), arbitrary
article bodies (test_novelty), an empty digest (test_digest). Here: no date, a future date,
a one-article story through every verb, a topic with no articles yet, a 10,000-character
command, control characters and mentions.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from builders import a_raw_article, a_topic, an_article, corpus_articles
from digestbot.chat.commands import VERBS, render_reply_text
from digestbot.stories.digest import build_digest
from digestbot.domain.models import Reply, Topic
from digestbot.service.digests import DigestService, clean_command
from digestbot.storage.articles import SqlStore

NOW = datetime(2026, 3, 5, 8, tzinfo=timezone.utc)
DAM = a_topic()
WEATHER = Topic("weather", "Weather", ("blizzard", "snowfall"))
TOPICS = [DAM, WEATHER]


def lines(reply: Reply) -> list[str]:
    return [line for s in reply.sections for line in s.lines]


@pytest.fixture
def service(tmp_path):
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'bad.db'}")
    yield DigestService(store, TOPICS)
    store.close()


# --- an article with no date ------------------------------------------------------------------


def test_an_article_without_a_date_is_dated_when_ingested_and_joins_its_story(service):
    arnvik = corpus_articles()
    service.ingest(a_raw_article(a) for a in arnvik)
    undated = an_article("Volunteers from Brekka brought food to families flooded by the Kessel Dam failure.",
                         "The Arnvik valley school gym now shelters 140 residents, volunteers said.",
                         title="Volunteers help Arnvik flood families")
    before = datetime.now(timezone.utc)
    report = service.ingest([a_raw_article(undated, published=None)])
    assert not report.errors
    [stored] = [a for a in service.store.all_articles() if a.title == undated.title]
    assert stored.published_is_fallback and stored.published >= before - timedelta(seconds=1)
    # Dated today, months after the March coverage, but about the same dam failure: it joins
    # that story (a far-off article needs a stronger match, and this one has it).
    story = next(s for s in service.current_digest().stories if undated.title in [a.title for a in s.articles])
    assert story.topic == "arnvik" and story.whats_new
    assert len(lines(service.answer("/arnvik sources"))) == 5
    assert service.answer("/arnvik new").ok and service.answer("/digest").ok


# --- a date in the future ---------------------------------------------------------------------


def _three_stories(extra=()):
    big = [an_article("Floods hit the town of Brin after heavy rain, officials in Brin said.",
                      "The river in Brin rose two metres overnight.", title="Floods hit Brin",
                      source=f"Outlet {i}", published=NOW - timedelta(days=3, hours=i)) for i in range(3)]
    fresh = an_article("Farmers in Tarn protested against new milk prices on Tuesday.",
                       "Tractors blocked the main road into Tarn.", title="Tarn farmers protest",
                       published=NOW - timedelta(hours=2))
    return [*big, fresh, *extra]


def test_a_future_dated_article_does_not_make_every_other_story_look_old():
    future = an_article("A comet will pass close to the planet Oster, astronomers at Vell said.",
                        "The comet was found by the Vell observatory.", title="Comet to pass Oster",
                        published=datetime.now(timezone.utc) + timedelta(days=400))
    without = [s.title for s in build_digest(_three_stories(), []).stories]
    with_future = [s.title for s in build_digest(_three_stories([future]), []).stories if s.title != future.title]
    assert with_future == without == ["Tarn farmers protest", "Floods hit Brin"]
    from digestbot.service.digests import LiveStories

    live = [s.title for s in LiveStories([], _three_stories([future])).digest().stories if s.title != future.title]
    assert live == without


def test_an_article_dated_after_the_digest_time_joins_its_story_as_the_latest_coverage():
    arnvik = corpus_articles()
    ahead = an_article("The Kessel Dam operator Nordhydro will be fined 2 million euros, regulators said.",
                       "Governor Maria Olsen said the fine for the Arnvik valley flood was fair.",
                       title="Nordhydro to be fined over Kessel Dam failure in Arnvik",
                       published=datetime(2026, 3, 9, 12, tzinfo=timezone.utc))
    digest = build_digest([*arnvik, ahead], [DAM], now=NOW)  # NOW is 5 March: 9 March is ahead
    story = digest.stories[0]
    assert story.topic == "arnvik" and ahead in story.articles
    assert any("fined" in i.text for i in story.whats_new)
    from digestbot.chat.commands import answer

    for verb in VERBS:
        assert answer(f"/arnvik {verb}", digest, [DAM]).ok


def test_a_future_dated_article_ingested_by_the_service_is_stored_and_shown(service):
    service.ingest(a_raw_article(a) for a in corpus_articles())
    future = datetime.now(timezone.utc) + timedelta(days=30)
    late = an_article("The Kessel Dam operator Nordhydro will be fined 2 million euros, regulators said.",
                      title="Nordhydro to be fined over Kessel Dam failure in Arnvik", published=future)
    assert not service.ingest([a_raw_article(late)]).errors
    stories = service.current_digest().stories
    assert any(late.title in [a.title for a in s.articles] for s in stories)
    assert len(lines(service.answer("/arnvik sources"))) == 5  # it joined the dam failure story
    for verb in VERBS:
        assert service.answer(f"/arnvik {verb}").ok


# --- a story of one article -------------------------------------------------------------------


def test_a_story_of_one_article_answers_every_verb():
    only = an_article("A blizzard closed the mountain pass at Harn on Friday, police said.",
                      "About 40 drivers spent the night in a school in Harn.",
                      "Snowploughs are expected to reopen the road on Sunday.",
                      title="Blizzard closes Harn pass", published=NOW - timedelta(hours=3))
    digest = build_digest([only], TOPICS, now=NOW)
    [story] = digest.stories
    assert story.topic == "weather" and len(story.articles) == 1
    assert story.whats_new and all(not i.is_update for i in story.whats_new)
    from digestbot.chat.commands import answer

    for verb in VERBS:
        reply = answer(f"/weather {verb}", digest, TOPICS)
        assert reply.ok and lines(reply), verb
    assert lines(answer("/weather sources", digest, TOPICS))[0].startswith("Test Wire, news,")
    assert answer("/weather new", digest, TOPICS).sections[0].heading.startswith("First coverage")


# --- a topic with no articles yet -------------------------------------------------------------


@pytest.mark.parametrize("verb", [*VERBS])
def test_a_topic_with_no_articles_yet_says_so_for_every_verb(service, verb):
    service.ingest(a_raw_article(a) for a in corpus_articles())
    reply = service.answer(f"/weather {verb}")
    if verb == "help":
        assert reply.ok and any(line.startswith("/weather facts") for line in lines(reply))
    else:
        assert reply.title == "Weather" and lines(reply)[0] == "No coverage of /weather yet."
        assert "/digest" in lines(reply)[1]


def test_an_empty_store_answers_every_topic_and_the_digest(service):
    assert lines(service.answer("/digest")) == ["No stories yet."]
    assert lines(service.answer("/arnvik facts"))[0] == "No coverage of /arnvik yet."


# --- a command of 10,000 characters -----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "/arnvik facts " + "x" * 10_000,
    "/arnvik " + "facts " * 1_700,
    "/" + "a" * 10_000 + " facts",
    "/digest " + "y" * 10_000,
    "z" * 10_000,
])
def test_a_command_of_10000_characters_gets_a_short_helpful_reply(service, text):
    service.ingest(a_raw_article(a) for a in corpus_articles())
    reply = service.answer(text)
    assert not reply.ok and len(reply.title) < 80
    rendered = render_reply_text(reply)
    assert len(rendered) < 600 and ("/arnvik" in rendered or "Verbs:" in rendered)


# --- control characters and mentions ----------------------------------------------------------


def test_control_characters_are_dropped_not_echoed(service):
    service.ingest(a_raw_article(a) for a in corpus_articles())
    assert service.answer("/arn\x00vik fa\x07cts") == service.answer("/arnvik facts")
    assert service.answer("/arnvik\nnew\t") == service.answer("/arnvik new")
    for text in ["/arnvik \x1b[2Jgossip\x1b[0m", "/we\u202eather\x00x facts", "\x00\x01\x02", "/arnvik \x7f\x9b"]:
        reply = service.answer(text)
        shown = render_reply_text(reply)
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7f <= ord(ch) < 0xa0 or ch == "\u202e" for ch in shown)
    assert clean_command("a\x00b\u200bc\td") == "abc d"
    assert clean_command(None) == ""


MENTIONS = ["<!channel>", "<!here>", "@everyone", "@here", "<@U123ABC>", "<!subteam^S1>",
            "<@123456789012345678>", "<@&123456789012345678>"]


@pytest.mark.parametrize("mention", MENTIONS)
def test_mentions_in_arguments_get_a_reply_that_pings_nobody(service, mention):
    pytest.importorskip("discord")
    from digestbot.adapters.discord.render import render_reply as discord_reply
    from digestbot.adapters.slack.render import render_reply as slack_reply

    service.ingest(a_raw_article(a) for a in corpus_articles())
    for text in [f"/arnvik facts {mention}", f"/arnvik {mention}", f"/{mention} facts", mention,
                 f"/digest {mention}"]:
        reply = service.answer(text)
        assert reply.title and lines(reply)
        if text.startswith("/arnvik facts"):
            assert reply.ok  # extra arguments to facts are ignored
        slack = str(slack_reply(reply).__dict__)
        assert "<!" not in slack and "<@" not in slack
        discord = discord_reply(reply)
        text_out = str(discord.content or "") + "".join(str(e.to_dict()) for e in (discord.embeds or []))
        assert "@everyone" not in text_out and "@here" not in text_out
        assert "<@1" not in text_out and "<@&1" not in text_out  # Discord's user and role mentions
