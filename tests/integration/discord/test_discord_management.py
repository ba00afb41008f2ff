"""`/digest subscribe ...` (sub-commands) from Discord through the real discord.py CommandTree
against the fake REST API, answered by a real DigestService with management on a temporary
SQLite database. Who may change settings comes from the interaction's own member permissions."""

from __future__ import annotations

import asyncio

import discord
import pytest

from builders import an_app

from digestbot.adapters.discord import DigestBot
from digestbot.run.metrics import Metrics
from digestbot.run.platforms import timed_answer
from discord_fake import APP_ID, CHANNEL_ID, GUILD_ID, TOKEN, USER_ID, command_payload

CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[permissions]
admin_roles = ["news-desk"]
"""
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11
VIEW_CHANNEL = 1 << 10


def digest_interaction(sub: str, options: dict | None, permissions: int, *, roles: tuple[int, ...] = (),
                       interaction_id: int = 1300000000000000001) -> dict:
    """`/digest <sub> option:value ...` as Discord sends it (options nested under the sub-command)."""
    return command_payload("digest", (sub,), options, permissions=permissions, roles=roles,
                           interaction_id=interaction_id)


def followup_text(fake) -> str:
    (followup,) = fake.calls("POST", f"/webhooks/{APP_ID}/")
    texts = [followup.body.get("content") or ""]
    for embed in followup.body.get("embeds") or []:
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts += [f["name"] + "\n" + f["value"] for f in embed.get("fields", [])]
    return "\n".join(texts)


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG)
    yield app
    app.close()


@pytest.fixture
async def bot(fake_discord, app):
    answer = timed_answer(app.service.answer, Metrics(), "discord")
    bot = DigestBot(answer=answer, topics=app.service.topics)
    await bot.login(TOKEN)
    try:
        yield bot
    finally:
        await bot.close()


async def invoke(bot: DigestBot, payload: dict) -> None:
    await bot.tree._call(discord.Interaction(data=payload, state=bot._connection))


async def test_an_administrator_subscribes_the_channel(fake_discord, bot, app):
    visit_daily = {"topic": "visit", "daily": "08:00"}
    await invoke(bot, digest_interaction("subscribe", visit_daily, ADMINISTRATOR | VIEW_CHANNEL))
    text = followup_text(fake_discord)
    assert "Subscribed" in text and "Not allowed" not in text
    [sub] = app.service.management.store.subscriptions("discord", str(CHANNEL_ID))
    assert (sub.topic, sub.cron, sub.timezone) == ("visit", "0 8 * * *", "UTC")
    [entry] = app.service.management.store.audit("discord", str(CHANNEL_ID), limit=5)
    assert entry.user == str(USER_ID)


async def test_manage_server_may_change_settings_too(fake_discord, bot, app):
    await invoke(bot, digest_interaction("subscribe", {"topic": "visit", "weekdays": "07:30", "tz": "Asia/Seoul"},
                                          MANAGE_GUILD))
    assert "Subscribed" in followup_text(fake_discord)
    [sub] = app.service.management.store.subscriptions("discord", str(CHANNEL_ID))
    assert (sub.cron, sub.timezone) == ("30 7 * * 1-5", "Asia/Seoul")


async def test_a_member_without_the_permission_is_refused_with_who_may(fake_discord, bot, app):
    visit_daily = {"topic": "visit", "daily": "08:00"}
    await invoke(bot, digest_interaction("subscribe", visit_daily, VIEW_CHANNEL | SEND_MESSAGES))
    text = followup_text(fake_discord)
    assert "Not allowed: /digest subscribe changes settings" in text
    assert "administrators" in text and "news-desk" in text
    assert app.service.management.store.subscriptions("discord", str(CHANNEL_ID)) == []


async def test_as_the_gateway_delivers_it_and_settings_show_the_subscription(fake_discord, bot, app):
    visit_daily = {"topic": "visit", "daily": "08:00"}
    bot._connection.parse_interaction_create(digest_interaction("subscribe", visit_daily, ADMINISTRATOR))
    for _ in range(300):
        if fake_discord.calls("POST", f"/webhooks/{APP_ID}/"):
            break
        await asyncio.sleep(0.01)
    assert "Subscribed" in followup_text(fake_discord)
    fake_discord.requests.clear()
    await invoke(bot, digest_interaction("settings", None, VIEW_CHANNEL, interaction_id=1300000000000000002))
    text = followup_text(fake_discord)
    assert f"Settings for discord {CHANNEL_ID}" in text and "/visit: daily at 08:00 (UTC)" in text


async def test_the_context_carries_role_ids_when_the_guild_is_not_cached(fake_discord, app):
    seen = []

    def answer(text, context):
        seen.append((text, context))
        return app.service.answer(text, context)

    bot = DigestBot(answer=answer, topics=app.service.topics)
    await bot.login(TOKEN)
    try:
        await invoke(bot, digest_interaction("top", None, VIEW_CHANNEL, roles=(1500000000000000001,)))
    finally:
        await bot.close()
    [(text, context)] = seen
    assert text == "/digest"
    assert (context.platform, context.channel, context.user) == ("discord", str(CHANNEL_ID), str(USER_ID))
    assert context.is_admin is False and context.roles == ("1500000000000000001",)


async def test_a_role_named_in_admin_roles_may_change_settings_when_the_guild_is_cached(fake_discord, bot, app):
    role_id = 1500000000000000002
    guild = discord.Guild(data={"id": str(GUILD_ID), "name": "newsroom", "roles": [
        {"id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
         "hoist": False, "managed": False, "mentionable": False, "flags": 0},
        {"id": str(role_id), "name": "news-desk", "permissions": "0", "position": 1, "color": 0,
         "hoist": False, "managed": False, "mentionable": False, "flags": 0},
    ]}, state=bot._connection)
    bot._connection._add_guild(guild)
    visit_daily = {"topic": "visit", "daily": "08:00"}
    await invoke(bot, digest_interaction("subscribe", visit_daily, VIEW_CHANNEL, roles=(role_id,)))
    assert "Subscribed" in followup_text(fake_discord)
