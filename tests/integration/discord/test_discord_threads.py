"""Story threads, the breaking lane and "what changed" replies through the real Discord wiring.

The runtime is the one `digestbot run` builds: `build_platforms` from a Discord environment
(DISCORD_API_URL / DISCORD_GATEWAY_URL pointing at the fake REST API and gateway), the real
discord.py bot logged in by the platform's `start`; what reaches Discord is observed at the
fake's `POST /channels/{id}/messages`, a thread reply being a message with a
`message_reference` to the story's first digest message. The articles are the corpus's Kessel
Dam story (2-4 March 2026) and the clock is fake (see tests/integration/test_delivery_lanes.py,
which shows the same lanes with a recording publisher).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

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
from discord_fake import CHANNEL_ID, GUILD_ID, TOKEN

UTC = timezone.utc
ADMIN = CommandContext("discord", str(CHANNEL_ID), "1100000000000000005", is_admin=True)


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))


@pytest.fixture
def app(tmp_path, clock):
    app = lanes.an_app_on(tmp_path, clock)
    yield app
    app.close()


@pytest.fixture
def answered(fake_discord) -> dict[int, str]:
    """The message id the fake answered for each request body (keyed by the body's identity)."""
    ids: dict[int, str] = {}
    make = fake_discord.message

    def message(channel_id: int, body: dict, webhook_id: int | None = None) -> dict:
        made = make(channel_id, body, webhook_id)
        ids[id(body)] = made["id"]
        return made

    fake_discord.message = message  # type: ignore[method-assign]
    return ids


@pytest.fixture
async def platforms(app, fake_discord, fake_gateway, answered):
    """The real Discord platform, logged in to the fake (what `Runtime.start` does for it)."""
    env = {"DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_URL": fake_discord.url,
           "DISCORD_GATEWAY_URL": fake_gateway.url, "DISCORD_GUILD_ID": str(GUILD_ID)}
    platforms = build_platforms(platform_needs(app), Metrics(), env)
    assert set(platforms) == {"console", "discord"}
    await platforms["discord"].start()
    try:
        yield platforms
    finally:
        await platforms["discord"].stop()


def subscribe(app, options: str = "") -> None:
    lanes.subscribe(app, ADMIN, options)


async def scheduled(runtime: Runtime, clock: FakeClock, fire: datetime) -> list:
    """The scheduler at the fire time (five seconds late, as a real timer is)."""
    clock.now = fire + timedelta(seconds=5)
    return await runtime.scheduler.run_due()


def posts(fake) -> list:
    return fake.calls("POST", f"/channels/{CHANNEL_ID}/messages")


def top_level(fake) -> list:
    return [p for p in posts(fake) if not p.body.get("message_reference")]


def digests(fake) -> list:
    """Digest messages: embeds, and no message reference."""
    return [p for p in top_level(fake) if p.body.get("embeds")]


def replies(fake, anchor: str) -> list:
    """Replies to message `anchor`: discord.py sends the reference's ids as JSON numbers."""
    return [p for p in posts(fake) if str((p.body.get("message_reference") or {}).get("message_id")) == anchor]


def embeds_text(call) -> str:
    return json.dumps(call.body.get("embeds"), ensure_ascii=False)


def assert_plain_without_mentions(call) -> None:
    body = call.body
    assert body["allowed_mentions"] == {"parse": []}
    assert not body.get("embeds") and body["content"]


async def first_digest(runtime: Runtime, fake, answered, clock: FakeClock) -> str:
    """The 08:00 digest of 3 March: exactly one digest message; its id (the story's thread)."""
    [outcome] = await scheduled(runtime, clock, datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert outcome.status == "posted", outcome
    [digest] = posts(fake)
    assert digests(fake) == [digest]
    assert "Kessel Dam" in embeds_text(digest)
    return answered[id(digest.body)]


# --- story threads ------------------------------------------------------------------------------


async def test_the_next_digest_of_a_followed_story_is_a_reply_to_its_first_message(
    app, fake_discord, answered, platforms, clock
):
    subscribe(app, "threads on")
    runtime = build_runtime(app, platforms, clock=clock)
    await poll(runtime, "arnvik-1", "valdoria-rates")
    anchor = await first_digest(runtime, fake_discord, answered, clock)

    clock.now = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    await poll(runtime, "arnvik-2")  # the toll rises to 15: a development of the same story
    [outcome] = await scheduled(runtime, clock, datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert outcome.status == "posted"

    assert len(top_level(fake_discord)) == 1  # no new top-level digest: nothing fresh
    [reply] = replies(fake_discord, anchor)
    assert int(reply.body["message_reference"]["channel_id"]) == CHANNEL_ID
    assert_plain_without_mentions(reply)
    text = reply.body["content"]
    assert text.startswith("Update on: ") and "rose to 15" in text  # the new toll

    assert await runtime.scheduler.run_due() == []  # the period is in the ledger: nothing twice
    assert len(posts(fake_discord)) == 2


# --- the breaking lane --------------------------------------------------------------------------


async def test_breaking_news_is_one_plain_message_between_digests_and_honours_the_interval(
    app, fake_discord, answered, platforms, clock
):
    subscribe(app, "breaking 2h")
    runtime = build_runtime(app, platforms, clock=clock)
    await poll(runtime, "arnvik-1")
    assert posts(fake_discord) == []  # not followed yet: a new story waits for the digest
    await first_digest(runtime, fake_discord, answered, clock)

    clock.now = datetime(2026, 3, 3, 16, 35, tzinfo=UTC)
    await poll(runtime, "arnvik-2")
    [_, breaking] = posts(fake_discord)
    assert_plain_without_mentions(breaking)
    assert breaking.body["content"].startswith("Breaking: ") and "15" in breaking.body["content"]
    assert "message_reference" not in breaking.body  # threads off: a plain message in the channel

    clock.now += timedelta(minutes=30)  # within the interval: the next development waits
    await poll(runtime, "arnvik-op")
    held = runtime.posting.plan(runtime.posting.destinations[f"discord:{CHANNEL_ID}"])[0].stories
    assert held and held[0].whats_new  # there was a development to post: the interval held it back
    assert len(posts(fake_discord)) == 2


async def test_with_threads_on_the_breaking_post_is_a_reply_to_the_story(
    app, fake_discord, answered, platforms, clock
):
    subscribe(app, "threads on breaking 2h")
    runtime = build_runtime(app, platforms, clock=clock)
    await poll(runtime, "arnvik-1")
    anchor = await first_digest(runtime, fake_discord, answered, clock)

    clock.now = datetime(2026, 3, 3, 16, 35, tzinfo=UTC)
    await poll(runtime, "arnvik-2")
    [breaking] = replies(fake_discord, anchor)
    assert_plain_without_mentions(breaking)
    assert breaking.body["content"].startswith("Breaking: ")
    assert len(top_level(fake_discord)) == 1

    clock.now += timedelta(minutes=30)
    await poll(runtime, "arnvik-op")
    assert len(posts(fake_discord)) == 2


# --- edited articles ----------------------------------------------------------------------------


async def test_an_edited_article_gets_one_what_changed_reply_and_no_new_digest(
    app, fake_discord, answered, platforms, clock
):
    subscribe(app, "threads on")
    runtime = build_runtime(app, platforms, clock=clock)
    await poll(runtime, "arnvik-1")
    anchor = await first_digest(runtime, fake_discord, answered, clock)

    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    (original,) = corpus_raw("arnvik-1")
    await poll(runtime, "arnvik-1", text=original.text + " " + ADDED)  # same URL, one sentence more

    [reply] = [p for p in posts(fake_discord) if "What changed in" in (p.body.get("content") or "")]
    assert str(reply.body["message_reference"]["message_id"]) == anchor
    assert_plain_without_mentions(reply)
    assert reply.body["content"].startswith("What changed in \u201cKessel Dam failure floods Arnvik valley, 12 dead\u201d")
    assert ADDED in reply.body["content"]
    assert len(top_level(fake_discord)) == 1 and len(posts(fake_discord)) == 2

    await poll(runtime, "arnvik-1", text=original.text + " " + ADDED)  # polled again, unchanged
    assert len(posts(fake_discord)) == 2
