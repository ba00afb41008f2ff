"""End to end: `digestbot run` as a process in Slack HTTP mode against the fake Slack on loopback."""

import asyncio
import json
import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from digestbot.adapters.slack.signature import compute_signature

ROOT = Path(__file__).resolve().parents[3]
SECRET = "e2e-signing-secret"
CONFIG = """
[[topics]]
name = "visit"
title = "Lee Jae Myung's state visit to China"
keywords = ["Lee Jae Myung", "Xi Jinping"]

[[destinations]]
platform = "slack"
channel = "C0E2E"
cron = "* * * * *"
timezone = "Asia/Seoul"
topics = ["visit"]
"""


async def start_bot(tmp_path, fake_slack, **extra_env: str) -> tuple[asyncio.subprocess.Process, int]:
    config = tmp_path / "slack.toml"
    config.write_text(CONFIG)
    env = dict(
        os.environ,
        **extra_env,
        DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'slack.db'}",
        DIGESTBOT_CONFIG=str(config),
        DIGESTBOT_HTTP_PORT="0",
        SLACK_BOT_TOKEN="xoxb-e2e-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
    )
    env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("digestbot")), "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        while True:
            line = (await process.stderr.readline()).decode()
            if not line and process.returncode is not None:
                raise AssertionError("digestbot run exited early")
            if match := re.search(r"http://[\d.]+:(\d+)/healthz", line):
                return process, int(match.group(1))


async def test_slash_command_over_http_and_scheduled_digest(tmp_path, fake_slack):
    process, port = await start_bot(tmp_path, fake_slack)
    try:
        body = urlencode({
            "token": "legacy", "team_id": "T1", "team_domain": "team", "channel_id": "C0E2E",
            "channel_name": "news", "user_id": "U1", "user_name": "reader", "command": "/visit",
            "text": "facts", "api_app_id": "A1", "response_url": fake_slack.response_url("e2e"),
            "trigger_id": "1.2.3",
        })
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": compute_signature(SECRET, ts, body),
        }
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
            forged = dict(headers, **{"X-Slack-Signature": "v0=" + "0" * 64})
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=forged) as response:
                assert response.status == 401
        answer = await fake_slack.next_response(timeout=60)
        assert answer["response_type"] == "ephemeral"
        assert "Beijing" in json.dumps(answer)

        async with asyncio.timeout(60):
            while not fake_slack.called("chat.postMessage"):
                await asyncio.sleep(0.1)
        post = fake_slack.called("chat.postMessage")[0].params
        assert post["channel"] == "C0E2E"
        assert post["blocks"][0]["type"] == "header"
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            await process.wait()
    assert process.returncode == 0


def ledger_rows(tmp_path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "slack.db") as db:
        return db.execute("SELECT period, status FROM deliveries").fetchall()


async def test_killed_after_posting_before_recording_posts_once_after_restart(tmp_path, fake_slack):
    fake_slack.hold_posts = asyncio.Event()  # Slack got the message; the bot never hears back
    process, _ = await start_bot(tmp_path, fake_slack, DIGESTBOT_CLAIM_LEASE_SECONDS="1")
    async with asyncio.timeout(60):
        await fake_slack.posted.wait()
    process.kill()  # SIGKILL between the post and recording it
    await process.wait()
    [(period, status)] = ledger_rows(tmp_path)
    assert status == "claimed"

    fake_slack.hold_posts.set()
    await asyncio.sleep(1.2)  # the dead process's claim outlives its lease
    process, _ = await start_bot(tmp_path, fake_slack, DIGESTBOT_CLAIM_LEASE_SECONDS="1")
    try:
        async with asyncio.timeout(60):
            while ledger_rows(tmp_path) != [(period, "posted")]:
                await asyncio.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
    assert len(fake_slack.called("chat.postMessage")) == 1  # found by its metadata, not reposted
    assert fake_slack.called("conversations.history")


async def test_sigterm_during_a_slow_post_exits_0_and_leaves_nothing_claimed(tmp_path, fake_slack):
    fake_slack.hold_posts = asyncio.Event()
    process, _ = await start_bot(tmp_path, fake_slack)
    async with asyncio.timeout(60):
        await fake_slack.posted.wait()
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(15):
        await process.wait()
    assert process.returncode == 0
    assert time.monotonic() - started < 8
    assert [status for _, status in ledger_rows(tmp_path)] == ["interrupted"]
    fake_slack.hold_posts.set()
