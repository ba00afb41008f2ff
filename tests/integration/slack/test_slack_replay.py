"""A captured Slack request replayed after a restart is refused: the signatures of handled
requests are kept in the database for the 5 minutes their timestamp is accepted in.

Two runtimes, one after the other, over one SQLite file, each the one `digestbot run` builds
(`build_platforms` with Slack in HTTP mode against the fake Slack, `Runtime.start()` serving
`/slack/events` on loopback).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from builders import an_app_with_a_visit_story, two_channels_config
from digestbot.bootstrap import bootstrap, platform_needs
from digestbot.run.metrics import Metrics
from digestbot.run.platforms import build_platforms
from digestbot.bootstrap import build_runtime
from digestbot.run.runtime import Runtime
from digestbot.storage.seen_requests import SqlSeenRequests
from test_slack_commands import signed, slash_body
from test_slack_now_and_notices import slack_env


async def post(port: int, body: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
                                headers=headers) as response:
            return response.status


async def started(app, fake_slack) -> tuple[Runtime, int]:
    runtime = build_runtime(app, build_platforms(platform_needs(app), Metrics(), slack_env(fake_slack)))
    return runtime, await runtime.start()


async def test_a_request_replayed_after_a_restart_is_refused(tmp_path, fake_slack):
    first_app = an_app_with_a_visit_story(tmp_path, two_channels_config("slack", "C1", "C2"))
    body = slash_body(fake_slack, command="/visit", text="facts", trigger="captured.1")
    headers = signed(body)  # captured on the wire as Slack sent it
    runtime, port = await started(first_app, fake_slack)
    try:
        assert await post(port, body, headers) == 200
        await fake_slack.next_response(timeout=30)
    finally:
        await runtime.stop()
        first_app.close()

    restarted_app = bootstrap(first_app.settings)  # the same SQLite file, a new process's state
    runtime, port = await started(restarted_app, fake_slack)
    try:
        assert await post(port, body, headers) == 409  # the replay: refused before bolt
        fresh = slash_body(fake_slack, command="/visit", text="facts", trigger="fresh.2")
        assert await post(port, fresh, signed(fresh)) == 200  # a new request still works
        await fake_slack.next_response(timeout=30)
        with pytest.raises(TimeoutError):
            await fake_slack.next_response(timeout=1)  # the replay was never answered
    finally:
        await runtime.stop()
        restarted_app.close()


def test_seen_requests_expire_after_the_window_and_are_pruned(tmp_path):
    app = an_app_with_a_visit_story(tmp_path, two_channels_config("slack", "C1", "C2"))
    try:
        seen = SqlSeenRequests(app.store.engine, window=timedelta(minutes=5))
        now = datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc)
        assert seen.first_time("a" * 64, now)
        assert not seen.first_time("a" * 64, now + timedelta(minutes=4))
        assert seen.first_time("b" * 64, now + timedelta(minutes=6))  # prunes "a"
        with app.store.engine.connect() as connection:
            from sqlalchemy import text

            keys = connection.execute(text("SELECT key FROM seen_requests")).scalars().all()
        assert keys == ["b" * 64]
    finally:
        app.close()


async def test_a_retried_delivery_after_a_restart_is_acknowledged_and_not_run_again(tmp_path, fake_slack):
    """The process handled a request, then died before Slack saw the ack; Slack retries it
    (`X-Slack-Retry-Num`, signed anew) at the restarted process, whose in-memory trigger ids
    are gone. The retry is acknowledged with `X-Slack-No-Retry` and never reaches bolt."""
    first_app = an_app_with_a_visit_story(tmp_path, two_channels_config("slack", "C1", "C2"))
    body = slash_body(fake_slack, command="/visit", text="facts", trigger="retried.1")
    runtime, port = await started(first_app, fake_slack)
    try:
        assert await post(port, body, signed(body)) == 200
        await fake_slack.next_response(timeout=30)
    finally:
        await runtime.stop()
        first_app.close()

    restarted_app = bootstrap(first_app.settings)
    runtime, port = await started(restarted_app, fake_slack)
    try:
        resigned = signed(body, ts=int(time.time()) + 1)  # Slack signs each delivery anew
        retry = {**resigned, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert await post(port, body, retry) == 200
        with pytest.raises(TimeoutError):
            await fake_slack.next_response(timeout=1)  # answered once, before the restart
    finally:
        await runtime.stop()
        restarted_app.close()
