"""Feed health notices: a feed failing N times in a row is announced once in the channels
that use it, in plain words, and once more when it works again.

A real Runtime on a temp SQLite, a loopback HTTP server as the feed (allowed through
`fetch_allow_hosts`), a recording publisher with `notify`; polls are driven directly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from builders import an_app
from fakes import RecordingPublisher
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from digestbot.run.runtime import Runtime
from digestbot.domain.records import AuditEntry

CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[topics]]
name = "other"
title = "Something else"
keywords = ["elsewhere"]

[[destinations]]
platform = "console"
channel = "ops"
topics = ["arnvik"]

[[destinations]]
platform = "console"
channel = "everything"

[[destinations]]
platform = "console"
channel = "unrelated"
topics = ["other"]
"""

FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Kessel Dam inspected</title><link>https://example.org/dam</link>
<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate>
<description>Engineers inspected the Kessel Dam near Arnvik on Monday. Repairs start soon.</description></item>
</channel></rss>"""


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG, fetch_allow_hosts=frozenset({"127.0.0.1"}))
    yield app
    app.close()


async def poll_now(runtime: Runtime, url: str) -> None:
    """Make the feed due (back-off is the poller's business, tested elsewhere) and poll."""
    runtime.feeds.poller.states.save(replace(runtime.feeds.poller.states.load(url), next_due=datetime.now(timezone.utc)))
    await runtime.feeds.poll()


async def test_a_failing_feed_is_announced_once_and_again_when_it_recovers(app, http_server):
    http_server.serve("/feed.xml", b"oops", status=500)
    url = http_server.url("/feed.xml")
    audit = AuditEntry(datetime.now(timezone.utc), "console", "ops", "ann", "feeds.add", "added", None, None)
    app.service.management.store.add_feed(url, "15m", "arnvik", audit)
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})
    assert url in runtime.feeds.poller.feeds

    for _ in range(4):
        await poll_now(runtime, url)
    assert publisher.notices == []
    await poll_now(runtime, url)  # the fifth failure in a row
    assert sorted(target for target, _ in publisher.notices) == ["everything", "ops"]  # not "unrelated"
    text = publisher.notices[0][1]
    assert url in text and "the server had an error (HTTP 500)" in text and "5 failures in a row" in text

    await poll_now(runtime, url)  # a sixth failure: nothing more
    assert len(publisher.notices) == 2
    assert runtime.feeds.poller.states.load(url).failures == 6

    # The "already announced" state is in the database: a restarted runtime does not repeat it.
    restarted = build_runtime(app, {"console": Platform("console", publisher)})
    await poll_now(restarted, url)
    assert len(publisher.notices) == 2

    http_server.serve("/feed.xml", FEED, content_type="application/rss+xml")
    await poll_now(restarted, url)
    back = publisher.notices[2:]
    assert sorted(target for target, _ in back) == ["everything", "ops"]
    assert all(text == f"Feed {url} works again." for _, text in back)
    await poll_now(restarted, url)  # still fine: nothing more
    assert len(publisher.notices) == 4
    assert publisher.posts == []  # notices are not digests


async def test_a_feed_without_topic_is_announced_to_channels_subscribed_to_all(app, http_server):
    url = http_server.url("/missing.xml")  # 404
    audit = AuditEntry(datetime.now(timezone.utc), "console", "ops", "ann", "feeds.add", "added", None, None)
    app.service.management.store.add_feed(url, "15m", None, audit)
    app.settings.feed_failures_before_notice = 2
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})
    for _ in range(3):
        await poll_now(runtime, url)
    assert [(target, "not found (HTTP 404)" in text) for target, text in publisher.notices] == [("everything", True)]


async def test_publishers_without_notify_are_skipped(app, http_server):
    class PlainPublisher:
        async def publish(self, target, digest, period):
            return "x"

    http_server.serve("/feed.xml", b"oops", status=500)
    url = http_server.url("/feed.xml")
    audit = AuditEntry(datetime.now(timezone.utc), "console", "ops", "ann", "feeds.add", "added", None, None)
    app.service.management.store.add_feed(url, "15m", "arnvik", audit)
    runtime = build_runtime(app, {"console": Platform("console", PlainPublisher())})
    for _ in range(5):
        await poll_now(runtime, url)
    assert runtime.feeds.poller.states.notified_down(url)


async def test_slack_and_discord_notify_send_plain_safe_text():
    from digestbot.adapters.discord.platform import _DiscordDigestPublisher
    from digestbot.adapters.discord.publisher import DiscordChannelPublisher
    from digestbot.adapters.slack.platform import _SlackDigestPublisher
    from digestbot.adapters.slack.publisher import SlackPublisher

    sent: list[tuple[str, dict]] = []

    class Channel:
        async def send(self, **kwargs):
            sent.append(("discord", kwargs))
            return type("Message", (), {"id": 1})()

    class Client:
        def get_partial_messageable(self, channel_id):
            return Channel()

        async def chat_postMessage(self, **kwargs):  # noqa: N802 - slack_sdk's name
            sent.append(("slack", kwargs))
            return {"ts": "1.0"}

    await _SlackDigestPublisher(SlackPublisher(Client())).notify("C1", "Feed <x> & @channel is failing")
    await _DiscordDigestPublisher(DiscordChannelPublisher(Client())).notify("123", "Feed @everyone is failing")
    (_, slack), (_, discord) = sent
    assert slack["channel"] == "C1" and slack["text"] == "Feed &lt;x&gt; &amp; @channel is failing"
    assert discord["content"] == "Feed @\u200beveryone is failing"  # escaped, and mentions off
    mentions = discord["allowed_mentions"]
    assert not (mentions.everyone or mentions.users or mentions.roles)
