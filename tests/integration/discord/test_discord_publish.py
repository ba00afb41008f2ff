"""Scheduled digests to channels and webhooks through the real discord.py, against the fake."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from digestbot.adapters.discord import (
    DeliveryDeferred,
    DigestBot,
    DiscordChannelPublisher,
    DiscordConfigError,
    DiscordWebhookPublisher,
)
from digestbot.adapters.discord import limits
from digestbot.domain.models import Article, ArticleKind, Digest, Story
from digestbot.present.view import TOP_STORIES
from discord_markdown import masked_link_targets
from discord_fake import CHANNEL_ID, message_texts, TOKEN, WEBHOOK_ID, WEBHOOK_TOKEN, WEBHOOK_URL

NOW = datetime(2026, 1, 3, 10, 0, tzinfo=timezone.utc)
RATE_LIMITED = {"Via": "1.1 google"}  # discord.py treats a 429 without Via as a Cloudflare ban


def make_article(n: int, text: str = "", **overrides) -> Article:
    values = dict(
        key=f"a{n}",
        title=f"Headline {n} {text}".strip(),
        source=f"Outlet {n % 7}",
        published=NOW - timedelta(hours=n),
        kind=ArticleKind.NEWS,
        sentences=[],
        key_points=[f"Key point {n}.1 {text}".strip(), f"Key point {n}.2"],
        content_hash=f"h{n}",
        url=f"https://news.example/{n}",
    )
    values.update(overrides)
    return Article(**values)


def make_digest(stories: int = 1, articles: int = 2, text: str = "") -> Digest:
    built = []
    for s in range(stories):
        arts = [make_article(s * 1000 + a, text) for a in range(articles)]
        built.append(Story(key=f"s{s}", title=f"Story {s} {text}".strip(), articles=arts))
    return Digest(stories=built, generated_at=NOW)


@pytest.fixture
async def client(fake_discord):
    bot = DigestBot(answer=lambda text, context: None, topics=[], sync=False)
    await bot.login(TOKEN)
    try:
        yield bot
    finally:
        await bot.close()


def posts(fake, channel_id: int = CHANNEL_ID) -> list:
    return fake.calls("POST", f"/channels/{channel_id}/messages")


async def test_digest_arrives_as_channel_messages_with_embeds(fake_discord, client):
    ids = await DiscordChannelPublisher(client).post_digest(CHANNEL_ID, make_digest(stories=3))

    (post,) = posts(fake_discord)
    assert len(ids) == 1 and isinstance(ids[0], int)
    assert post.body["allowed_mentions"] == {"parse": []}
    assert "3 stories" in post.body["content"]
    assert [e["title"] for e in post.body["embeds"]] == ["Story 0", "Story 1", "Story 2"]
    first = post.body["embeds"][0]
    assert first["url"] == "https://news.example/0"
    assert "Key point 0.1" in first["description"]
    assert any(f["name"] == "Sources" for f in first["fields"])
    assert "2 articles" in first["footer"]["text"]


def wordy_story(s: int) -> Story:
    """Six reports whose key points share no words: the story's embed fills up to its word budget."""
    points = [" ".join(f"word{s}x{a}x{i}" for i in range(30)) + "." for a in range(6)]
    arts = [make_article(s * 1000 + a, "x" * 120, key_points=[points[a]]) for a in range(6)]
    return Story(key=f"s{s}", title=f"Story {s} " + "x" * 120, articles=arts)


async def test_a_long_digest_is_split_across_messages_within_limits(fake_discord, client):
    digest = Digest([wordy_story(s) for s in range(TOP_STORIES + 3)], NOW)
    ids = await DiscordChannelPublisher(client).post_digest(CHANNEL_ID, digest)

    sent = posts(fake_discord)
    assert len(ids) == len(sent) >= 2
    titles = [e["title"] for p in sent for e in p.body["embeds"]]
    assert len(titles) == TOP_STORIES and "3 more stories not shown" in sent[0].body["content"]
    for post in sent:
        assert post.body["allowed_mentions"] == {"parse": []}
        embeds = post.body["embeds"]
        assert len(embeds) <= limits.EMBEDS_PER_MESSAGE
        total = sum(
            len(e.get("title", "")) + len(e.get("description", "")) + len(e["footer"]["text"])
            + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
            for e in embeds
        )
        assert total <= limits.EMBED_TOTAL
        assert len(post.body.get("content") or "") <= limits.CONTENT


async def test_everyone_in_an_article_pings_no_one(fake_discord, client):
    digest = make_digest(text="Crowds shouted @everyone @here <@123456789012345678> [free](http://evil.example)")
    await DiscordChannelPublisher(client).post_digest(CHANNEL_ID, digest)

    (post,) = posts(fake_discord)
    assert post.body["allowed_mentions"] == {"parse": []}
    texts = message_texts(post.body)
    for text in texts:
        assert "@everyone" not in text and "@here" not in text and "<@123" not in text
    targets = [t for text in texts for t in masked_link_targets(text)]
    assert all(t.startswith("https://news.example/") for t in targets)  # no link of the article's own
    assert any("\\[free" in text for text in texts)  # shown, escaped


async def test_only_http_links_survive(fake_discord, client):
    story = Story(key="s0", title="Story 0", articles=[make_article(0, url="javascript:alert(1)")])
    digest = Digest(stories=[story], generated_at=NOW)
    await DiscordChannelPublisher(client).post_digest(CHANNEL_ID, digest)

    (post,) = posts(fake_discord)
    (embed,) = post.body["embeds"]
    assert "url" not in embed
    assert "javascript" not in str(embed)


async def test_missing_permissions_marks_the_channel_and_does_not_raise(fake_discord, client, caplog):
    forbidden = (403, {"message": "Missing Permissions", "code": 50013}, {})
    fake_discord.channel_script[CHANNEL_ID] = [forbidden, forbidden]
    publisher = DiscordChannelPublisher(client)

    with caplog.at_level(logging.ERROR, logger="digestbot.adapters.discord"):
        assert await publisher.post_digest(CHANNEL_ID, make_digest()) == []
        assert await publisher.post_digest(CHANNEL_ID, make_digest()) == []

    assert publisher.unavailable == {CHANNEL_ID}
    (record,) = caplog.records  # logged once, naming the destination
    assert str(CHANNEL_ID) in record.getMessage() and "permissions" in record.getMessage()

    # Permissions fixed: the next post goes out and the mark is cleared.
    assert len(await publisher.post_digest(CHANNEL_ID, make_digest())) == 1
    assert publisher.unavailable == set()


async def test_unknown_channel_is_marked_unavailable(fake_discord, client):
    fake_discord.channel_script[42] = [(404, {"message": "Unknown Channel", "code": 10003}, {})]
    publisher = DiscordChannelPublisher(client)
    assert await publisher.post_digest(42, make_digest()) == []
    assert 42 in publisher.unavailable


async def test_short_rate_limit_is_waited_out_by_discord_py(fake_discord, client):
    fake_discord.channel_script[CHANNEL_ID] = [
        (429, {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}, RATE_LIMITED)
    ]
    ids = await DiscordChannelPublisher(client).post_digest(CHANNEL_ID, make_digest())
    assert len(ids) == 1
    assert len(posts(fake_discord)) == 2


LONG_WAIT = (429, {"message": "You are being rate limited.", "retry_after": 600, "global": False}, RATE_LIMITED)
PERIOD = "2026-01-03T08:00:00Z"


async def test_long_rate_limit_leaves_the_digest_queued(fake_discord, client):
    digest = Digest([wordy_story(s) for s in range(TOP_STORIES)], NOW)
    fake_discord.channel_script[CHANNEL_ID] = [LONG_WAIT]
    publisher = DiscordChannelPublisher(client)

    with pytest.raises(DeliveryDeferred) as caught:
        await publisher.post_digest(CHANNEL_ID, digest, period=PERIOD)

    deferred = caught.value
    assert deferred.sent == [] and deferred.retry_after == 600
    assert str(CHANNEL_ID) in str(deferred)
    assert len(deferred.remaining) >= 2
    assert CHANNEL_ID not in publisher.unavailable


async def test_rate_limit_mid_digest_reports_what_was_sent_and_resumes(fake_discord, client):
    digest = Digest([wordy_story(s) for s in range(TOP_STORIES)], NOW)
    fake_discord.channel_script[CHANNEL_ID] = [None, LONG_WAIT]  # None: answer normally
    publisher = DiscordChannelPublisher(client)

    with pytest.raises(DeliveryDeferred) as caught:
        await publisher.post_digest(CHANNEL_ID, digest, period=PERIOD)
    deferred = caught.value
    assert len(deferred.sent) == 1

    # Later the rest goes out, continuing the nonces where the first attempt stopped.
    ids = await publisher.post_messages(CHANNEL_ID, deferred.remaining, period=PERIOD, start=len(deferred.sent))
    assert len(ids) == len(deferred.remaining)
    delivered = [p for p in posts(fake_discord) if p.body is not None]
    nonces = [p.body["nonce"] for p in delivered]
    assert all(p.body["enforce_nonce"] for p in delivered)
    # first message, the rate-limited attempt of the second, then the rest
    assert nonces[1] == nonces[2]
    assert len(set(nonces)) == len(deferred.sent) + len(deferred.remaining)
    titles = [e["title"] for p in delivered[:1] + delivered[2:] for e in p.body["embeds"]]
    assert titles == [f"Story {n} {'x' * 120}" for n in range(TOP_STORIES)]


async def test_webhook_posts_each_message_and_returns_ids(fake_discord):
    async with aiohttp.ClientSession() as session:
        publisher = DiscordWebhookPublisher(WEBHOOK_URL, session)
        ids = await publisher.post_digest(make_digest(stories=2, text="@everyone"))

    (post,) = fake_discord.calls("POST", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    assert post.query.get("wait") in ("1", "true", "True")
    assert post.body["allowed_mentions"] == {"parse": []}
    assert len(post.body["embeds"]) == 2 and "@everyone" not in str(post.body)
    assert len(ids) == 1 and isinstance(ids[0], int)


async def test_deleted_webhook_is_marked_unavailable(fake_discord):
    fake_discord.webhook_script.append((404, {"message": "Unknown Webhook", "code": 10015}, {}))
    async with aiohttp.ClientSession() as session:
        publisher = DiscordWebhookPublisher(WEBHOOK_URL, session)
        assert await publisher.post_digest(make_digest()) == []
    assert publisher.unavailable


async def test_webhook_rate_limit_longer_than_the_cap_leaves_the_digest_queued(fake_discord):
    fake_discord.webhook_script.append(
        (429, {"message": "You are being rate limited.", "retry_after": 30, "global": False}, RATE_LIMITED)
    )
    async with aiohttp.ClientSession() as session:
        publisher = DiscordWebhookPublisher(WEBHOOK_URL, session, max_wait=0.3)
        with pytest.raises(DeliveryDeferred) as caught:
            await publisher.post_digest(make_digest())
    assert caught.value.sent == [] and len(caught.value.remaining) == 1


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/api/webhooks/1/abc", "not a url", "https://discord.com/api/webhooks/123/short-token"],
)
def test_a_bad_webhook_url_is_a_config_error_that_hides_the_url(url):
    with pytest.raises(DiscordConfigError) as caught:
        DiscordWebhookPublisher(url, session=None)  # type: ignore[arg-type]
    assert url not in str(caught.value) and "webhook" in str(caught.value)
