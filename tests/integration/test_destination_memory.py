"""Per-destination memory through `Posting.post` (the scheduler's post): a channel is never told the same item twice."""

from __future__ import annotations


import pytest

from builders import an_app, corpus_raw
from fakes import RecordingPublisher
from digestbot.domain.models import Digest
from digestbot.stories.novelty import item_fingerprint
from digestbot.domain.ports import Skip
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform

CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[destinations]]
platform = "console"
channel = "first"
cron = "0 8 * * *"

[[destinations]]
platform = "console"
channel = "second"
cron = "0 8 * * *"
"""


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG)
    yield app
    app.close()


def fingerprints(digest: Digest) -> list[str]:
    return [item_fingerprint(i) for s in digest.stories for i in s.whats_new]


async def test_second_digest_to_a_destination_repeats_nothing_another_destination_still_gets_it(app):
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})
    assert set(runtime.posting.destinations) == {"console:first", "console:second"}

    app.service.ingest(corpus_raw("arnvik-1", "valdoria-rates"))
    await runtime.posting.post("console:first", "2026-03-03T08:00")
    first = fingerprints(publisher.digests[-1])
    assert first and len(first) == len(set(first))

    # Nothing was ingested since: the same destination is told nothing again (no post at all).
    assert await runtime.posting.post("console:first", "2026-03-03T09:00") == Skip("nothing new")
    assert len(publisher.digests) == 1

    # Another destination has its own memory: it still gets every item.
    await runtime.posting.post("console:second", "2026-03-03T08:00")
    assert sorted(fingerprints(publisher.digests[-1])) == sorted(first)

    # New coverage: the first destination gets what is new, and nothing it already had.
    app.service.ingest(corpus_raw("arnvik-op", "arnvik-2"))
    await runtime.posting.post("console:first", "2026-03-04T08:00")
    (target, _), digest = publisher.posts[-1], publisher.digests[-1]
    third = fingerprints(digest)
    assert target == "first" and third
    assert not set(third) & set(first)
    assert any("15" in i.text for s in digest.stories for i in s.whats_new)  # the revised toll
    assert runtime.posting.posted_items.seen("console:first") == set(first) | set(third)


async def test_items_are_remembered_only_after_a_successful_publish(app):
    class FailingPublisher(RecordingPublisher):
        async def publish(self, target, digest, period):
            raise ConnectionError("platform down")

    app.service.ingest(corpus_raw("arnvik-1"))
    failing = build_runtime(app, {"console": Platform("console", FailingPublisher())})
    with pytest.raises(ConnectionError):
        await failing.posting.post("console:first", "2026-03-03T08:00")
    assert failing.posting.posted_items.seen("console:first") == set()

    publisher = RecordingPublisher()
    working = build_runtime(app, {"console": Platform("console", publisher)})
    await working.posting.post("console:first", "2026-03-03T08:00")
    assert fingerprints(publisher.digests[-1])  # the retry still has every item


async def test_cached_stories_are_not_changed_by_filtering(app):
    app.service.ingest(corpus_raw("arnvik-1"))
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    before = fingerprints(app.service.current_digest())
    await runtime.posting.post("console:first", "p1")
    await runtime.posting.post("console:first", "p2")
    assert fingerprints(app.service.current_digest()) == before
    assert app.service.answer("/arnvik new").ok


def new_sources(digest) -> set[str]:
    return {r.article_key.rsplit("/", 1)[-1] for s in digest.stories for i in s.whats_new for r in i.sources}


async def test_a_channel_that_skipped_days_gets_what_is_new_against_what_it_was_shown(app):
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})
    app.service.ingest(corpus_raw("arnvik-1"))
    await runtime.posting.post("console:first", "2026-03-03T07:00")  # both channels saw the first day
    await runtime.posting.post("console:second", "2026-03-03T07:00")
    app.service.ingest(corpus_raw("arnvik-2"))
    await runtime.posting.post("console:second", "2026-03-04T07:00")  # only the second saw day two

    app.service.ingest(corpus_raw("arnvik-3"))
    await runtime.posting.post("console:first", "2026-03-05T07:00")
    await runtime.posting.post("console:second", "2026-03-05T07:00")
    skipped, daily = publisher.digests[-2], publisher.digests[-1]

    # Day two's own developments reach the channel that skipped it; the daily one had them.
    assert "arnvik-2" in new_sources(skipped) and "arnvik-3" in new_sources(skipped)
    assert new_sources(daily) == {"arnvik-3"}
    assert any("17" in i.text for s in daily.stories for i in s.whats_new)
