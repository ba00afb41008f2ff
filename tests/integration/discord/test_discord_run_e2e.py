"""End to end: `digestbot run` as a process with Discord, against the fake REST API and gateway on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import aiohttp

from discord_fake import APP_ID, CHANNEL_ID, GUILD_ID, TOKEN, WEBHOOK_ID, WEBHOOK_URL, interaction_payload

ROOT = Path(__file__).resolve().parents[3]
TOPIC = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]
"""
CHANNEL_DESTINATION = f"""
[[destinations]]
platform = "discord"
channel = "{CHANNEL_ID}"
cron = "* * * * *"
topics = ["visit"]
"""
WEBHOOK_DESTINATION = f"""
[[destinations]]
platform = "discord-webhook"
webhook = "{WEBHOOK_URL}"
cron = "* * * * *"
topics = ["visit"]
"""
PLATFORM_VARS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN",
                 "DISCORD_API_URL", "DISCORD_GATEWAY_URL", "DISCORD_GUILD_ID")


def bot_env(tmp_path: Path, config_text: str, **extra: str) -> dict[str, str]:
    config = tmp_path / "discord.toml"
    config.write_text(config_text)
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARS}
    env.update(
        DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'discord.db'}",
        DIGESTBOT_CONFIG=str(config),
        DIGESTBOT_HTTP_PORT="0",
        **extra,
    )
    return env


async def spawn(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("digestbot")), "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def start_bot(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, int]:
    process = await spawn(env)
    seen = []
    async with asyncio.timeout(20):
        while True:
            line = (await process.stderr.readline()).decode()
            seen.append(line)
            if not line:
                await process.wait()
                raise AssertionError(f"digestbot run exited early ({process.returncode}): {''.join(seen)[-2000:]}")
            if match := re.search(r"http://[\d.]+:(\d+)/healthz", line):
                return process, int(match.group(1))


async def stop_bot(process: asyncio.subprocess.Process) -> float:
    """SIGTERM; the seconds it took to exit."""
    if process.returncode is not None:
        return 0.0
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(15):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return time.monotonic() - started


async def drain_stderr(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    """Keep reading stderr so the child never blocks on a full pipe (kept for failure messages)."""
    while line := await process.stderr.readline():
        lines.append(line.decode(errors="replace"))


async def wait_for(predicate, timeout: float = 15, log: list[str] | None = None):
    try:
        async with asyncio.timeout(timeout):
            while not (result := predicate()):
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError("timed out; digestbot's log:\n" + "".join(log or [])[-3000:]) from None
    return result


async def readiness(port: int) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
            return await response.json()


async def test_run_with_bot_answers_slash_command_over_gateway_and_posts_digest(tmp_path, fake_discord, fake_gateway):
    env = bot_env(
        tmp_path,
        TOPIC + CHANNEL_DESTINATION,
        DISCORD_BOT_TOKEN=TOKEN,
        DISCORD_API_URL=fake_discord.url,
        DISCORD_GATEWAY_URL=fake_gateway.url,
        DISCORD_GUILD_ID=str(GUILD_ID),
    )
    process, port = await start_bot(env)
    log: list[str] = []
    drain = asyncio.create_task(drain_stderr(process, log))
    try:
        # Logged in and synced the commands before the runtime announced itself.
        assert fake_discord.calls("GET", "/api/v10/users/@me")
        assert fake_discord.calls("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")

        # The gateway runs in the background: READY makes /readyz report discord.
        async with asyncio.timeout(15):
            while not (checks := (await readiness(port))["checks"]).get("discord"):
                await asyncio.sleep(0.1)
        assert checks["discord"] is True
        identify = [m for m in fake_gateway.received if m.get("op") == 2][0]
        assert identify["d"]["token"] == TOKEN
        assert identify["d"]["intents"] == 1  # guilds only

        await fake_gateway.dispatch("INTERACTION_CREATE", interaction_payload("visit", "facts"))
        followups = await wait_for(lambda: fake_discord.calls("POST", f"/webhooks/{APP_ID}/"), log=log)
        (callback,) = fake_discord.calls("POST", "/callback")
        assert callback.body["type"] == 5  # deferred
        assert callback.body["data"]["flags"] & 64  # ephemeral by default
        assert "Beijing" in json.dumps(followups[0].body)

        # The scheduled digest (the catch-up run at start) went to the channel as embeds.
        posts = await wait_for(lambda: fake_discord.calls("POST", f"/channels/{CHANNEL_ID}/messages"), log=log)
        assert posts[0].body["embeds"]
        assert posts[0].body.get("nonce")

        messages = fake_discord.message_requests()
        assert len(messages) >= 2
        for request in messages:
            assert request.message_body()["allowed_mentions"] == {"parse": []}, request.path
    finally:
        took = await stop_bot(process)
        drain.cancel()
    assert process.returncode == 0
    assert took < 8


async def test_run_with_webhook_destination_needs_no_bot_token(tmp_path, fake_discord):
    env = bot_env(tmp_path, TOPIC + WEBHOOK_DESTINATION, DISCORD_API_URL=fake_discord.url)
    process, port = await start_bot(env)
    log: list[str] = []
    drain = asyncio.create_task(drain_stderr(process, log))
    try:
        posts = await wait_for(lambda: fake_discord.calls("POST", f"/webhooks/{WEBHOOK_ID}/"), log=log)
        body = posts[0].body
        assert posts[0].query.get("wait") in ("true", "1")
        assert body["embeds"]
        assert body["allowed_mentions"] == {"parse": []}
        assert not fake_discord.calls("GET", "/users/@me")  # no bot, no login
        checks = (await readiness(port))["checks"]
        assert checks["discord-webhook"] is True
        assert "discord" not in checks
    finally:
        took = await stop_bot(process)
        drain.cancel()
    assert process.returncode == 0
    assert took < 8


async def test_discord_destination_without_token_fails_at_startup_naming_the_variable(tmp_path):
    process = await spawn(bot_env(tmp_path, TOPIC + CHANNEL_DESTINATION))
    async with asyncio.timeout(20):
        _, stderr = await process.communicate()
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert "DISCORD_BOT_TOKEN" in lines[-1]
    assert "Traceback" not in stderr.decode()


async def test_malformed_token_fails_at_startup_without_echoing_it(tmp_path):
    secret = "not-a-token"
    process = await spawn(bot_env(tmp_path, TOPIC + CHANNEL_DESTINATION, DISCORD_BOT_TOKEN=secret))
    async with asyncio.timeout(20):
        _, stderr = await process.communicate()
    assert process.returncode == 2
    text = stderr.decode()
    assert "DISCORD_BOT_TOKEN" in text.strip().splitlines()[-1]
    assert secret not in text


async def test_refused_token_fails_at_startup_with_a_clear_error(tmp_path, fake_discord):
    fake_discord.login_status = 401
    process = await spawn(
        bot_env(tmp_path, TOPIC + CHANNEL_DESTINATION, DISCORD_BOT_TOKEN=TOKEN, DISCORD_API_URL=fake_discord.url)
    )
    async with asyncio.timeout(20):
        _, stderr = await process.communicate()
    text = stderr.decode()
    assert process.returncode != 0
    assert "DISCORD_BOT_TOKEN was rejected by Discord" in text.strip().splitlines()[-1]
    assert TOKEN not in text
    assert not fake_discord.calls("PUT", "/commands")


class StubChannelPublisher:
    def __init__(self, result):
        self.result = result
        self.calls: list[tuple] = []

    async def post_digest(self, channel_id, digest, *, period=None):
        self.calls.append((channel_id, digest, period))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


async def test_channel_publish_adapter_ids_refusal_and_deferral():
    import pytest

    from digestbot.adapters.discord import DeliveryDeferred
    from digestbot.adapters.discord.platform import _DiscordDigestPublisher
    from digestbot.domain.platforms import DeliveryFailed

    stub = StubChannelPublisher([111, 112])
    assert await _DiscordDigestPublisher(stub).publish(str(CHANNEL_ID), "digest", "2026-01-03T08:00") == "111"
    assert stub.calls == [(CHANNEL_ID, "digest", "2026-01-03T08:00")]
    with pytest.raises(DeliveryFailed):
        await _DiscordDigestPublisher(StubChannelPublisher([])).publish(str(CHANNEL_ID), "digest", "p")
    deferred = DeliveryDeferred(f"channel {CHANNEL_ID}", 120.0, [], [])
    with pytest.raises(DeliveryDeferred):  # the scheduler releases the claim: the digest stays queued
        await _DiscordDigestPublisher(StubChannelPublisher(deferred)).publish(str(CHANNEL_ID), "digest", "p")
