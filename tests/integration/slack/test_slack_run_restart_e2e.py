"""End to end: settings made from Slack survive a restart of the real `digestbot run` process.

The same process and fake Slack as test_slack_run_e2e: an admin subscribes channel C1 with
options by a signed `/digest subscribe ...`, a non-admin is refused a change, the process is
stopped with SIGTERM and started again on the same database, and `/digest settings` then shows
the subscription with every option and the admin's change; the first subscription's catch-up
digest is posted once, by the first process only.
"""

from __future__ import annotations

import asyncio
import json
import signal

import aiohttp
from test_slack_commands import signed, slash_body
from test_slack_management import text_of, user_info
from test_slack_run_e2e import SECRET, start_bot

SUBSCRIBE = 'subscribe all daily 08:00 tz Asia/Seoul include "state visit" threads on breaking 2h'
EXPECTED = ("all stories: daily at 08:00 (Asia/Seoul); only with state visit; updates in the story's thread; "
            "breaking news at most every 2 h per story")
ENV = {"DIGESTBOT_RELOAD_SECONDS": "1"}


async def drain(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    """Keep reading the child's log so it never blocks on a full pipe (shown when a test fails)."""
    while line := await process.stderr.readline():
        lines.append(line.decode(errors="replace"))


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(15):
            return await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise


async def digest(port: int, fake, text: str, *, user: str, name: str, channel: str = "C1") -> dict:
    """A signed `/digest TEXT` from USER in CHANNEL; the answer posted to its response_url."""
    body = slash_body(fake, command="/digest", text=text, trigger=f"{name}.1", user_id=user, channel_id=channel,
                      response_url=fake.response_url(name))
    url, headers = f"http://127.0.0.1:{port}/slack/events", signed(body, secret=SECRET)
    async with aiohttp.ClientSession() as session, session.post(url, data=body.encode(), headers=headers) as response:
        assert response.status == 200
    return await fake.next_response(timeout=15)


def first_periods(fake) -> list[str]:
    """The periods of the catch-up digests ("first:...") the fake saw posted, from their metadata."""
    periods = []
    for call in fake.called("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if isinstance(metadata, str):  # a form-encoded call carries it as JSON text
            metadata = json.loads(metadata)
        period = (metadata.get("event_payload") or {}).get("period", "")
        if period.startswith("first:"):
            periods.append(f"{call.params.get('channel')} {period}")
    return periods


async def test_settings_made_from_chat_survive_a_restart(tmp_path, fake_slack):
    log: list[str] = []
    process, port = await start_bot(tmp_path, fake_slack, **ENV)
    reader = asyncio.create_task(drain(process, log))
    try:
        # users.info is asked once per user (then cached): a reader, then a workspace admin.
        fake_slack.script["users.info"] += [user_info("UREADER"), user_info("UADMIN", admin=True)]
        refused = text_of(await digest(port, fake_slack, "topics add x y", user="UREADER", name="refused"))
        assert "Not allowed: /digest topics add changes settings" in refused, refused
        assert "Only workspace or server administrators can do that." in refused, refused

        subscribed = text_of(await digest(port, fake_slack, SUBSCRIBE, user="UADMIN", name="subscribe"))
        assert "Subscribed" in subscribed and "Not allowed" not in subscribed, subscribed
        assert "This channel gets all stories daily at 08:00 (Asia/Seoul)." in subscribed, subscribed
        assert "catch-up digest" in subscribed, subscribed
        assert [p.split()[0] for p in first_periods(fake_slack)] == ["C1"], "".join(log)[-3000:]
    finally:
        returncode = await stop(process)
        reader.cancel()
    assert returncode == 0, "".join(log)[-3000:]
    first_run_posts = len(fake_slack.called("chat.postMessage"))

    log.clear()
    process, port = await start_bot(tmp_path, fake_slack, **ENV)
    reader = asyncio.create_task(drain(process, log))
    try:
        settings = text_of(await digest(port, fake_slack, "settings", user="UREADER", name="settings"))
        assert "Settings for slack C1" in settings, settings
        assert EXPECTED in settings, settings
        assert "Last changes" in settings, settings
        changes = settings.split("Last changes", 1)[1]
        assert "UADMIN: subscribed to all stories, daily at 08:00 (Asia/Seoul)" in changes, settings
        assert "only with state visit" in changes and "breaking news at most every 2 h" in changes, settings
        assert "UREADER" not in changes, settings  # the refused change left nothing behind
        # A few reloads of the schedule later, still no second catch-up digest.
        await asyncio.sleep(2.5)
    finally:
        returncode = await stop(process)
        reader.cancel()
    assert returncode == 0, "".join(log)[-3000:]
    assert len(first_periods(fake_slack)) == 1, first_periods(fake_slack)
    c1_posts = [c for c in fake_slack.called("chat.postMessage")[first_run_posts:] if c.params.get("channel") == "C1"]
    assert all("first:" not in json.dumps(c.params.get("metadata")) for c in c1_posts)
    assert len(fake_slack.called("users.info")) == 2  # reading the settings needs no admin check
