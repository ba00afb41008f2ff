"""Quiet days: a scheduled digest with nothing new for the channel is skipped (recorded in the
ledger as skipped), unless the subscription asks to post "nothing new" (`post_when_empty`);
"nothing was ingested" is said only when nothing was.

A real Runtime on a temp SQLite with a recording publisher and a fake clock.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from builders import an_app
from fakes import FakeClock, RecordingPublisher
from digestbot.domain.models import CommandContext, RawArticle
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from digestbot.run.runtime import Runtime

CONFIG = """
[[destinations]]
platform = "console"
channel = "ops"
cron = "0 8 * * *"
"""
SAYS_SO = CONFIG + "post_when_empty = true\n"


def a_ferry_story() -> RawArticle:
    return RawArticle(
        text="The island ferry service was suspended on Monday after a gearbox failure. Engineers expect "
             "repairs to take two days. Passengers were offered seats on the morning flight.",
        origin="ferry-1", title="Island ferry suspended after gearbox failure", source="Example Wire",
        url="https://example.org/ferry-1", published=datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc),
    )


def a_runtime(tmp_path, config: str, *, stories: bool = True):
    app = an_app(tmp_path, config)
    if stories:
        app.service.ingest([a_ferry_story()])
    clock = FakeClock(datetime(2026, 3, 3, 7, 0, tzinfo=timezone.utc))
    publisher = RecordingPublisher()
    return app, build_runtime(app, {"console": Platform("console", publisher)}, clock=clock), clock, publisher


async def post_on(runtime: Runtime, clock: FakeClock, day: int) -> list[str]:
    clock.now = datetime(2026, 3, day, 8, 0, 5, tzinfo=timezone.utc)
    return [o.status for o in await runtime.scheduler.run_due()]


async def test_a_day_with_nothing_new_is_skipped_and_recorded_so(tmp_path):
    app, runtime, clock, publisher = a_runtime(tmp_path, CONFIG)
    try:
        assert await post_on(runtime, clock, 3) == ["posted"]
        assert await post_on(runtime, clock, 4) == ["skipped"]  # nothing ingested since
        assert publisher.posts == [("ops", "2026-03-03T08:00")]
        assert runtime.posting.ledger.status("console:ops", "2026-03-04T08:00") == "skipped"
        assert await runtime.scheduler.run_due() == []  # not retried, never counted missed
        assert b'outcome="missed"' not in runtime.metrics.exposition()
    finally:
        app.close()


async def test_post_when_empty_says_nothing_new_and_not_that_nothing_was_ingested(tmp_path):
    from digestbot.adapters.discord.render import render_digest
    from digestbot.adapters.slack.render import render_digest as render_slack

    app, runtime, clock, publisher = a_runtime(tmp_path, SAYS_SO)
    try:
        await post_on(runtime, clock, 3)
        assert await post_on(runtime, clock, 4) == ["posted"]
        quiet = publisher.digests[-1]
        assert quiet.stories == [] and quiet.nothing_new
        assert render_digest(quiet)[0].content == "Nothing new since the last digest."
        assert "Nothing new since the last digest." in json.dumps(render_slack(quiet)[0].blocks)
        assert "nothing was ingested" not in json.dumps(render_slack(quiet)[0].blocks)
    finally:
        app.close()


@pytest.mark.parametrize("config, posts", [(CONFIG, []), (SAYS_SO, [("ops", "2026-03-03T08:00")])])
async def test_nothing_ingested_is_said_only_when_asked(tmp_path, config, posts):
    from digestbot.adapters.discord.render import render_digest

    app, runtime, clock, publisher = a_runtime(tmp_path, config, stories=False)
    try:
        await post_on(runtime, clock, 3)
        assert publisher.posts == posts
        if posts:
            assert render_digest(publisher.digests[-1])[0].content == "No stories yet: nothing was ingested."
    finally:
        app.close()


def test_the_option_is_a_chat_setting_too(tmp_path):
    app = an_app(tmp_path, "")
    try:
        admin = CommandContext("console", "night", "ann", is_admin=True)
        assert app.service.management.handle("/digest subscribe all daily 07:30 empty post", admin).ok
        (sub,) = app.service.management.store.subscriptions("console", "night")
        assert sub.options.post_when_empty
        settings = app.service.management.handle("/digest settings", admin)
        assert "says so when there is nothing new" in str(settings)
        refused = app.service.management.handle("/digest subscribe all empty maybe", admin)
        assert not refused.ok and "empty: post or skip" in str(refused)
    finally:
        app.close()
