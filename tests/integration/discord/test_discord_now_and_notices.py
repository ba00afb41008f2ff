"""`/digest now` and feed health notices through the real Discord wiring, against the fakes.

The runtime is the one `digestbot run` builds: `build_platforms` from a Discord environment
(DISCORD_API_URL / DISCORD_GATEWAY_URL pointing at the fake REST API and gateway),
`Runtime.start()` logging the real discord.py bot in and connecting it; commands arrive as
gateway INTERACTION_CREATE events, and what reaches Discord is observed at the fake's
`POST /channels/{id}/messages`.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from builders import VISIT_FEED, an_app_with_a_visit_story, two_channels_config
from fakes import FakeClock
from digestbot.run.metrics import Metrics
from digestbot.run.platforms import build_platforms
from digestbot.bootstrap import build_runtime, platform_needs
from digestbot.run.runtime import Runtime
from digestbot.domain.records import AuditEntry
from discord_fake import APP_ID, CHANNEL_ID, GUILD_ID, TOKEN, interaction_payload

OTHER_CHANNEL = 1100000000000000099
CONFIG = two_channels_config("discord", CHANNEL_ID, OTHER_CHANNEL)



@pytest.fixture
def app(tmp_path):
    app = an_app_with_a_visit_story(tmp_path, CONFIG)
    yield app
    app.close()


@pytest.fixture
async def running(app, fake_discord, fake_gateway):
    """`digestbot run`'s runtime with the real Discord platform, started and connected."""
    env = {"DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_URL": fake_discord.url,
           "DISCORD_GATEWAY_URL": fake_gateway.url, "DISCORD_GUILD_ID": str(GUILD_ID)}
    clock = FakeClock(datetime(2026, 3, 3, 7, 0, 10, tzinfo=timezone.utc))
    platforms = build_platforms(platform_needs(app), Metrics(), env)
    assert set(platforms) == {"console", "discord"}
    runtime = build_runtime(app, platforms, clock=clock)
    await runtime.start()
    try:
        async with asyncio.timeout(15):
            while not platforms["discord"].connected():  # READY from the fake gateway
                await asyncio.sleep(0.02)
        yield runtime, clock
    finally:
        await runtime.stop()


async def wait_for(predicate, timeout: float = 15):
    async with asyncio.timeout(timeout):
        while not (result := predicate()):
            await asyncio.sleep(0.02)
    return result


def channel_posts(fake, channel: int = CHANNEL_ID) -> list:
    return fake.calls("POST", f"/channels/{channel}/messages")


async def digest_now(fake, gateway, number: int) -> str:
    """`/digest now` by an administrator (the payload's member has every permission)."""
    before = len(fake.calls("POST", f"/webhooks/{APP_ID}/"))
    payload = interaction_payload("digest", "now", interaction_id=1300000000000000001 + number,
                                  token=f"interaction-token-{number}")
    await gateway.dispatch("INTERACTION_CREATE", payload)
    followups = await wait_for(lambda: fake.calls("POST", f"/webhooks/{APP_ID}/")[before:])
    return json.dumps(followups[0].body, ensure_ascii=False)


async def test_digest_now_from_an_admin_posts_one_digest_and_a_repeat_in_the_same_minute_nothing(
    running, fake_discord, fake_gateway
):
    runtime, clock = running
    answer = await digest_now(fake_discord, fake_gateway, 1)
    assert "Digest posted" in answer, answer
    [post] = channel_posts(fake_discord)
    assert post.body["allowed_mentions"] == {"parse": []} and post.body["nonce"]
    assert "Beijing" in json.dumps(post.body["embeds"], ensure_ascii=False)
    assert runtime.posting.ledger.status(f"discord:{CHANNEL_ID}", "now:2026-03-03T07:00") == "posted"

    clock.now = datetime(2026, 3, 3, 7, 0, 50, tzinfo=timezone.utc)  # a double click
    answer = await digest_now(fake_discord, fake_gateway, 2)
    assert "Digest already posted" in answer, answer
    assert len(channel_posts(fake_discord)) == 1
    assert channel_posts(fake_discord, OTHER_CHANNEL) == []


async def poll_now(runtime: Runtime, url: str) -> None:
    """Make the feed due (back-off is the poller's business) and poll it, as the job does."""
    runtime.feeds.poller.states.save(replace(runtime.feeds.poller.states.load(url), next_due=datetime.now(timezone.utc)))
    await runtime.feeds.poll()


async def test_a_failing_feed_gives_one_notice_without_mentions_and_one_when_it_works_again(
    running, app, fake_discord, http_server
):
    runtime, _ = running
    http_server.serve("/feed.xml", b"oops", status=500)
    url = http_server.url("/feed.xml?from=@everyone&to=<@&1100000000000000003>")
    audit = AuditEntry(datetime.now(timezone.utc), "discord", str(CHANNEL_ID), "U", "feeds.add", "added", None, None)
    app.service.management.store.add_feed(url, "15m", "visit", audit)
    await runtime.reloader.reload()  # what the reload job does: the new feed is polled

    await poll_now(runtime, url)
    assert channel_posts(fake_discord) == []  # one failure: nothing yet
    await poll_now(runtime, url)  # the second in a row: announced
    await poll_now(runtime, url)  # a third: nothing more
    [notice] = channel_posts(fake_discord)
    assert channel_posts(fake_discord, OTHER_CHANNEL) == []  # that channel does not use the feed
    body = notice.body
    assert body["allowed_mentions"] == {"parse": []}  # @everyone and the role mention ping no one
    assert "is failing: the server had an error (HTTP 500)" in body["content"]
    assert "@everyone" not in body["content"]  # escaped as well: no mention even if parse allowed it
    assert "2 failures in a row" in body["content"] and not body.get("embeds")

    http_server.serve("/feed.xml", VISIT_FEED, content_type="application/rss+xml")
    await poll_now(runtime, url)
    await poll_now(runtime, url)  # still fine: nothing more
    _, back = channel_posts(fake_discord)
    assert back.body["content"].endswith(" works again.")
    assert back.body["allowed_mentions"] == {"parse": []}
