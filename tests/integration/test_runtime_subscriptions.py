"""`Runtime` schedules the database's subscriptions and feeds and follows changes from chat.

A real Runtime on a temp SQLite with a recording console publisher; time is the scheduler's
injected clock, and the reload and `run_due` are called directly: no sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from builders import an_app
from fakes import FakeClock, RecordingPublisher
from digestbot.bootstrap import App
from digestbot.domain.models import CommandContext
from digestbot.bootstrap import build_runtime
from digestbot.domain.platforms import Platform
from digestbot.run.runtime import Runtime
from digestbot.domain.records import AuditEntry

CONFIG = """
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[destinations]]
platform = "console"
channel = "ops"
cron = "0 8 * * *"
post_when_empty = true  # these tests post without stories: each digest says "nothing new"
"""

FEED = """
[[feeds]]
url = "https://example.org/config.xml"
every = "1h"
"""

ADMIN = "ann"


@pytest.fixture
def app(request, tmp_path):
    app = an_app(tmp_path, CONFIG + getattr(request, "param", ""))
    yield app
    app.close()


def chat(app: App, channel: str, command: str) -> str:
    context = CommandContext("console", channel, ADMIN, is_admin=True)
    reply = app.service.management.handle(command, context)
    assert reply.ok, reply
    return reply.title


def digest_jobs(runtime: Runtime) -> set[str]:
    return {job.id for job in runtime.scheduler._scheduler.get_jobs() if job.id.startswith("digest:")}


async def test_a_subscription_added_after_start_is_posted_and_a_removed_one_is_not(app):
    clock = FakeClock(datetime(2026, 3, 3, 7, 0, tzinfo=timezone.utc))
    app.service.management._clock = clock  # subscriptions are made "now" on the same clock
    publisher = RecordingPublisher()
    runtime = build_runtime(app, {"console": Platform("console", publisher)}, clock=clock)
    assert set(runtime.posting.destinations) == {"console:ops"}  # seeded from the configuration file
    runtime.scheduler.start()
    try:
        assert digest_jobs(runtime) == {"digest:console:ops"}

        assert chat(app, "night", '/digest subscribe all cron "30 7 * * *" tz UTC empty post') == "Subscribed"
        await runtime.reloader.reload()
        assert set(runtime.posting.destinations) == {"console:ops", "console:night"}
        assert digest_jobs(runtime) == {"digest:console:ops", "digest:console:night"}

        clock.now = datetime(2026, 3, 3, 7, 30, 5, tzinfo=timezone.utc)
        assert [(o.destination, o.status) for o in await runtime.scheduler.run_due()] == [("console:night", "posted")]
        assert publisher.posts == [("night", "2026-03-03T07:30")]

        clock.now = datetime(2026, 3, 3, 8, 0, 5, tzinfo=timezone.utc)
        await runtime.scheduler.run_due()
        assert publisher.posts[-1] == ("ops", "2026-03-03T08:00")

        # Changed from chat: the new time counts, the job is replaced, not doubled.
        assert chat(app, "night", "/digest subscribe all daily 09:15 tz Asia/Seoul") == "Subscription changed"
        await runtime.reloader.reload()
        assert runtime.posting.destinations["console:night"].cron == "15 9 * * *"
        assert digest_jobs(runtime) == {"digest:console:ops", "digest:console:night"}
        clock.now = datetime(2026, 3, 4, 0, 15, 5, tzinfo=timezone.utc)  # 09:15 in Seoul
        await runtime.scheduler.run_due()
        assert publisher.posts[-1] == ("night", "2026-03-04T09:15")

        # Removed from chat: no job, and nothing posted at its next due time.
        assert chat(app, "night", "/digest unsubscribe") == "Unsubscribed"
        await runtime.reloader.reload()
        assert set(runtime.posting.destinations) == {"console:ops"}
        assert digest_jobs(runtime) == {"digest:console:ops"}
        posted = len(publisher.posts)
        clock.now = datetime(2026, 3, 5, 0, 15, 5, tzinfo=timezone.utc)
        assert [o.destination for o in await runtime.scheduler.run_due()] == ["console:ops"]  # missed: 08:00 UTC
        assert len(publisher.posts) == posted
    finally:
        await runtime.scheduler.drain(timeout=1)


async def test_a_channel_on_two_schedules_is_two_destinations_with_one_memory(app):
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    chat(app, "ops", '/digest subscribe arnvik weekdays 17:00 tz Europe/Berlin')
    await runtime.reloader.reload()
    evening = "console:ops [0 17 * * 1-5 Europe/Berlin]"
    assert set(runtime.posting.destinations) == {"console:ops", evening}
    assert runtime.posting.destinations["console:ops"].topics == ("*",)  # the oldest subscription keeps the plain id
    assert runtime.posting.destinations[evening].topics == ("arnvik",)
    assert {d.memory_key for d in runtime.posting.destinations.values()} == {"console:ops"}


@pytest.mark.parametrize("app", [FEED], indirect=True)
async def test_feeds_follow_the_database(app):
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    assert runtime.feeds.poller.feeds == {"https://example.org/config.xml": timedelta(hours=1)}

    store = app.service.management.store
    audit = AuditEntry(datetime.now(timezone.utc), "console", "ops", ADMIN, "feeds.add", "added", None, None)
    added = store.add_feed("https://example.org/chat.xml", "15m", None, audit)
    await runtime.reloader.reload()
    assert runtime.feeds.poller.feeds == {"https://example.org/config.xml": timedelta(hours=1),
                                    "https://example.org/chat.xml": timedelta(minutes=15)}

    store.remove_feed(added.id, audit)
    store.remove_feed(store.feeds()[0].id, audit)
    await runtime.reloader.reload()
    assert runtime.feeds.poller.feeds == {}


async def test_no_subscription_at_all_falls_back_to_the_console_default(app):
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    chat(app, "ops", "/digest unsubscribe")
    await runtime.reloader.reload()
    assert set(runtime.posting.destinations) == {"console:stdout"}
    assert runtime.posting.destinations["console:stdout"].cron == "0 8 * * *"


async def test_a_subscription_for_a_platform_that_is_not_running(app):
    store = app.service.management.store
    audit = AuditEntry(datetime.now(timezone.utc), "slack", "C1", ADMIN, "subscribe", "subscribed", None, None)
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})
    store.save_subscription("slack", "C1", "*", "0 8 * * *", "UTC", audit)
    await runtime.reloader.reload()  # appearing later: skipped, the rest carries on
    assert set(runtime.posting.destinations) == {"console:ops"}
    with pytest.raises(RuntimeError, match="destinations use slack but it is not configured"):
        build_runtime(app, {"console": Platform("console", RecordingPublisher())})  # at start: refused


async def test_a_reload_during_a_database_outage_logs_one_line_not_a_traceback(app, caplog, monkeypatch):
    import sqlalchemy.exc

    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())})

    async def unreachable() -> None:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("unable to open database file"))

    monkeypatch.setattr(runtime.reloader, "reload", unreachable)
    with caplog.at_level("WARNING", logger="digestbot"):
        await runtime.reloader.job()
    [record] = [r for r in caplog.records if "could not reload" in r.getMessage()]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert record.getMessage().startswith("could not reload subscriptions and feeds: ")


async def test_digest_settings_shows_the_channels_last_digests_from_the_ledger(app):
    """Per-destination detail lives in the channel's own `/digest settings` (and the logs), not
    in /metrics labels: what became of its latest digests, newest first."""
    clock = FakeClock(datetime(2026, 3, 3, 8, 0, 5, tzinfo=timezone.utc))
    runtime = build_runtime(app, {"console": Platform("console", RecordingPublisher())}, clock=clock)
    await runtime.scheduler.run_due()
    context = CommandContext("console", "ops", ADMIN, is_admin=True)
    reply = app.service.management.handle("/digest settings", context)
    [last] = [section for section in reply.sections if section.heading == "Last digests"]
    assert len(last.lines) == 1 and last.lines[0].startswith("2026-03-03T08:00: posted (2026-")
    other = app.service.management.handle("/digest settings", CommandContext("console", "night", ADMIN, is_admin=True))
    assert all(section.heading != "Last digests" for section in other.sections)  # another channel's own
