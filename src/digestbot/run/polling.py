"""Feed polling: each configured feed on its own interval, with conditional requests
(ETag / Last-Modified) and a per-feed back-off on errors. Fetching goes through the
SafeFetcher, parsing through the ingestion package: the same safety as `digestbot digest`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from ..ingest import SafeFetcher
from ..ingest.fetch import FetchCancelled
from ..ingest.feeds import DEFAULT_MAX_ENTRIES, DEFAULT_PAGE_FETCHES, TitleOnlyEntry, parse_feed
from ..domain.models import FeedState, InputError, RawArticle
from ..domain.ports import FeedStateStore
from ..redaction import error_line
from ..service.fetch_words import fetch_words
from ..service.digests import IngestReport
from ..service.lanes import Lanes
from .metrics import Metrics, poll_outcome

log = logging.getLogger("digestbot.run.polling")

MAX_BACKOFF = timedelta(hours=6)
DEFAULT_INTERVAL = timedelta(minutes=15)  # for a feed removed while it was being polled
_INTERVAL = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> timedelta:
    """'15m' -> 15 minutes; the configuration validates the shape."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"not an interval such as 30s, 15m, 2h or 1d: {text!r}")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])




@dataclass
class PollReport:
    url: str
    articles: list[RawArticle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_modified: bool = False


class FeedPoller:
    def __init__(
        self,
        feeds: dict[str, timedelta],
        fetcher: SafeFetcher,
        states: FeedStateStore,
        ingest: Callable[[list[RawArticle]], object],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        page_fetches: int = DEFAULT_PAGE_FETCHES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ):
        self._feeds = feeds  # url -> polling interval
        self._fetcher = fetcher
        self._states = states
        self.ingest = ingest  # what the entries read become: the service's ingest, observed
        self._clock = clock
        self._page_fetches = page_fetches  # a poll's pages for entries with only a title and link
        self._max_entries = max_entries  # entries read from one feed, the newest

    @property
    def feeds(self) -> dict[str, timedelta]:
        return dict(self._feeds)

    @property
    def states(self) -> FeedStateStore:
        return self._states

    def cancel(self) -> None:
        """Shut the socket of every fetch under way and refuse new ones (shutdown)."""
        self._fetcher.cancel()

    def set_feeds(self, feeds: dict[str, timedelta]) -> None:
        """Poll these feeds from now on (`digestbot run` reloads them from the database).

        The dict is swapped whole, so a poll running in a worker thread sees the old set or
        the new one; a feed removed meanwhile is finished with its old interval.
        """
        self._feeds = dict(feeds)

    def due(self) -> list[str]:
        now = self._clock()
        return [url for url in list(self._feeds) if (self._states.load(url).next_due or now) <= now]

    def _interval(self, url: str) -> timedelta:
        return self._feeds.get(url, DEFAULT_INTERVAL)

    def poll_due(self) -> list[PollReport]:
        """Poll every due feed, each on its own: a feed that breaks in any way is recorded as
        failing (counted, backed off, announced) and the others are still polled."""
        return [self._poll_alone(url) for url in self.due()]

    def _poll_alone(self, url: str) -> PollReport:
        try:
            return self.poll(url)
        except FetchCancelled:  # shutting down: not the feed's failure, and no later feed starts
            raise
        except Exception as error:
            log.exception("feed poll failed", extra={"feed": url})
            problem = f"{url}: could not be polled ({type(error).__name__}: {error_line(error)})"
            try:
                return self._failed(self._states.load(url), PollReport(url), problem, self._clock())
            except Exception:  # the state store itself fails (a database outage): next time
                log.exception("feed state could not be saved", extra={"feed": url})
                return PollReport(url, errors=[problem])

    def poll(self, url: str) -> PollReport:
        state = self._states.load(url)
        now = self._clock()
        report = PollReport(url)
        conditional = {"If-None-Match": state.etag or "", "If-Modified-Since": state.last_modified or ""}
        try:
            result = self._fetcher.fetch(url, conditional=conditional)
        except InputError as error:
            return self._failed(state, report, error, now)
        body_hash = hashlib.sha256(result.body).hexdigest()
        if result.status == 304 or (body_hash == state.body_hash and state.failures == 0):
            # Unchanged (the server said so, or the same bytes again): nothing to parse or store.
            report.not_modified = True
            self._states.save(replace(state, failures=0, last_success=now, next_due=now + self._interval(url),
                                      last_error=state.last_error if state.failures == 0 else None,
                                      etag=result.headers.get("etag", state.etag),
                                      last_modified=result.headers.get("last-modified", state.last_modified)))
            return report
        problems = self._read_entries(result, report, now)
        if not report.articles and problems:
            return self._failed(state, report, problems[0], now)
        unusable = [str(problem) for problem in problems if not isinstance(problem, TitleOnlyEntry)]
        stored = self.ingest(report.articles)
        unusable += getattr(stored, "errors", [])  # entries the pipeline or the store refused
        report.errors += getattr(stored, "errors", [])
        self._states.save(replace(
            state,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            failures=0,
            last_error=_entry_problems(unusable),
            last_success=now,
            items_seen=state.items_seen + len(report.articles),
            next_due=now + self._interval(url),
            body_hash=body_hash,
        ))
        log.info("feed polled", extra={"feed": url, "articles": len(report.articles), "unusable": len(unusable)})
        return report

    def _read_entries(self, result, report: PollReport, now: datetime) -> list[InputError]:
        """Fill the report from the feed body; gives back the entries that cannot be used
        (recorded in the feed's state; the rest of the feed goes on)."""
        problems = []
        for item in parse_feed(result.body, report.url, feed_url=result.final_url, fetched_at=now,
                               fetcher=self._fetcher, page_fetches=self._page_fetches,
                               max_entries=self._max_entries):
            if isinstance(item, InputError):
                report.errors.append(str(item))
                problems.append(item)
            else:
                report.articles.append(item)
        return problems

    def _failed(self, state: FeedState, report: PollReport, error: InputError | str, now: datetime) -> PollReport:
        """Back off; the state keeps the failure in words for people (feeds list, the notice),
        the log keeps the whole message. body_hash is forgotten: the same body must be read
        again next time, not skipped."""
        failures = state.failures + 1
        backoff = min(self._interval(state.url) * (2 ** min(failures, 10)), MAX_BACKOFF)
        words = fetch_words(error) if isinstance(error, InputError) else error
        self._states.save(replace(state, failures=failures, last_error=words, next_due=now + backoff,
                                  body_hash=None))
        if not report.errors:
            report.errors.append(str(error))
        log.warning("feed failed", extra={"feed": state.url, "failures": failures, "error": str(error)})
        return report


def _entry_problems(unusable: list[str]) -> str | None:
    """What the feed's state says about entries that could not be used (None: all were)."""
    if not unusable:
        return None
    more = f" (and {len(unusable) - 1} more)" if len(unusable) > 1 else ""
    return f"{unusable[0]}{more}"




class FeedPollJob:
    """The scheduler's feed job: poll the due feeds off the loop, count what happened, then
    let the lanes announce failing feeds and what the new and edited articles set off."""

    def __init__(self, poller: FeedPoller, lanes: Lanes, metrics: Metrics):
        self.poller = poller
        self.lanes = lanes
        self._metrics = metrics
        self._task: asyncio.Task | None = None  # the poll under way, awaited by `stop`

    async def poll(self) -> None:
        if not self.poller.feeds:
            return
        self._task = asyncio.current_task()
        try:
            reports = await asyncio.to_thread(self.poller.poll_due)
        except FetchCancelled:  # shutting down: the feed is polled again after the restart
            return
        for report in reports:
            self._metrics.feed_poll(poll_outcome(report), len(report.articles))
        failed = sum(1 for r in reports if r.errors and not r.articles)
        if failed:
            self._metrics.ingestion_errors.inc(failed)
        for report in reports:
            try:
                await self.lanes.feed_notice(report.url)
            except Exception:  # a notice must never stop polling
                log.exception("could not send a feed health notice", extra={"feed": report.url})
        await self.lanes.after_ingest()

    async def stop(self, timeout: float) -> None:
        """A feed fetch blocks a worker thread that the process waits for at exit, for as long
        as the fetcher's deadline (20 s) with a slow server: shut its socket now."""
        self.poller.cancel()
        if self._task is not None and not self._task.done():  # it ends at once now
            await asyncio.wait({self._task}, timeout=timeout)


def observed_ingest(ingest: Callable[[list[RawArticle]], IngestReport], lanes: Lanes,
                    metrics: Metrics) -> Callable[[list[RawArticle]], IngestReport]:
    """The poller's ingest: the service's, noted by the lanes and counted."""

    def ingest_polled(articles: list[RawArticle]) -> IngestReport:
        report = ingest(articles)
        lanes.note(report)
        metrics.ingested(report)
        return report  # the poller records the entries that could not be used

    return ingest_polled
