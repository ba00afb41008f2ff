"""Story threads, the breaking lane and "what changed" replies through the real Slack wiring.

The runtime is the one `digestbot run` builds: `build_platforms` from a Slack environment (HTTP
mode, SLACK_API_URL pointing at the fake Slack), the real slack-sdk client and slack-bolt app;
what reaches Slack is observed at the fake's `chat.postMessage`. The articles are the corpus's
Kessel Dam story (2-4 March 2026) and the clock is fake (see tests/integration/test_delivery_lanes.py,
which shows the same lanes with a recording publisher).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

import lanes
from builders import corpus_raw
from fakes import FakeClock
from lanes import ADDED, poll
from digestbot.run.metrics import Metrics
from digestbot.domain.models import CommandContext
from digestbot.run.platforms import build_platforms
from digestbot.bootstrap import build_runtime, platform_needs
from digestbot.run.runtime import Runtime
from test_slack_commands import SECRET, signed, slash_body
from test_slack_management import text_of, user_info

UTC = timezone.utc
CHANNEL = "C1"
ADMIN = CommandContext("slack", CHANNEL, "UADMIN", is_admin=True)


def slack_env(fake) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url}


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))


@pytest.fixture
def app(tmp_path, clock):
    app = lanes.an_app_on(tmp_path, clock, http_host="127.0.0.1", http_port=0)
    yield app
    app.close()


def subscribe(app, options: str = "") -> None:
    lanes.subscribe(app, ADMIN, options)


def slack_runtime(app, fake, clock) -> Runtime:
    platforms = build_platforms(platform_needs(app), Metrics(), slack_env(fake))
    assert set(platforms) == {"console", "slack"}
    platforms["slack"].publisher._publisher.min_interval = 0  # no pacing sleeps between test posts
    return build_runtime(app, platforms, clock=clock)


async def scheduled(runtime: Runtime, clock: FakeClock, fire: datetime) -> list:
    """The scheduler at the fire time (five seconds late, as a real timer is)."""
    clock.now = fire + timedelta(seconds=5)
    return await runtime.scheduler.run_due()


def posts(fake) -> list:
    return fake.called("chat.postMessage")


def top_level(fake) -> list:
    return [c for c in posts(fake) if not c.params.get("thread_ts")]


def digests(fake) -> list:
    """Digest messages: the first message of a digest carries its period in the metadata."""
    return [c for c in posts(fake) if c.params.get("metadata")]


def replies(fake, thread: str) -> list:
    return [c for c in posts(fake) if c.params.get("thread_ts") == thread]


def period_of(call) -> str:
    return call.params["metadata"]["event_payload"]["period"]


async def first_digest(runtime: Runtime, fake, clock: FakeClock) -> str:
    """The 08:00 digest of 3 March: exactly one digest message; its ts (the story's thread)."""
    [outcome] = await scheduled(runtime, clock, datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert outcome.status == "posted", outcome
    [digest] = digests(fake)
    assert digest.params["channel"] == CHANNEL and period_of(digest) == "2026-03-03T08:00"
    assert "Kessel Dam" in digest.params["text"]
    assert top_level(fake) == [digest]
    return fake_ts(fake, digest)


def fake_ts(fake, call) -> str:
    """The ts the fake Slack answered for that chat.postMessage (numbered in order)."""
    return f"1700000000.{posts(fake).index(call) + 1:06d}"


# --- story threads ------------------------------------------------------------------------------


async def test_the_next_digest_of_a_followed_story_is_a_reply_in_its_thread(app, fake_slack, clock):
    subscribe(app, "threads on")
    runtime = slack_runtime(app, fake_slack, clock)
    await poll(runtime, "arnvik-1", "valdoria-rates")
    anchor = await first_digest(runtime, fake_slack, clock)

    clock.now = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    await poll(runtime, "arnvik-2")  # the toll rises to 15: a development of the same story
    [outcome] = await scheduled(runtime, clock, datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert outcome.status == "posted"

    assert len(top_level(fake_slack)) == 1  # no new top-level digest: nothing fresh
    [reply] = replies(fake_slack, anchor)
    assert reply.params["channel"] == CHANNEL
    text = reply.params["text"]
    assert text.startswith("Update on: ") and "rose to 15" in text  # the new toll
    assert "metadata" not in reply.params and "blocks" not in reply.params
    assert reply.params.get("unfurl_links") in {False, "0", "false"}

    assert await runtime.scheduler.run_due() == []  # the period is in the ledger: nothing twice
    assert len(posts(fake_slack)) == 2


# --- the breaking lane --------------------------------------------------------------------------


async def test_breaking_news_is_one_plain_message_between_digests_and_honours_the_interval(
    app, fake_slack, clock
):
    subscribe(app, "breaking 2h")
    runtime = slack_runtime(app, fake_slack, clock)
    await poll(runtime, "arnvik-1")
    assert posts(fake_slack) == []  # not followed yet: a new story waits for the digest
    await first_digest(runtime, fake_slack, clock)

    clock.now = datetime(2026, 3, 3, 16, 35, tzinfo=UTC)
    await poll(runtime, "arnvik-2")
    [_, breaking] = posts(fake_slack)
    assert breaking.params["channel"] == CHANNEL
    assert breaking.params["text"].startswith("Breaking: ") and "15" in breaking.params["text"]
    assert not breaking.params.get("thread_ts")  # threads off: a plain message in the channel
    assert "metadata" not in breaking.params and "blocks" not in breaking.params

    clock.now += timedelta(minutes=30)  # within the interval: the next development waits
    await poll(runtime, "arnvik-op")
    held = runtime.posting.plan(runtime.posting.destinations[f"slack:{CHANNEL}"])[0].stories
    assert held and held[0].whats_new  # there was a development to post: the interval held it back
    assert len(posts(fake_slack)) == 2


async def test_with_threads_on_the_breaking_post_is_a_reply_in_the_story_thread(app, fake_slack, clock):
    subscribe(app, "threads on breaking 2h")
    runtime = slack_runtime(app, fake_slack, clock)
    await poll(runtime, "arnvik-1")
    anchor = await first_digest(runtime, fake_slack, clock)

    clock.now = datetime(2026, 3, 3, 16, 35, tzinfo=UTC)
    await poll(runtime, "arnvik-2")
    [breaking] = replies(fake_slack, anchor)
    assert breaking.params["text"].startswith("Breaking: ")
    assert len(top_level(fake_slack)) == 1

    clock.now += timedelta(minutes=30)
    await poll(runtime, "arnvik-op")
    assert len(posts(fake_slack)) == 2


# --- edited articles ----------------------------------------------------------------------------


async def test_an_edited_article_gets_one_what_changed_reply_and_no_new_digest(app, fake_slack, clock):
    subscribe(app, "threads on")
    runtime = slack_runtime(app, fake_slack, clock)
    await poll(runtime, "arnvik-1")
    anchor = await first_digest(runtime, fake_slack, clock)

    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    (original,) = corpus_raw("arnvik-1")
    await poll(runtime, "arnvik-1", text=original.text + " " + ADDED)  # same URL, one sentence more

    [reply] = [c for c in posts(fake_slack) if "What changed in" in c.params.get("text", "")]
    assert reply.params["thread_ts"] == anchor and reply.params["channel"] == CHANNEL
    assert reply.params["text"].startswith("What changed in \u201cKessel Dam failure floods Arnvik valley, 12 dead\u201d")
    assert f"+ {ADDED}" in reply.params["text"]
    assert len(top_level(fake_slack)) == 1 and len(posts(fake_slack)) == 2

    await poll(runtime, "arnvik-1", text=original.text + " " + ADDED)  # polled again, unchanged
    assert len(posts(fake_slack)) == 2


# --- subscribing from Slack ---------------------------------------------------------------------


@pytest.fixture
async def running(app, fake_slack, clock):
    """`digestbot run`'s runtime with the real Slack platform, started (serving /slack/events)."""
    runtime = slack_runtime(app, fake_slack, clock)
    port = await runtime.start()
    try:
        yield runtime, port
    finally:
        await runtime.stop()


async def slash(port: int, fake, text: str, *, user: str, trigger: str) -> dict:
    body = slash_body(fake, command="/digest", text=text, trigger=trigger, user_id=user, channel_id=CHANNEL)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
                                headers=signed(body)) as response:
            assert response.status == 200
    return await fake.next_response(timeout=30)  # the default mode: the answer follows the ack


async def test_a_channel_subscribed_by_a_signed_slash_command_gets_its_scheduled_digest_once(
    app, fake_slack, clock, running
):
    runtime, port = running
    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    app.service.ingest(corpus_raw("arnvik-1", "valdoria-rates"))
    fake_slack.script["users.info"].append(user_info("UADMIN", admin=True))

    reply = await slash(port, fake_slack, "subscribe all daily 08:00 tz UTC", user="UADMIN", trigger="t1")
    assert "Subscribed" in text_of(reply) and "Not allowed" not in text_of(reply), text_of(reply)
    [sub] = app.service.management.store.subscriptions("slack", CHANNEL)
    assert (sub.topic, sub.cron, sub.timezone) == ("*", "0 8 * * *", "UTC")
    # The first subscription's catch-up digest, posted at once by the running bot.
    [catch_up] = digests(fake_slack)
    assert period_of(catch_up) == "first:2026-03-03T12:00" and "Kessel Dam" in catch_up.params["text"]

    clock.now = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    app.service.ingest(corpus_raw("arnvik-2"))
    outcomes = await scheduled(runtime, clock, datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert [(o.destination, o.period, o.status) for o in outcomes] == [
        (f"slack:{CHANNEL}", "2026-03-04T08:00", "posted")]
    [_, digest] = digests(fake_slack)
    assert digest.params["channel"] == CHANNEL and period_of(digest) == "2026-03-04T08:00"
    assert "Arnvik flood toll rises to 15" in json.dumps(digest.params["blocks"], ensure_ascii=False)

    clock.now += timedelta(minutes=10)  # the same period again: nothing more
    assert await runtime.scheduler.run_due() == []
    assert len(digests(fake_slack)) == 2
    assert runtime.posting.ledger.status(f"slack:{CHANNEL}", "2026-03-04T08:00") == "posted"
