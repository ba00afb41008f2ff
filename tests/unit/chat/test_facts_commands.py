"""`/TOPIC why`: every fact beside the sentence that states it; facts open with what happened; a topic's
answers read all of its stories."""

import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import a_topic, an_article, corpus_articles  # noqa: E402
from digestbot.chat.commands import answer  # noqa: E402
from digestbot.domain.models import Digest, Story  # noqa: E402
from digestbot.stories.digest import build_digest, fill_story  # noqa: E402

TOPICS = [a_topic()]


def _digest():
    return build_digest(corpus_articles(), TOPICS, now=datetime(2026, 3, 5, tzinfo=timezone.utc))


def test_why_shows_each_fact_with_its_sentence():
    reply = answer("/arnvik why", _digest(), TOPICS)
    lines = [line for s in reply.sections for line in s.lines]
    assert reply.title.endswith(": why")
    workers = next(line for line in lines if line.startswith("Around 300 rescue workers"))
    assert '"Around 300 rescue workers were deployed to the valley by Monday evening."' in workers


def test_facts_open_with_what_happened_and_count_outlets():
    reply = answer("/arnvik facts", _digest(), TOPICS)
    assert reply.sections[0].heading is None
    assert reply.sections[0].lines[0].startswith("What happened: ")
    toll = next(line for s in reply.sections for line in s.lines if "17 dead" in line)
    assert toll.startswith("Update: 17 dead")


def _split_topic() -> Digest:
    """One topic the clusterer split in two: the failure, and the mayor's resignation days later."""
    failure = [an_article("The Kessel Dam failed on Monday, flooding the town of Arnvik.", source=src, days=0)
               for src in ("North Wire", "Valley Post")]
    resignation = [an_article("Arnvik mayor Lena Holt resigned on Friday over the Kessel Dam failure.",
                              source=src, days=4) for src in ("North Wire", "Valley Post", "Lake Times")]
    stories = [fill_story(Story(key=k, title=arts[0].title, articles=arts, topics=("arnvik",)))
               for k, arts in (("failure", failure), ("resignation", resignation))]
    return Digest(stories=stories, generated_at=datetime(2026, 3, 5, tzinfo=timezone.utc))


def test_topic_answers_read_every_story_of_the_topic():
    digest = _split_topic()
    facts = answer("/arnvik facts", digest, TOPICS)
    lines = " ".join(line for s in facts.sections for line in s.lines)
    assert facts.title == "The Kessel Dam failure: facts"
    assert "failed" in lines and "resigned" in lines
    sources = answer("/arnvik sources", digest, TOPICS)
    assert sources.sections[0].heading == "5 articles"


def test_a_topic_of_one_story_answers_from_that_story():
    digest = _split_topic()
    one = replace(digest, stories=digest.stories[1:])
    assert answer("/arnvik facts", one, TOPICS).title.startswith("Arnvik mayor Lena Holt resigned")
