"""What a subscription gets, through the real Runtime on a temp SQLite: filters, the first
subscription's catch-up window, story threads, "what changed" replies and the breaking lane.

A recording publisher stands in for the platform (the Slack and Discord tests show the same
replies carry `thread_ts` / a message reference); the clock is fake, so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

import lanes
from builders import corpus_raw
from fakes import FakeClock, RecordingPublisher
from lanes import ADDED, poll
from digestbot.domain.models import CommandContext
from digestbot.stories.novelty import item_fingerprint
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from digestbot.run.runtime import Runtime

ADMIN = CommandContext("console", "news", "ann", is_admin=True)
UTC = timezone.utc


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))


@pytest.fixture
def app(tmp_path, clock):
    app = lanes.an_app_on(tmp_path, clock)
    yield app
    app.close()


@pytest.fixture
def publisher():
    return RecordingPublisher()


def subscribe(app, options: str = "", channel: str = "news") -> None:
    lanes.subscribe(app, dataclasses.replace(ADMIN, channel=channel), options)


def a_runtime(app, publisher, clock) -> Runtime:
    return build_runtime(app, {"console": Platform("console", publisher)}, clock=clock)


def sources_of(digest) -> set[str]:
    return {a.source for s in digest.stories for a in s.articles}


def items_of(digest) -> set[str]:
    return {item_fingerprint(i) for s in digest.stories for i in s.whats_new}


# --- filters --------------------------------------------------------------------------------


async def test_filters_narrow_the_digest_to_what_the_channel_asked_for(app, publisher, clock):
    clock.now = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # the window reaches back to arnvik-1
    app.service.ingest(corpus_raw("arnvik-1", "arnvik-2", "valdoria-rates"))
    subscribe(app, 'exclude "interest rate"', channel="no-rates")
    subscribe(app, 'sources "Northern Wire"', channel="wire")
    subscribe(app, "include Valdorian", channel="rates")
    runtime = a_runtime(app, publisher, clock)

    await runtime.posting.post("console:no-rates", "2026-03-05T08:00")
    await runtime.posting.post("console:wire", "2026-03-05T08:00")
    await runtime.posting.post("console:rates", "2026-03-05T08:00")

    no_rates, wire, rates = publisher.digests
    assert no_rates.stories and all("Valdoria" not in s.title for s in no_rates.stories)
    assert sources_of(wire) == {"Northern Wire"}
    assert {a.url for s in rates.stories for a in s.articles} == {"https://example.org/valdoria-rates"}


# --- the first subscription: a catch-up window ----------------------------------------------


async def test_a_first_subscription_gets_at_most_the_window_and_its_memory_starts_there(app, publisher, clock):
    app.service.ingest(corpus_raw("arnvik-1", "arnvik-op", "valdoria-rates", "arnvik-2", "arnvik-3"))
    clock.now = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)  # a day after everything but arnvik-3
    runtime = a_runtime(app, publisher, clock)
    runtime.relay.bind()

    reply = await asyncio.to_thread(
        app.service.management.handle, "/digest subscribe all daily 08:00 tz UTC", ADMIN)

    assert reply.ok and "A catch-up digest of the last 24 hours was posted now." in reply.sections[0].lines
    assert publisher.posts == [("news", "first:2026-03-04T19:00")]
    (digest,) = publisher.digests
    window = clock.now - timedelta(hours=24)
    assert digest.stories and all(a.published >= window for s in digest.stories for a in s.articles)
    assert all(any(r.published >= window for r in i.sources) for s in digest.stories for i in s.whats_new)
    assert "Valley Herald" not in sources_of(digest) and "Valdoria" not in str(digest)

    clock.now = datetime(2026, 3, 5, 8, 0, 5, tzinfo=UTC)
    # Nothing older than the window, nothing twice: a quiet day, skipped (no post) by default.
    assert [o.status for o in await runtime.scheduler.run_due()] == ["skipped"]
    assert publisher.posts == [("news", "first:2026-03-04T19:00")]


async def test_a_restart_within_the_grace_posts_no_period_from_before_the_subscription(app, publisher, clock):
    app.service.ingest(corpus_raw("arnvik-1"))
    clock.now = datetime(2026, 3, 3, 8, 3, tzinfo=UTC)  # three minutes after the 08:00 digest
    subscribe(app)

    clock.now = datetime(2026, 3, 3, 8, 10, tzinfo=UTC)  # a restart, well within the grace
    runtime = a_runtime(app, publisher, clock)
    assert await runtime.scheduler.run_due() == []
    assert publisher.posts == []

    clock.now = datetime(2026, 3, 4, 8, 0, 5, tzinfo=UTC)
    await runtime.scheduler.run_due()
    assert publisher.posts == [("news", "2026-03-04T08:00")]


# --- story threads ----------------------------------------------------------------------------


async def test_later_developments_go_in_the_story_thread(app, publisher, clock):
    subscribe(app, "threads on")
    runtime = a_runtime(app, publisher, clock)
    await poll(runtime, "arnvik-1", "valdoria-rates")
    clock.now = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    await runtime.posting.post("console:news", "2026-03-03T08:00")
    anchor = "news:2026-03-03T08:00"  # the recording publisher's message id for that digest

    await poll(runtime, "arnvik-2")
    clock.now = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    message_id = await runtime.posting.post("console:news", "2026-03-04T08:00")

    assert publisher.posts == [("news", "2026-03-03T08:00")]  # no second digest: nothing fresh
    ((target, thread, text),) = publisher.replies
    assert (target, thread, message_id) == ("news", anchor, f"{anchor}/reply-1")
    titles = {"Kessel Dam failure floods Arnvik valley, 12 dead", "Arnvik flood toll rises to 15 as emergency talks begin"}
    assert any(text.startswith(f"Update on: {title}\n") for title in titles)  # the story's own headline
    assert "rose to 15" in text  # the new toll; "was 12" annotations went with the figure rules


async def test_an_edited_article_gets_a_what_changed_reply_and_is_not_reposted(app, publisher, clock):
    subscribe(app, "threads on")
    runtime = a_runtime(app, publisher, clock)
    await poll(runtime, "arnvik-1")
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    await runtime.posting.post("console:news", "2026-03-03T08:00")

    (original,) = corpus_raw("arnvik-1")
    await poll(runtime, "arnvik-1", text=original.text + " " + ADDED)

    ((_target, thread, text),) = publisher.replies
    assert thread == "news:2026-03-03T08:00"
    assert text.startswith("What changed in \u201cKessel Dam failure floods Arnvik valley, 12 dead\u201d (Valley Herald):")
    assert f"+ {ADDED}" in text

    clock.now = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    await runtime.posting.post("console:news", "2026-03-04T08:00")
    assert "four more survivors" not in str(publisher.digests[-1])  # shown once, in the thread
    assert len(publisher.replies) == 1


# --- the breaking lane ------------------------------------------------------------------------


async def test_breaking_lane_honours_its_interval_and_the_next_digest_repeats_nothing(app, publisher, clock):
    subscribe(app, "breaking 2h")
    runtime = a_runtime(app, publisher, clock)
    await poll(runtime, "arnvik-1")
    assert publisher.notices == []  # not followed yet: new stories wait for the digest
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    await runtime.posting.post("console:news", "2026-03-03T08:00")
    shown_in_digest = runtime.posting.posted_items.seen("console:news")

    clock.now = datetime(2026, 3, 3, 16, 35, tzinfo=UTC)
    await poll(runtime, "arnvik-2")
    assert len(publisher.notices) == 1
    assert publisher.notices[0][0] == "news" and publisher.notices[0][1].startswith("Breaking: ")

    clock.now += timedelta(minutes=30)  # within the interval: the next development waits
    await poll(runtime, "arnvik-op")
    assert len(publisher.notices) == 1

    clock.now += timedelta(hours=2)
    await poll(runtime, "arnvik-3", "valdoria-rates")
    assert len(publisher.notices) == 2  # the dam story again; the new rates story waits for the digest

    posted_as_breaking = runtime.posting.posted_items.seen("console:news") - shown_in_digest

    clock.now = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    await runtime.posting.post("console:news", "2026-03-05T08:00")
    last = publisher.digests[-1]
    assert [a.url for s in last.stories for a in s.articles] == ["https://example.org/valdoria-rates"]
    assert posted_as_breaking and not (items_of(last) & posted_as_breaking)
