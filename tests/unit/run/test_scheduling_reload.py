"""`DigestScheduler.set_schedules`: destinations added, removed and changed while running."""

from datetime import datetime, timedelta, timezone

import pytest

from fakes import FakeClock, RecordingPoster
from digestbot.domain.models import ScheduleError
from digestbot.run.scheduling import DigestScheduler, Schedule
from digestbot.storage.ledger import SqlLedger
from digestbot.storage.migrate import open_database


@pytest.fixture
def engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield engine
    engine.dispose()


def digest_jobs(scheduler: DigestScheduler) -> dict[str, str]:
    """APScheduler's digest jobs: id -> the trigger's text (fields and zone)."""
    return {job.id: f"{job.trigger} {job.trigger.timezone}" for job in scheduler._scheduler.get_jobs() if job.id.startswith("digest:")}


async def test_jobs_are_added_removed_and_replaced_without_duplicates(engine):
    clock, poster = FakeClock(datetime(2026, 1, 5, 7, 0, tzinfo=timezone.utc)), RecordingPoster()
    a, b = Schedule("console:a", "0 8 * * *", "UTC"), Schedule("console:b", "0 9 * * *", "UTC")
    scheduler = DigestScheduler([a, b], SqlLedger(engine), poster, clock=clock)
    scheduler.start()
    try:
        assert set(digest_jobs(scheduler)) == {"digest:console:a", "digest:console:b"}

        c = Schedule("console:c", "30 7 * * 1-5", "Europe/Berlin")
        b_changed = Schedule("console:b", "0 10 * * *", "Asia/Seoul")
        changes = scheduler.set_schedules([b_changed, c])
        assert (changes.added, changes.removed, changes.changed) == (["console:c"], ["console:a"], ["console:b"])
        jobs = digest_jobs(scheduler)
        assert set(jobs) == {"digest:console:b", "digest:console:c"}
        assert "hour='10'" in jobs["digest:console:b"] and "Asia/Seoul" in jobs["digest:console:b"]
        assert "Europe/Berlin" in jobs["digest:console:c"]

        # The same schedules again change nothing; the job list never holds a duplicate.
        assert not scheduler.set_schedules([b_changed, c])
        ids = [job.id for job in scheduler._scheduler.get_jobs()]
        assert len(ids) == len(set(ids))
        assert scheduler.schedules == [b_changed, c]

        assert not scheduler.set_schedules([]).added
        assert digest_jobs(scheduler) == {}
    finally:
        await scheduler.drain(timeout=1)


async def test_a_bad_schedule_changes_nothing(engine):
    a = Schedule("console:a", "0 8 * * *", "UTC")
    scheduler = DigestScheduler([a], SqlLedger(engine), RecordingPoster())
    scheduler.start()
    try:
        with pytest.raises(ScheduleError):
            scheduler.set_schedules([Schedule("console:b", "0 8 * * *", "Mars/Olympus")])
        assert scheduler.schedules == [a]
        assert set(digest_jobs(scheduler)) == {"digest:console:a"}
    finally:
        await scheduler.drain(timeout=1)


async def test_run_due_follows_the_new_schedules_and_the_ledger_still_posts_once(engine):
    clock, poster = FakeClock(datetime(2026, 1, 5, 8, 0, 5, tzinfo=timezone.utc)), RecordingPoster()
    a = Schedule("console:a", "0 8 * * *", "UTC")
    scheduler = DigestScheduler([a], SqlLedger(engine), poster, clock=clock)
    assert [o.status for o in await scheduler.run_due()] == ["posted"]

    # Removed: neither run_due nor a job or retry already queued for it posts anything.
    scheduler.set_schedules([])
    clock.now += timedelta(days=1)
    assert await scheduler.run_due() == []
    assert await scheduler._run_one("console:a") is None

    # Added back (unsubscribe, subscribe again): today's period is posted once, not twice.
    scheduler.set_schedules([a])
    assert [o.status for o in await scheduler.run_due()] == ["posted"]
    scheduler.set_schedules([])
    scheduler.set_schedules([a])
    assert await scheduler.run_due() == []
    assert poster.sent == [("console:a", "2026-01-05T08:00"), ("console:a", "2026-01-06T08:00")]

    # Changed before it was started: works the same without APScheduler running.
    scheduler.set_schedules([Schedule("console:a", "0 9 * * *", "UTC")])
    clock.now = datetime(2026, 1, 6, 9, 0, 5, tzinfo=timezone.utc)
    assert [(o.period, o.status) for o in await scheduler.run_due()] == [("2026-01-06T09:00", "posted")]
