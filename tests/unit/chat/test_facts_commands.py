"""`/TOPIC why`: every fact beside the sentence that states it; facts open with what happened."""

import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builders import a_topic, corpus_articles  # noqa: E402
from digestbot.chat.commands import answer  # noqa: E402
from digestbot.stories.digest import build_digest  # noqa: E402

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
