"""Exactly-once scheduled digests on a fixed clock: no sleeping, the real ledger on SQLite."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from digestbot.domain.models import Claim
from fakes import FakeClock, RecordingPoster
from digestbot.run.cron import latest_fire_time
from digestbot.domain.models import ScheduleError
from digestbot.run.scheduling import DigestScheduler, Schedule
from digestbot.storage.ledger import SqlLedger
from digestbot.storage.migrate import open_database

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def engine(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield engine
    engine.dispose()


def a_scheduler(engine, clock, poster, cron="0 8 * * *", tz="Asia/Seoul", grace=timedelta(hours=1)):
    schedule = Schedule("console:team", cron, tz)
    return DigestScheduler([schedule], SqlLedger(engine), poster, grace=grace, clock=clock)


async def test_due_digest_is_posted_once(engine):
    clock, poster = FakeClock(datetime(2026, 1, 5, 8, 0, 5, tzinfo=SEOUL)), RecordingPoster()
    scheduler = a_scheduler(engine, clock, poster)
    assert [o.status for o in await scheduler.run_due()] == ["posted"]
    clock.now += timedelta(minutes=5)
    assert await scheduler.run_due() == []
    assert poster.sent == [("console:team", "2026-01-05T08:00")]


async def test_downtime_within_grace_posts_once_on_restart(engine):
    poster = RecordingPoster()
    restarted = a_scheduler(engine, FakeClock(datetime(2026, 1, 5, 8, 40, tzinfo=SEOUL)), poster)
    assert [o.status for o in await restarted.run_due()] == ["posted"]
    again = a_scheduler(engine, FakeClock(datetime(2026, 1, 5, 8, 50, tzinfo=SEOUL)), poster)
    assert await again.run_due() == []
    assert len(poster.sent) == 1


async def test_downtime_past_grace_is_reported_missed_once(engine):
    poster = RecordingPoster()
    clock = FakeClock(datetime(2026, 1, 5, 10, 0, tzinfo=SEOUL))
    missed = []
    ledger = SqlLedger(engine)
    ledger.started("console:team", datetime(2026, 1, 1, tzinfo=SEOUL))  # scheduled before the downtime
    scheduler = DigestScheduler([Schedule("console:team", "0 8 * * *", "Asia/Seoul")], ledger, poster,
                                clock=clock, on_missed=lambda d, p: missed.append((d, p)))
    assert [o.status for o in await scheduler.run_due()] == ["missed"]
    assert await scheduler.run_due() == []
    assert poster.sent == []
    assert missed == [("console:team", "2026-01-05T08:00")]


async def test_fresh_install_counts_no_missed_digest_from_before_it_existed(engine):
    poster, missed = RecordingPoster(), []
    clock = FakeClock(datetime(2026, 1, 5, 10, 0, tzinfo=SEOUL))  # first start, two hours after 08:00
    scheduler = DigestScheduler([Schedule("console:stdout", "0 8 * * *", "Asia/Seoul")], SqlLedger(engine), poster,
                                clock=clock, on_missed=lambda d, p: missed.append((d, p)))
    assert await scheduler.run_due() == []
    assert SqlLedger(engine).status("console:stdout", "2026-01-05T08:00") is None
    restarted = DigestScheduler([Schedule("console:stdout", "0 8 * * *", "Asia/Seoul")], SqlLedger(engine), poster,
                                clock=FakeClock(datetime(2026, 1, 6, 11, 0, tzinfo=SEOUL)),
                                on_missed=lambda d, p: missed.append((d, p)))
    # The next day's digest, due after the install and not posted (the bot was down), is missed.
    assert [o.status for o in await restarted.run_due()] == ["missed"]
    assert missed == [("console:stdout", "2026-01-06T08:00")]
    assert poster.sent == []


async def test_two_schedulers_on_one_database_post_once(engine, tmp_path):
    other_engine = open_database(f"sqlite:///{tmp_path / 'ledger.db'}")
    clock, poster = FakeClock(datetime(2026, 1, 5, 8, 1, tzinfo=SEOUL)), RecordingPoster()
    first, second = a_scheduler(engine, clock, poster), a_scheduler(other_engine, clock, poster)
    await first.run_due()
    await second.run_due()
    assert len(poster.sent) == 1
    other_engine.dispose()


async def test_failed_post_is_released_and_retried(engine):
    clock = FakeClock(datetime(2026, 1, 5, 8, 1, tzinfo=SEOUL))
    calls = []

    async def flaky(destination, period, recovering):
        calls.append(period)
        if len(calls) == 1:
            raise ConnectionError("platform down")
        return "ok"

    scheduler = a_scheduler(engine, clock, flaky)
    assert [o.status for o in await scheduler.run_due()] == ["failed"]
    assert [o.status for o in await scheduler.run_due()] == ["posted"]


async def test_crash_after_claim_is_not_posted_again_within_the_lease(engine):
    clock, poster = FakeClock(datetime(2026, 1, 5, 8, 1, tzinfo=SEOUL)), RecordingPoster()
    ledger = SqlLedger(engine)
    assert ledger.claim("console:team", "2026-01-05T08:00", clock.now) is Claim.FRESH  # then the process died
    scheduler = a_scheduler(engine, clock, poster)
    assert await scheduler.run_due() == []
    assert poster.sent == []


@pytest.mark.parametrize(
    "zone, day_before",
    [("America/New_York", datetime(2026, 3, 7)), ("America/New_York", datetime(2026, 10, 31)),
     ("Europe/London", datetime(2026, 3, 28)), ("Europe/London", datetime(2026, 10, 24))],
)
async def test_daily_digest_posts_once_per_local_day_across_dst(engine, zone, day_before):
    tz = ZoneInfo(zone)
    start = day_before.replace(tzinfo=tz)
    clock, poster = FakeClock(start), RecordingPoster()
    scheduler = a_scheduler(engine, clock, poster, cron="30 1 * * *", tz=zone)
    while clock.now < start + timedelta(days=3):
        await scheduler.run_due()
        clock.now += timedelta(minutes=10)
    days = [period[:10] for _, period in poster.sent]
    assert len(days) == len(set(days)) == 3


def test_latest_fire_time_is_trigger_arithmetic():
    trigger = Schedule("d", "0 8 * * 1-5", "Asia/Seoul").trigger()
    saturday = datetime(2026, 1, 10, 12, tzinfo=SEOUL)
    assert latest_fire_time(trigger, saturday, timedelta(days=8)) == datetime(2026, 1, 9, 8, tzinfo=SEOUL)


@pytest.mark.parametrize("cron, tz, message", [("nope", "UTC", "bad cron"), ("0 8 * * *", "Mars/Base", "unknown time zone")])
def test_bad_schedule_is_named(cron, tz, message):
    with pytest.raises(ScheduleError, match=message):
        Schedule("d", cron, tz).trigger()


@pytest.mark.parametrize(
    "field, expected",
    [("*", "*"), ("1-5", "mon,tue,wed,thu,fri"), ("0", "sun"), ("7", "sun"), ("5-1", "sun,mon,fri,sat"),
     ("*/3", "sun,wed,sat"), ("sat,sun", "sat,sun"), ("1,3", "mon,wed")],
)
def test_weekdays_follow_standard_cron(field, expected):
    from digestbot.run.cron import standard_weekdays

    assert standard_weekdays(field) == expected


async def test_drain_lets_an_in_flight_post_finish_and_takes_no_new_work(engine):
    import asyncio

    clock = FakeClock(datetime(2026, 1, 5, 8, 1, tzinfo=SEOUL))
    release = asyncio.Event()
    sent = []

    async def slow_post(destination, period, recovering):
        await release.wait()
        sent.append(period)
        return "ok"

    scheduler = a_scheduler(engine, clock, slow_post)
    in_flight = asyncio.create_task(scheduler.run_due())
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_soon(release.set)
    assert await scheduler.drain(timeout=5) == 0
    assert [o.status for o in await in_flight] == ["posted"]
    clock.now += timedelta(days=1)
    assert await scheduler.run_due() == []  # stopped: no new claims
    assert sent == ["2026-01-05T08:00"]


async def test_a_failed_digest_stays_queued_and_is_retried_for_its_own_period(engine):
    clock = FakeClock(datetime(2026, 1, 5, 8, 0, 30, tzinfo=SEOUL))
    attempts = []

    class Deferred(Exception):
        retry_after = 90  # e.g. a rate limit longer than the platform adapter waits

    async def rate_limited_then_ok(destination, period, recovering):
        attempts.append(period)
        if len(attempts) == 1:
            raise Deferred()
        return "ok"

    scheduler = a_scheduler(engine, clock, rate_limited_then_ok, cron="* * * * *")
    assert [o.status for o in await scheduler.run_due()] == ["failed"]
    [(destination, fire, when)] = scheduler.retries
    assert when == clock.now + timedelta(seconds=90)
    clock.now = when  # a newer period is due by now, but the failed one is not forgotten
    assert (await scheduler._run_one(destination, fire)).status == "posted"
    assert attempts == ["2026-01-05T08:00", "2026-01-05T08:00"]


async def test_restart_does_not_duplicate_jobs(engine):
    clock, poster = FakeClock(datetime(2026, 1, 5, 7, 0, tzinfo=SEOUL)), RecordingPoster()
    schedules = [Schedule("console:a", "0 8 * * *", "Asia/Seoul"), Schedule("console:b", "0 9 * * *", "UTC")]

    async def poll():
        pass

    for _restart in range(3):
        scheduler = DigestScheduler(schedules, SqlLedger(engine), poster, clock=clock)
        scheduler.every("poll-feeds", 30, poll)
        scheduler.start()
        scheduler.start()  # a second start in the same process is a no-op
        jobs = sorted(job.id for job in scheduler._scheduler.get_jobs())
        assert jobs == ["digest:console:a", "digest:console:b", "poll-feeds"]
        await scheduler.drain(timeout=1)


async def test_no_period_before_a_schedules_not_before_is_posted(engine):
    poster = RecordingPoster()
    created = datetime(2026, 1, 5, 8, 3, tzinfo=SEOUL)  # subscribed just after the 08:00 digest
    schedule = Schedule("console:team", "0 8 * * *", "Asia/Seoul", not_before=created)
    restarted = DigestScheduler([schedule], SqlLedger(engine), poster,
                                clock=FakeClock(datetime(2026, 1, 5, 8, 10, tzinfo=SEOUL)))
    assert await restarted.run_due() == [] and poster.sent == []
    next_day = DigestScheduler([schedule], SqlLedger(engine), poster,
                               clock=FakeClock(datetime(2026, 1, 6, 8, 0, 5, tzinfo=SEOUL)))
    assert [o.status for o in await next_day.run_due()] == ["posted"]


async def test_a_failed_recovery_stays_a_recovery_so_the_retry_looks_for_the_earlier_post(engine):
    ledger = SqlLedger(engine)
    crashed_at = datetime(2026, 1, 5, 8, 0, 5, tzinfo=SEOUL)
    assert ledger.claim("console:team", "2026-01-05T08:00", crashed_at) is Claim.FRESH  # posted, then a crash
    attempts: list[bool] = []

    async def flaky(destination, period, recovering=False):
        attempts.append(recovering)
        if len(attempts) == 1:
            raise ConnectionError("platform down while looking")
        return "msg-1"

    clock = FakeClock(crashed_at + timedelta(minutes=11))  # past the claim lease
    scheduler = DigestScheduler([Schedule("console:team", "0 8 * * *", "Asia/Seoul")], ledger, flaky, clock=clock)
    assert [o.status for o in await scheduler.run_due()] == ["failed"]
    assert [o.status for o in await scheduler.run_due()] == ["posted"]
    assert attempts == [True, True]  # the retry is a recovery too: it looks before posting
