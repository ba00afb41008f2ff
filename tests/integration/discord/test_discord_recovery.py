"""A crash between posting a digest and recording it does not post it twice on Discord.

Discord honours a message nonce for a few minutes only, while the ledger's claim lease is 600 s:
a recovery after a restart therefore looks for the earlier post itself, as Slack does with
message metadata. The first message of a digest ends with the subtext line `-# <period>`; the
recovering runtime reads the channel's recent messages (GET /channels/{id}/messages at the fake)
and takes the newest one the bot wrote with that line as the post.

The runtime is the one `digestbot run` builds (`build_platforms` with the real discord.py bot
logged in to the fake REST API); the crash is a ledger claim left "claimed" (the process died
before `complete`), recovered by a runtime whose clock is past the lease.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import an_app_with_a_visit_story, two_channels_config
from fakes import FakeClock
from digestbot.adapters.discord import DigestBot, DiscordChannelPublisher, limits
from digestbot.adapters.discord.render import discord_len, period_line, render_digest
from digestbot.run.metrics import Metrics
from digestbot.domain.models import Article, ArticleKind, Claim, Digest, Story
from digestbot.present.lines import more_stories
from digestbot.present.view import TOP_STORIES
from digestbot.run.platforms import build_platforms
from digestbot.bootstrap import build_runtime, platform_needs
from discord_fake import BOT_USER_ID, CHANNEL_ID, GUILD_ID, TOKEN, USER_ID

UTC = timezone.utc
OTHER_CHANNEL = 1100000000000000099
DESTINATION = f"discord:{CHANNEL_ID}"
PERIOD = "2026-03-03T08:00"  # the 08:00 UTC digest of CHANNEL_ID
FIRED = datetime(2026, 3, 3, 8, 0, 5, tzinfo=UTC)  # when the crashed process claimed it
LEASE = timedelta(seconds=600)  # DIGESTBOT_CLAIM_LEASE_SECONDS' default
HISTORY_FORBIDDEN = (403, {"message": "Missing Access", "code": 50001}, {})


@pytest.fixture
def app(tmp_path):
    app = an_app_with_a_visit_story(tmp_path, two_channels_config("discord", CHANNEL_ID, OTHER_CHANNEL))
    assert app.settings.claim_lease_seconds == LEASE.total_seconds()
    yield app
    app.close()


@pytest.fixture
async def platforms(app, fake_discord, fake_gateway):
    """The real Discord platform, logged in to the fake (what `Runtime.start` does for it)."""
    env = {"DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_URL": fake_discord.url,
           "DISCORD_GATEWAY_URL": fake_gateway.url, "DISCORD_GUILD_ID": str(GUILD_ID)}
    platforms = build_platforms(platform_needs(app), Metrics(), env)
    await platforms["discord"].start()
    try:
        yield platforms
    finally:
        await platforms["discord"].stop()


def posts(fake, channel_id: int = CHANNEL_ID) -> list:
    return fake.calls("POST", f"/channels/{channel_id}/messages")


def history_reads(fake, channel_id: int = CHANNEL_ID) -> list:
    return fake.calls("GET", f"/channels/{channel_id}/messages")


def ledger_row(tmp_path) -> tuple[str, str | None]:
    with sqlite3.connect(tmp_path / "app.db") as db:
        return db.execute("SELECT status, message_id FROM deliveries WHERE destination = ? AND period = ?",
                          (DESTINATION, PERIOD)).fetchone()


async def recover(app, platforms, after: timedelta = LEASE + timedelta(seconds=30)) -> str:
    """A restarted runtime, its clock past the dead process's lease: the 08:00 outcome."""
    restarted = build_runtime(app, platforms, clock=FakeClock(FIRED + after))
    outcomes = [o for o in await restarted.scheduler.run_due() if o.destination == DESTINATION]
    return outcomes[0].status if outcomes else "nothing"


async def claim_and_die(app, platforms, *, post: bool) -> str | None:
    """The first process: claims the period, maybe posts the digest, dies before recording it."""
    first = build_runtime(app, platforms, clock=FakeClock(FIRED))
    assert first.posting.ledger.claim(DESTINATION, PERIOD, FIRED) is Claim.FRESH
    posted = await first.posting.post(DESTINATION, PERIOD) if post else None
    assert first.posting.ledger.status(DESTINATION, PERIOD) == "claimed"  # never completed
    return posted


# --- (a) posted, then the crash: found, not posted again ------------------------------------


async def test_a_digest_posted_before_the_crash_is_found_and_not_posted_again(
    app, platforms, fake_discord, tmp_path
):
    posted = await claim_and_die(app, platforms, post=True)
    [digest] = posts(fake_discord)
    assert posted is not None and period_line(PERIOD) in digest.body["content"].splitlines()
    assert digest.body["content"].splitlines()[-1] == f"-# {PERIOD}"

    # Restarted within the lease: the claim is still the dead process's, nothing happens.
    assert await recover(app, platforms, after=timedelta(minutes=5)) == "nothing"
    assert history_reads(fake_discord) == []

    # Past the lease (long after Discord's nonce window): recovered by finding the post.
    assert await recover(app, platforms) == "posted"
    assert len(posts(fake_discord)) == 1  # NOTHING more was posted
    [read] = history_reads(fake_discord)
    assert read.query.get("limit") == "50"
    assert ledger_row(tmp_path) == ("posted", posted)  # the ledger records the found message


# --- (b) claimed but never posted: posted once ------------------------------------------------


async def test_a_period_never_posted_is_posted_once_on_recovery(app, platforms, fake_discord, tmp_path):
    await claim_and_die(app, platforms, post=False)
    fake_discord.add_message(CHANNEL_ID, "**digestbot** — 1 story, 2 Mar 2026\n-# 2026-03-02T08:00")  # yesterday's

    assert await recover(app, platforms) == "posted"
    [digest] = posts(fake_discord)
    assert history_reads(fake_discord)
    assert digest.body["content"].splitlines()[-1] == f"-# {PERIOD}"
    assert "Beijing" in str(digest.body["embeds"])
    [newest] = [m for m in fake_discord.channel_messages[CHANNEL_ID] if f"-# {PERIOD}" in m["content"]]
    assert ledger_row(tmp_path) == ("posted", newest["id"])

    assert await recover(app, platforms, after=LEASE * 2) == "nothing"  # recorded: never again
    assert len(posts(fake_discord)) == 1


# --- (c) the history cannot be read: posted once, with a warning ------------------------------


async def test_an_unreadable_history_posts_once_and_warns(app, platforms, fake_discord, tmp_path, caplog):
    await claim_and_die(app, platforms, post=False)
    fake_discord.history_script[CHANNEL_ID] = [HISTORY_FORBIDDEN]

    with caplog.at_level(logging.WARNING, logger="digestbot.adapters.discord"):
        assert await recover(app, platforms) == "posted"

    assert len(history_reads(fake_discord)) == 1
    assert len(posts(fake_discord)) == 1
    [warning] = [r for r in caplog.records if r.name == "digestbot.adapters.discord"]
    assert warning.levelno == logging.WARNING
    assert str(CHANNEL_ID) in warning.getMessage() and "earlier digest" in warning.getMessage()
    assert TOKEN not in caplog.text
    assert ledger_row(tmp_path)[0] == "posted"


# --- (d) the same period from someone else is not ours ---------------------------------------


async def test_a_message_with_the_period_from_another_author_is_not_taken_as_ours(
    app, platforms, fake_discord, tmp_path
):
    await claim_and_die(app, platforms, post=False)
    forged = fake_discord.add_message(CHANNEL_ID, f"**digestbot** — 9 stories\n-# {PERIOD}", author_id=USER_ID)

    assert await recover(app, platforms) == "posted"
    assert len(posts(fake_discord)) == 1
    status, message_id = ledger_row(tmp_path)
    assert status == "posted" and message_id != forged["id"]
    assert message_id == fake_discord.channel_messages[CHANNEL_ID][-1]["id"]  # our own new post


# --- the publisher's lookup on its own ----------------------------------------------------------


@pytest.fixture
async def client(fake_discord):
    bot = DigestBot(answer=lambda text, context: None, topics=[], sync=False)
    await bot.login(TOKEN)
    try:
        yield bot
    finally:
        await bot.close()


async def test_find_posted_takes_the_newest_own_message_with_exactly_that_period_line(fake_discord, client):
    publisher = DiscordChannelPublisher(client)
    older = fake_discord.add_message(CHANNEL_ID, f"header\n-# {PERIOD}")
    fake_discord.add_message(CHANNEL_ID, f"header\n-# {PERIOD}:00")  # another period that starts alike
    fake_discord.add_message(CHANNEL_ID, f"quoting `-# {PERIOD}` in a sentence")
    newer = fake_discord.add_message(CHANNEL_ID, f"header\n-# {PERIOD}")
    fake_discord.add_message(CHANNEL_ID, f"-# {PERIOD}", author_id=USER_ID)

    assert await publisher.find_posted(CHANNEL_ID, PERIOD) == int(newer["id"]) != int(older["id"])
    assert await publisher.find_posted(CHANNEL_ID, "2026-03-04T08:00") is None
    assert await publisher.find_posted(OTHER_CHANNEL, PERIOD) is None  # an empty channel


async def test_find_posted_looks_only_at_the_last_limit_messages(fake_discord, client):
    publisher = DiscordChannelPublisher(client)
    ours = fake_discord.add_message(CHANNEL_ID, f"header\n-# {PERIOD}")
    for n in range(5):
        fake_discord.add_message(CHANNEL_ID, f"chat {n}", author_id=USER_ID)
    assert await publisher.find_posted(CHANNEL_ID, PERIOD, limit=5) is None
    assert await publisher.find_posted(CHANNEL_ID, PERIOD, limit=6) == int(ours["id"])
    assert [r.query.get("limit") for r in history_reads(fake_discord)] == ["5", "6"]


async def test_find_posted_answers_none_when_the_channel_is_unknown(fake_discord, client, caplog):
    fake_discord.history_script[CHANNEL_ID] = [(404, {"message": "Unknown Channel", "code": 10003}, {})]
    with caplog.at_level(logging.WARNING, logger="digestbot.adapters.discord"):
        assert await DiscordChannelPublisher(client).find_posted(CHANNEL_ID, PERIOD) is None
    assert "earlier digest" in caplog.text


async def test_a_posted_digest_is_found_by_its_period(fake_discord, client):
    publisher = DiscordChannelPublisher(client)
    ids = await publisher.post_digest(CHANNEL_ID, Digest([], FIRED), period=f"now:{PERIOD}")
    assert await publisher.find_posted(CHANNEL_ID, f"now:{PERIOD}") == ids[0]
    assert await publisher.find_posted(CHANNEL_ID, PERIOD) is None
    [post] = posts(fake_discord)
    assert post.body["content"] == f"No stories yet: nothing was ingested.\n-# now:{PERIOD}"
    assert fake_discord.channel_messages[CHANNEL_ID][0]["author"]["id"] == str(BOT_USER_ID)


# --- (e) rendering: the period line in the header, within limits ------------------------------


def digest_with(stories: int = 2) -> Digest:
    def article(s: int, a: int) -> Article:
        return Article(key=f"a{s}-{a}", title=f"Headline {s}.{a}", source="Outlet", published=FIRED,
                       kind=ArticleKind.NEWS, sentences=[], key_points=[f"Point {s}.{a}"],
                       content_hash=f"h{s}-{a}", url=f"https://news.example/{s}/{a}")

    return Digest([Story(key=f"s{s}", title=f"Story {s}", articles=[article(s, a) for a in range(2)])
                   for s in range(stories)], FIRED)


def test_the_header_ends_with_the_period_as_a_subtext_line():
    messages = render_digest(digest_with(25), period=PERIOD)
    header = messages[0].content
    assert header.startswith("**digestbot** — 25 stories")
    assert header.splitlines() == [header.splitlines()[0], more_stories(25 - TOP_STORIES), f"-# {PERIOD}"]
    assert all(not m.content for m in messages[1:])  # only the first message carries it
    assert discord_len(header) <= limits.CONTENT
    assert render_digest(digest_with(2))[0].content.splitlines() == [header.splitlines()[0].replace("25", "2")]


def test_the_empty_digest_carries_the_period_too():
    (message,) = render_digest(Digest([], FIRED), period=f"now:{PERIOD}")
    assert message.content == f"No stories yet: nothing was ingested.\n-# now:{PERIOD}"
    (plain,) = render_digest(Digest([], FIRED))
    assert plain.content == "No stories yet: nothing was ingested."


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_any_period_text_stays_one_inert_line_within_the_content_limit(period):
    for digest in (Digest([], FIRED), digest_with(1)):
        content = render_digest(digest, period=period)[0].content
        assert discord_len(content) <= limits.CONTENT
        lines = content.split("\n")
        assert lines[-1] == period_line(period) and lines[-1].startswith("-# ")
        assert "@everyone" not in lines[-1] and "@here" not in lines[-1]
