"""SlackPublisher through the real slack-sdk AsyncWebClient against the fake Web API."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import SecretStr

from digestbot.adapters.slack import limits
from digestbot.adapters.slack.publisher import RetryAfterHandler, SlackPublisher, build_web_client
from digestbot.adapters.slack.settings import SlackSettings
from digestbot.domain.models import Article, ArticleKind, Digest, NewItem, SourceRef, Story
from fakes import FakeTime

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
INJECTIONS = ["<!channel>", "<!here>", "<@U123>", "<!subteam^S42>", "<http://evil.example|ok>"]


def article(key: str, title: str = "Title", *, points=("A point.",), kind=ArticleKind.NEWS, url=None, hours=0):
    return Article(
        key=key, title=title, source="Outlet", published=T0 + timedelta(hours=hours), kind=kind,
        sentences=list(points), key_points=list(points), content_hash=key, url=url,
    )


def story(key: str, articles: list[Article], title: str = "A story", new: list[str] = ()) -> Story:
    refs = [SourceRef(a.key, a.source, a.kind, a.published, a.title, a.url) for a in articles]
    return Story(key=key, title=title, articles=articles, whats_new=[NewItem(text, refs[:1]) for text in new])


def digest(*stories: Story) -> Digest:
    return Digest(stories=list(stories), generated_at=T0)


def settings_for(fake) -> SlackSettings:
    return SlackSettings(bot_token=SecretStr("xoxb-test"), signing_secret=SecretStr("s"), api_url=fake.api_url)


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def publisher(fake_slack, fake_time):
    client = build_web_client(settings_for(fake_slack), sleep=fake_time.sleep)
    return SlackPublisher(client, sleep=fake_time.sleep, clock=fake_time.clock)


async def test_scheduled_digest_arrives_as_blocks(fake_slack, publisher):
    d = digest(
        story("s1", [article("a1", "Leaders meet", points=("Lee and Xi met in Beijing.",), url="https://news.example/a1")],
              title="State visit", new=["A trade deal was signed."]),
        story("s2", [article("a2", "An op-ed", points=("The summit was a mistake.",), kind=ArticleKind.OPINION)],
              title="Commentary"),
    )
    ts = await publisher.post_digest("C0123", d, period="2026-11-23T08:00")

    posts = fake_slack.called("chat.postMessage")
    assert len(posts) == 1 and ts == ["1700000000.000001"]
    params = posts[0].params
    assert params["channel"] == "C0123"
    assert params["metadata"]["event_payload"] == {"period": "2026-11-23T08:00"}
    assert "link_names" not in params and "parse" not in params
    assert posts[0].headers["Authorization"] == "Bearer xoxb-test"
    blocks = params["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Digest — 23 Nov 2026"
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert "*1. <https://news.example/a1|State visit>*  (1 article)" in texts  # linked to its report
    assert any(t.startswith("*A trade deal was signed.") and "\n• Lee and Xi met in Beijing." in t for t in texts)
    assert any(t.startswith("*The summit was a mistake. _(opinion)_") for t in texts)
    contexts = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert "Sources: Outlet (1)" in contexts and "Sources: Outlet (opinion) (1)" in contexts
    assert "State visit" in params["text"]


async def test_mentions_in_titles_and_bodies_arrive_escaped(fake_slack, publisher):
    evil = " ".join(INJECTIONS)
    d = digest(story("s1", [article("a1", f"Title {evil}", points=(f"Body {evil}",), url="https://x.example/?a=<b>")],
                     title=f"Story {evil}", new=[f"New {evil}"]))
    await publisher.post_digest("C1", d)
    raw = json.dumps(fake_slack.called("chat.postMessage")[0].params, ensure_ascii=False)
    for token in INJECTIONS:
        assert token not in raw
    for escaped in ["&lt;!channel&gt;", "&lt;@U123&gt;", "&lt;!subteam^S42&gt;", "&lt;http://evil.example|ok&gt;"]:
        assert escaped in raw


def wordy(*tag: int) -> str:
    """A long key point that shares no word with any other, so a story's view keeps it."""
    return " ".join(f"w{'x'.join(map(str, tag))}x{m}" + "y" * 20 for m in range(40))


async def test_long_digest_continues_in_the_thread(fake_slack, publisher, fake_time):
    stories = [story(f"s{i}", [replace(article(f"a{i}-{j}", "x" * 300, points=(wordy(i, j),)),
                                       source=f"Outlet number {j} of the {i} story, weekly edition") for j in range(12)],
                     title=f"Story {i}") for i in range(10)]
    ts = await publisher.post_digest("C9", digest(*stories))
    posts = fake_slack.called("chat.postMessage")
    assert len(posts) == len(ts) > 1
    assert "thread_ts" not in posts[0].params
    assert all(p.params["thread_ts"] == ts[0] for p in posts[1:])
    assert all(len(p.params["blocks"]) <= limits.BLOCKS_PER_MESSAGE for p in posts)
    # one channel is paced to about one post a second, on the injected clock
    assert fake_time.sleeps == [pytest.approx(1.0)] * (len(posts) - 1)


async def test_posts_to_one_channel_are_paced_others_are_not(fake_slack, publisher, fake_time):
    d = digest(story("s", [article("a")]))
    await publisher.post_digest("C1", d)
    await publisher.post_digest("C2", d)
    assert fake_time.sleeps == []
    fake_time.now += 0.25
    await publisher.post_digest("C1", d)
    assert fake_time.sleeps == [pytest.approx(0.75)]
    fake_time.now += 5
    await publisher.post_digest("C1", d)
    assert fake_time.sleeps == [pytest.approx(0.75)]


async def test_concurrent_posts_to_one_channel_are_paced(fake_slack, publisher, fake_time):
    d = digest(story("s", [article("a")]))
    results = await asyncio.gather(*(publisher.post_digest("C1", d) for _ in range(3)))
    assert all(results) and len(fake_slack.called("chat.postMessage")) == 3
    assert fake_time.sleeps == [pytest.approx(1.0)] * 2


async def test_short_messages_are_escaped_and_paced_with_the_channels_digests(fake_slack, publisher, fake_time):
    ts = await publisher.post_digest("C1", digest(story("s", [article("a")])))
    await publisher.post_text("C1", "Update <!channel> & more", thread_ts=ts[0])
    reply = fake_slack.called("chat.postMessage")[-1].params
    assert reply["text"] == "Update &lt;!channel&gt; &amp; more" and reply["thread_ts"] == ts[0]
    assert "blocks" not in reply and not reply["unfurl_links"]
    assert fake_time.sleeps == [pytest.approx(1.0)]  # one channel, about one post a second


async def test_429_is_waited_out_and_retried(fake_slack, publisher, fake_time):
    fake_slack.script["chat.postMessage"].append((429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    ts = await publisher.post_digest("C1", digest(story("s", [article("a")])))
    assert ts and len(fake_slack.called("chat.postMessage")) == 2
    assert fake_time.sleeps == [1.0]


async def test_429_with_the_real_sleep_waits_about_retry_after(fake_slack):
    client = build_web_client(settings_for(fake_slack))
    assert any(isinstance(h, RetryAfterHandler) for h in client.retry_handlers)
    fake_slack.script["chat.postMessage"].append((429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    started = time.monotonic()
    ts = await SlackPublisher(client).post_digest("C1", digest(story("s", [article("a")])))
    elapsed = time.monotonic() - started
    assert ts and 0.95 <= elapsed < 3
    assert len(fake_slack.called("chat.postMessage")) == 2


async def test_rate_limit_beyond_the_retry_raises_so_the_scheduler_retries_later(fake_slack, publisher):
    for _ in range(2):
        fake_slack.script["chat.postMessage"].append((429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    from slack_sdk.errors import SlackApiError

    with pytest.raises(SlackApiError):
        await publisher.post_digest("C1", digest(story("s", [article("a")])))
    assert publisher.is_available("C1")


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "invalid_auth", "is_archived",
                                   "account_inactive"])
async def test_permanent_error_marks_the_destination_and_does_not_raise(fake_slack, publisher, caplog, error):
    fake_slack.script["chat.postMessage"].append((200, {"ok": False, "error": error}, {}))
    d = digest(story("s", [article("a")]))
    with caplog.at_level(logging.INFO, logger="digestbot.adapters.slack"):
        assert await publisher.post_digest("C404", d) == []
        assert await publisher.post_digest("C404", d) == []  # skipped: no second call, no second log
    assert publisher.unavailable == {"C404"} and not publisher.is_available("C404")
    assert len(fake_slack.called("chat.postMessage")) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "C404" in errors[0].getMessage() and error in errors[0].getMessage()
    assert "xoxb-test" not in caplog.text
    # other destinations are unaffected
    assert await publisher.post_digest("C1", d)
    publisher.mark_available("C404")
    assert await publisher.post_digest("C404", d)


async def test_failure_after_the_first_message_keeps_what_was_posted(fake_slack, publisher):
    stories = [story(f"s{i}", [article(f"a{i}-{j}", "x" * 300, points=("p" * 900,) * 3) for j in range(12)],
                     title=f"Story {i}", new=["n" * 700] * 6) for i in range(10)]
    fake_slack.script["chat.postMessage"] += [
        (200, {"ok": True, "ts": "1.1"}, {}),
        (200, {"ok": False, "error": "internal_error"}, {}),
    ]
    assert await publisher.post_digest("C1", digest(*stories)) == ["1.1"]
