"""`/digest now`: the channel's digest at once, an extra in the exactly-once ledger.

A real Runtime on a temp SQLite with a recording publisher and a fake clock; the command goes
through `service.answer(text, context)` from a worker thread, as the adapters call it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from builders import an_app
from fakes import FakeClock, RecordingPublisher
from digestbot.bootstrap import App
from digestbot.domain.models import CommandContext
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform

CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[destinations]]
platform = "console"
channel = "ops"
cron = "0 8 * * *"
post_when_empty = true  # nothing is ingested here: the scheduled digest still says so
"""

ADMIN = CommandContext("console", "ops", "ann", is_admin=True)


@pytest.fixture
def app(tmp_path):
    app = an_app(tmp_path, CONFIG, running=True)
    yield app
    app.close()


async def ask(app: App, text: str, context: CommandContext = ADMIN):
    return await asyncio.to_thread(app.service.answer, text, context)


async def test_digest_now_posts_once_per_minute_and_the_scheduled_digest_still_comes(app):
    clock = FakeClock(datetime(2026, 3, 3, 7, 0, 10, tzinfo=timezone.utc))
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)}, clock=clock)
    runtime.scheduler.start()
    runtime.relay.bind()
    try:
        await asyncio.sleep(0)  # the scheduler's start-up catch-up run: nothing due now
        reply = await ask(app, "/digest now")
        assert reply.ok and reply.title == "Digest posted"
        assert publisher.posts == [("ops", "now:2026-03-03T07:00")]
        assert runtime.posting.ledger.status("console:ops", "now:2026-03-03T07:00") == "posted"

        clock.now = datetime(2026, 3, 3, 7, 0, 50, tzinfo=timezone.utc)  # a double click
        reply = await ask(app, "/digest now")
        assert reply.ok and reply.title == "Digest already posted"
        assert len(publisher.posts) == 1

        clock.now = datetime(2026, 3, 3, 8, 0, 5, tzinfo=timezone.utc)
        outcomes = await runtime.scheduler.run_due()
        assert [(o.destination, o.status) for o in outcomes] == [("console:ops", "posted")]
        assert publisher.posts[-1] == ("ops", "2026-03-03T08:00")

        clock.now = datetime(2026, 3, 3, 8, 1, tzinfo=timezone.utc)  # a later minute: another extra
        assert (await ask(app, "/digest now")).title == "Digest posted"
        assert publisher.posts[-1] == ("ops", "now:2026-03-03T08:01")
    finally:
        await runtime.scheduler.drain(timeout=1)


async def test_digest_now_needs_an_admin_a_subscription_and_the_running_bot(app, tmp_path):
    (tmp_path / "chat").mkdir()
    chat = an_app(tmp_path / "chat", CONFIG)  # no runtime hook, as in `digestbot chat`
    try:
        reply = await ask(chat, "/digest now")
    finally:
        chat.close()
    assert not reply.ok and "running bot" in reply.title

    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)})

    runtime.relay.bind()
    reply = await ask(app, "/digest now", CommandContext("console", "ops", "bob", is_admin=False))
    assert not reply.ok and reply.title.startswith("Not allowed")

    reply = await ask(app, "/digest now", CommandContext("console", "elsewhere", "ann", is_admin=True))
    assert not reply.ok and reply.title == "This channel gets no digest"
    assert publisher.posts == []
