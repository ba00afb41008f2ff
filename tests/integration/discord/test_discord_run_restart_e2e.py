"""End to end: settings made from Discord survive a restart of the real `digestbot run` process.

The same process, fake REST API and fake gateway as test_discord_run_e2e: an administrator
subscribes the channel with options through the `/digest subscribe` sub-command
(INTERACTION_CREATE over the gateway), a member without Manage Server is refused a change, the
process is stopped with SIGTERM and started again on the same database, and `/digest settings`
then shows the subscription with every option and the administrator's change; the first
subscription's catch-up digest is posted once, by the first process only.
"""

from __future__ import annotations

import asyncio
import sqlite3

from digestbot.adapters.discord.publisher import message_nonce
from discord_fake import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    USER_ID,
    command_payload,
    message_texts,
    user_payload,
)
from test_discord_run_e2e import (
    TOPIC,
    bot_env,
    drain_stderr,
    readiness,
    start_bot,
    stop_bot,
    wait_for,
)

ADMINISTRATOR = 1 << 3
MEMBER = (1 << 10) | (1 << 11)  # view channel, send messages
READER_ID = USER_ID + 100
SUBSCRIBE = {"topic": "all", "daily": "08:00", "tz": "Asia/Seoul", "include": "state visit", "threads": "on",
             "breaking": "2h"}
EXPECTED = ("all stories: daily at 08:00 (Asia/Seoul); only with state visit; updates in the story's thread; "
            "breaking news at most every 2 h per story")


class Session:
    """One running `digestbot run`: send it sub-commands over the gateway, read its answers."""

    def __init__(self, fake_discord, fake_gateway, process, port: int, log: list[str]):
        self.fake, self.gateway, self.process, self.port, self.log = fake_discord, fake_gateway, process, port, log
        self.interaction = 1300000000000000100

    async def connected(self) -> None:
        async with asyncio.timeout(15):
            while not (await readiness(self.port))["checks"].get("discord"):
                await asyncio.sleep(0.1)

    async def command(self, path: tuple[str, ...], options: dict, *, permissions: int, user: int = USER_ID) -> str:
        """`/digest PATH options...` from USER; the text of the follow-up it is answered with."""
        self.interaction += 1
        payload = command_payload("digest", path, options, permissions=permissions, interaction_id=self.interaction)
        payload["member"]["user"] = user_payload(user, "admin" if user == USER_ID else "reader")
        before = len(self.fake.calls("POST", f"/webhooks/{APP_ID}/"))
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        followups = await wait_for(lambda: self.fake.calls("POST", f"/webhooks/{APP_ID}/")[before:], log=self.log)
        return "\n".join(message_texts(followups[0].body))


async def start(tmp_path, fake_discord, fake_gateway) -> tuple[Session, asyncio.Task]:
    env = bot_env(tmp_path, TOPIC, DISCORD_BOT_TOKEN=TOKEN, DISCORD_API_URL=fake_discord.url,
                  DISCORD_GATEWAY_URL=fake_gateway.url, DISCORD_GUILD_ID=str(GUILD_ID), DIGESTBOT_RELOAD_SECONDS="1")
    process, port = await start_bot(env)
    log: list[str] = []
    drain = asyncio.create_task(drain_stderr(process, log))
    session = Session(fake_discord, fake_gateway, process, port, log)
    await session.connected()
    return session, drain


def ledger_periods(tmp_path) -> list[str]:
    with sqlite3.connect(tmp_path / "discord.db") as db:
        return [period for (period,) in db.execute("SELECT period FROM deliveries")]


def channel_posts(fake) -> list:
    return fake.calls("POST", f"/channels/{CHANNEL_ID}/messages")


async def test_settings_made_from_chat_survive_a_restart(tmp_path, fake_discord, fake_gateway):
    bot, drain = await start(tmp_path, fake_discord, fake_gateway)
    try:
        refused = await bot.command(("topics", "add"), {"name": "x", "keywords": "y"}, permissions=MEMBER,
                                    user=READER_ID)
        assert "Not allowed: /digest topics add changes settings" in refused, refused
        assert "Only workspace or server administrators can do that." in refused, refused

        subscribed = await bot.command(("subscribe",), SUBSCRIBE, permissions=ADMINISTRATOR)
        assert "Subscribed" in subscribed and "Not allowed" not in subscribed, subscribed
        assert "This channel gets all stories daily at 08:00 (Asia/Seoul)." in subscribed, subscribed
        assert "catch-up digest" in subscribed, subscribed
        await wait_for(lambda: channel_posts(fake_discord), log=bot.log)  # the catch-up digest
    finally:
        await stop_bot(bot.process)
        drain.cancel()
    assert bot.process.returncode == 0, "".join(bot.log)[-3000:]
    [first] = [p for p in ledger_periods(tmp_path) if p.startswith("first:")]
    first_run_posts = len(channel_posts(fake_discord))

    bot, drain = await start(tmp_path, fake_discord, fake_gateway)
    try:
        settings = await bot.command(("settings",), {}, permissions=MEMBER, user=READER_ID)
        assert f"Settings for discord {CHANNEL_ID}" in settings, settings
        assert EXPECTED in settings, settings
        assert "Last changes" in settings, settings
        changes = settings.split("Last changes", 1)[1]
        assert f"{USER_ID}: subscribed to all stories, daily at 08:00 (Asia/Seoul)" in changes, settings
        assert "only with state visit" in changes and "breaking news at most every 2 h" in changes, settings
        assert str(READER_ID) not in changes, settings  # the refused change left nothing behind
        await asyncio.sleep(2.5)  # a few reloads of the schedule later, still no second catch-up
    finally:
        await stop_bot(bot.process)
        drain.cancel()
    assert bot.process.returncode == 0, "".join(bot.log)[-3000:]
    assert [p for p in ledger_periods(tmp_path) if p.startswith("first:")] == [first]
    first_nonces = {message_nonce(f"{CHANNEL_ID}:{first}", i) for i in range(20)}
    later = channel_posts(fake_discord)[first_run_posts:]
    assert not [p for p in later if str(p.body.get("nonce")) in first_nonces], later
    if len(ledger_periods(tmp_path)) == 1:  # no scheduled digest fell due meanwhile: nothing posted at all
        assert later == [], later
