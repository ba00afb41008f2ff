"""Scheduled digests, posted exactly once per (destination, digest period).

APScheduler 3 only wakes us up; whether a digest is due, missed or already posted is decided
by the ledger in the database, so restarts, downtime and two processes on one database never
post a digest twice or silently skip one. The only module that imports apscheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..domain.models import Claim, ScheduleError
from ..domain.ports import Ledger, Skip
from .cron import latest_fire_time, period_key, standard_weekdays

log = logging.getLogger("digestbot.run.scheduling")

RETRY_DELAY = timedelta(minutes=1)  # the first wait before a failed digest is tried again
MAX_RETRY_DELAY = timedelta(minutes=15)  # backoff doubles up to this (a platform's Retry-After may ask more)


@dataclass(frozen=True)
class Schedule:
    """When one destination's digest is due."""

    destination: str  # a stable id, e.g. "slack:C0123"
    cron: str
    timezone: str
    # No period fires before this (a subscription's creation): a restart within the grace
    # does not post a period that ended before anyone subscribed.
    not_before: datetime | None = field(default=None, compare=False)

    def trigger(self) -> CronTrigger:
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"unknown time zone {self.timezone!r}") from None
        fields = self.cron.split()
        if len(fields) != 5:
            raise ScheduleError(f"bad cron {self.cron!r}: needs 5 fields (minute hour day month weekday)")
        minute, hour, day, month, weekday = fields
        try:
            return CronTrigger(
                minute=minute, hour=hour, day=day, month=month,
                day_of_week=standard_weekdays(weekday), timezone=zone,
            )
        except ValueError as exc:
            raise ScheduleError(f"bad cron {self.cron!r}: {exc}") from None


def check_schedule(cron: str, timezone_name: str) -> None:
    """A ScheduleError when the cron or the zone cannot be used: the configuration's check
    (bootstrap passes it to `load_config`), which may not import APScheduler."""
    Schedule("check", cron, timezone_name).trigger()


def next_fire_time(cron: str, timezone_name: str, after: datetime) -> datetime | None:
    """When a cron in a zone fires next after `after` (None: never, like 31 February); a
    ScheduleError when it cannot be used. The `NextFireTime` port of the management commands."""
    return Schedule("check", cron, timezone_name).trigger().get_next_fire_time(None, after)


@dataclass
class Outcome:
    destination: str
    period: str
    status: str  # posted | skipped (nothing new: `post` answered Skip) | missed | failed


@dataclass
class ScheduleChanges:
    """What `DigestScheduler.set_schedules` did, by destination id."""

    added: list[str]
    removed: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @classmethod
    def between(cls, current: dict[str, Schedule], wanted: dict[str, Schedule]) -> ScheduleChanges:
        return cls(added=[d for d in wanted if d not in current],
                   removed=[d for d in current if d not in wanted],
                   changed=[d for d in wanted if d in current and current[d] != wanted[d]])


class DigestScheduler:
    """Decides what is due and posts it once; `run_due` is pure logic on an injected clock."""

    def __init__(
        self,
        schedules: list[Schedule],
        ledger: Ledger,
        post: Callable[[str, str, bool], Awaitable[str | Skip | None]],
        *,
        grace: timedelta = timedelta(hours=1),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        on_missed: Callable[[str, str], None] = lambda destination, period: None,
        on_failed: Callable[[str, str], None] = lambda destination, period: None,
        retry_delay: timedelta = RETRY_DELAY,
        max_retry_delay: timedelta = MAX_RETRY_DELAY,
    ):
        self._schedules = {s.destination: s for s in schedules}
        self._on_missed = on_missed
        self._on_failed = on_failed
        self._retry_delay = retry_delay
        self._max_retry_delay = max(max_retry_delay, retry_delay)
        self._attempts: dict[tuple[str, str], int] = {}  # failed tries per (destination, period)
        # Ledger writes that failed (database down) after a claim or a post: each is made again
        # before the period's retry decides anything, so a claim is never left held by us.
        self._owed: dict[tuple[str, str], Callable[[], object]] = {}
        self._posted_unrecorded: set[tuple[str, str]] = set()  # posted, the ledger's `complete` owed
        # When each destination was first scheduled (the ledger keeps it; this process offers
        # the time it was given the schedule): a period before that is never counted missed.
        self._offered_start = {s.destination: clock() for s in schedules}
        self._started: dict[str, datetime] = {}
        self._triggers = {s.destination: s.trigger() for s in schedules}
        self._ledger = ledger
        self._post = post
        self._grace = grace
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._stopping = False
        self._in_flight: set[asyncio.Task] = set()
        self._periodic: dict[str, tuple[float, Callable[[], Awaitable[object]]]] = {}
        self.retries: list[tuple[str, datetime, datetime]] = []  # (destination, fire, when) scheduled

    def _schedule_retry(self, destination: str, fire: datetime, error: Exception) -> None:
        """A failed digest stays queued: the same period is tried again later, backing off
        (doubling from `retry_delay`; a platform's Retry-After when it gave more). Within the
        grace the last try lands on its edge; past it, the retry records the period missed (once
        the database answers again). A permanent refusal (the destination is gone or the bot
        was removed) is not retried; nor is a period older than the scheduler looks back."""
        if getattr(error, "permanent", False):
            return
        now = self._clock().astimezone(timezone.utc)
        if now - fire > self._lookback():
            log.error("digest given up", extra={"destination": destination, "period": period_key(fire)})
            self._attempts.pop((destination, period_key(fire)), None)
            return
        when = now + self._retry_wait(destination, fire, error)
        deadline = fire.astimezone(timezone.utc) + self._grace
        if now < deadline < when:
            when = deadline
        self.retries.append((destination, fire, when))
        if self._scheduler is not None and self._scheduler.running:
            # APScheduler runs on the real clock: the wait, not our clock's time, carries over.
            run_at = datetime.now(timezone.utc) + (when - now)
            self._scheduler.add_job(
                self._run_one, DateTrigger(run_at), args=[destination, fire],
                id=f"retry:{destination}:{period_key(fire)}", replace_existing=True, misfire_grace_time=None,
            )

    def _retry_wait(self, destination: str, fire: datetime, error: Exception) -> timedelta:
        key = (destination, period_key(fire))
        attempts = self._attempts[key] = self._attempts.get(key, 0) + 1
        backoff = min(self._retry_delay * 2 ** min(attempts - 1, 30), self._max_retry_delay)
        asked = timedelta(seconds=float(getattr(error, "retry_after", 0) or 0))
        return max(backoff, asked)

    def _lookback(self) -> timedelta:
        """How far back a missed digest is noticed, once."""
        return max(self._grace * 2, timedelta(days=8))

    def set_schedules(self, schedules: list[Schedule]) -> ScheduleChanges:
        """Make `schedules` the destinations scheduled, while running: a new destination gets
        its cron job (`digest:<destination>`), a removed one loses it, one whose cron or time
        zone changed has its job replaced; the others are left alone.

        Every schedule is checked first (ScheduleError), so a bad one changes nothing. The
        ledger is untouched: a destination removed and added again is still posted once per
        period. A new or changed job fires at its next fire time (no catch-up now: `/digest
        subscribe` tells the channel its next digest is the next fire time); a retry or
        a firing already under way for a removed destination posts nothing.
        """
        wanted = {s.destination: s for s in schedules}
        triggers = {destination: s.trigger() for destination, s in wanted.items()}
        changes = ScheduleChanges.between(self._schedules, wanted)
        self._schedules = wanted
        self._triggers = triggers
        for destination in changes.added:
            self._offered_start.setdefault(destination, self._clock())
        if self.running:
            self._replace_jobs(changes)
        if changes:
            log.info("schedules changed", extra={"added": changes.added, "removed": changes.removed,
                                                 "changed": changes.changed})
        return changes

    def _replace_jobs(self, changes: ScheduleChanges) -> None:
        for destination in changes.removed:
            job = self._scheduler.get_job(f"digest:{destination}")
            if job is not None:
                job.remove()
        for destination in changes.added + changes.changed:
            self._add_digest_job(self._scheduler, destination, self._triggers[destination])

    @property
    def schedules(self) -> list[Schedule]:
        return list(self._schedules.values())

    def _add_digest_job(self, scheduler: AsyncIOScheduler, destination: str, trigger: CronTrigger) -> None:
        scheduler.add_job(
            self._run_one,
            trigger,
            args=[destination],
            id=f"digest:{destination}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,  # lateness is judged by the ledger, not by APScheduler
        )

    def every(self, name: str, seconds: float, job: Callable[[], Awaitable[object]]) -> None:
        """Run `job` every `seconds` in the loop (feed polling); one run at a time."""
        self._periodic[name] = (seconds, job)

    async def run_due(self) -> list[Outcome]:
        """Post every digest that is due now and not yet in the ledger (within the grace)."""
        outcomes = []
        for schedule in list(self._schedules.values()):
            outcome = await self._run_one(schedule.destination)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def _run_one(self, destination: str, fire: datetime | None = None) -> Outcome | None:
        if self._stopping:
            return None
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            return await self._decide_and_post(destination, fire)
        finally:
            self._in_flight.discard(task)

    async def _decide_and_post(self, destination: str, fire: datetime | None = None) -> Outcome | None:
        """Post the period of `fire` (default: the latest fire time) unless the ledger has it.

        Every ledger call runs in a thread (a locked database must not stall the loop), and a
        failing one (the database unreachable) fails the attempt like a failed post: the
        period is retried with backoff, never dropped.
        """
        if destination not in self._triggers:  # removed by set_schedules since this was queued
            return None
        now = self._clock().astimezone(timezone.utc)
        if fire is None:
            fire = latest_fire_time(self._triggers[destination], now, self._lookback())
        if fire is None:
            return None
        not_before = self._schedules[destination].not_before
        if not_before is not None and fire < not_before:
            return None
        period = period_key(fire)
        try:
            await self._pay_owed(destination, period)
            started = await self._start_of(destination)
            if now - fire > self._grace:
                if fire < started:  # before the destination existed (a fresh install): not missed
                    return None
                return await self._mark_missed(destination, period, now)
            claim = await asyncio.to_thread(self._ledger.claim, destination, period, now)
        except Exception as error:
            # One line, no traceback: an outage retries often and the error says enough. A digest
            # already posted whose record is owed has not failed: it is not counted again.
            posted = (destination, period) in self._posted_unrecorded
            return self._failed(destination, fire, error, "digest ledger unreachable", traceback=False,
                                counted=not posted)
        if claim is None:
            self._attempts.pop((destination, period), None)
            return None
        return await self._post_claimed(destination, fire, claim)

    async def _post_claimed(self, destination: str, fire: datetime, claim: Claim) -> Outcome:
        period = period_key(fire)
        try:
            message_id = await self._post(destination, period, claim is Claim.RECOVER)
        except asyncio.CancelledError:
            # Shutdown cut the post off: it may or may not have reached the platform. Recorded
            # on the loop: the process is stopping and this must land before it exits.
            self._ledger.interrupt(destination, period)
            raise
        except Exception as error:
            # A failed recovery stays one: an earlier attempt may have posted, the retry looks first.
            undo = self._ledger.interrupt if claim is Claim.RECOVER else self._ledger.release
            await self._write_or_owe(destination, period, lambda: undo(destination, period))
            return self._failed(destination, fire, error, "digest failed")
        self._attempts.pop((destination, period), None)
        if isinstance(message_id, Skip):
            status, write = "skipped", lambda: self._ledger.skip(destination, period)
        else:
            status, write = "posted", lambda: self._ledger.complete(destination, period, message_id)
        log.info(f"digest {status}", extra={"destination": destination, "period": period})
        if not await self._write_or_owe(destination, period, write):
            self._posted_unrecorded.add((destination, period))
            self._schedule_retry(destination, fire, RuntimeError("ledger not updated"))
        return Outcome(destination, period, status)

    async def _start_of(self, destination: str) -> datetime:
        if destination not in self._started:
            offered = self._offered_start.get(destination) or self._clock()
            self._started[destination] = await asyncio.to_thread(self._ledger.started, destination, offered)
        return self._started[destination]

    async def _mark_missed(self, destination: str, period: str, now: datetime) -> Outcome | None:
        self._attempts.pop((destination, period), None)
        if not await asyncio.to_thread(self._ledger.mark_missed, destination, period, now):
            return None
        log.warning("digest missed", extra={"destination": destination, "period": period})
        self._on_missed(destination, period)
        return Outcome(destination, period, "missed")

    async def _write_or_owe(self, destination: str, period: str, write: Callable[[], object]) -> bool:
        """Make a ledger write; if the database refuses it, owe it (made before the next try)."""
        try:
            await asyncio.to_thread(write)
            return True
        except Exception:
            log.warning("digest ledger write failed: retried before the next try",
                        extra={"destination": destination, "period": period}, exc_info=True)
            self._owed[(destination, period)] = write
            return False

    async def _pay_owed(self, destination: str, period: str) -> None:
        write = self._owed.get((destination, period))
        if write is not None:
            await asyncio.to_thread(write)
            del self._owed[(destination, period)]
            self._posted_unrecorded.discard((destination, period))

    def _failed(self, destination: str, fire: datetime, error: Exception, message: str,
                *, traceback: bool = True, counted: bool = True) -> Outcome:
        period = period_key(fire)
        log.error(message, extra={"destination": destination, "period": period, "error": str(error)[:300]},
                  exc_info=error if traceback else None)
        if counted:
            self._on_failed(destination, period)
        self._schedule_retry(destination, fire, error)
        return Outcome(destination, period, "failed")

    def start(self) -> None:
        """Start APScheduler in the running loop: one job per destination, plus a catch-up now.

        Jobs live in memory only (APScheduler 3 job stores must not be shared), so a restart
        starts from the schedules given with no leftover jobs; the ledger remembers the rest.
        `set_schedules` changes the jobs while running.
        """
        if self.running:
            return
        scheduler = AsyncIOScheduler(timezone=timezone.utc)
        for destination, trigger in self._triggers.items():
            self._add_digest_job(scheduler, destination, trigger)
        for name, (seconds, job) in self._periodic.items():
            scheduler.add_job(job, IntervalTrigger(seconds=seconds), id=name, replace_existing=True,
                              coalesce=True, max_instances=1, next_run_time=datetime.now(timezone.utc))
        scheduler.start()
        self._scheduler = scheduler
        asyncio.get_running_loop().create_task(self.run_due())

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def shutdown(self) -> None:
        self._stopping = True
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def drain(self, timeout: float) -> int:
        """Stop taking work and let in-flight posts finish; returns how many were cut off.

        A post cut off is marked interrupted, not left claimed: the next run takes it over and
        checks the platform for it (message metadata) before posting, so it is neither lost
        nor doubled.
        """
        self.shutdown()
        pending = {t for t in self._in_flight if not t.done()}
        if not pending:
            return 0
        _done, still = await asyncio.wait(pending, timeout=timeout)
        for task in still:
            task.cancel()
        return len(still)
