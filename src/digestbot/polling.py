"""Feed polling: each configured feed on its own interval, with conditional requests
(ETag / Last-Modified) and a per-feed back-off on errors. Fetching goes through the
SafeFetcher, parsing through the ingestion package: the same safety as `digestbot digest`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Protocol

from .ingest import SafeFetcher
from .ingest.feeds import DEFAULT_PAGE_FETCHES, parse_feed
from .models import FeedState, InputError, RawArticle
from .service.fetch_words import fetch_words

log = logging.getLogger("digestbot.polling")

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


def health_notice(state: FeedState, notified_down: bool, threshold: int) -> str | None:
    """What to announce about a feed after a poll: "down" once it has failed `threshold`
    times in a row and nobody was told yet, "up" when it works again after that, else None."""
    if state.failures >= threshold and not notified_down:
        return "down"
    if state.failures == 0 and notified_down:
        return "up"
    return None


class FeedStateStore(Protocol):
    def load(self, url: str) -> FeedState: ...
    def save(self, state: FeedState) -> None: ...


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
    ):
        self._feeds = feeds  # url -> polling interval
        self._fetcher = fetcher
        self._states = states
        self._ingest = ingest
        self._clock = clock
        self._page_fetches = page_fetches  # a poll's pages for entries with only a title and link

    @property
    def feeds(self) -> dict[str, timedelta]:
        return dict(self._feeds)

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
        return [self.poll(url) for url in self.due()]

    def poll(self, url: str) -> PollReport:
        state = self._states.load(url)
        now = self._clock()
        report = PollReport(url)
        conditional = {"If-None-Match": state.etag or "", "If-Modified-Since": state.last_modified or ""}
        try:
            result = self._fetcher.fetch(url, conditional=conditional)
        except InputError as error:
            return self._failed(state, report, error, now)
        if result.status == 304:
            report.not_modified = True
            self._states.save(replace(state, failures=0, last_error=None, last_success=now,
                                      next_due=now + self._interval(url)))
            return report
        problems: list[InputError] = []
        for item in parse_feed(result.body, url, feed_url=result.final_url, fetched_at=now,
                               fetcher=self._fetcher, page_fetches=self._page_fetches):
            if isinstance(item, InputError):
                problems.append(item)
                report.errors.append(str(item))
            else:
                report.articles.append(item)
        if not report.articles and report.errors:
            return self._failed(state, report, problems[0], now)
        self._ingest(report.articles)
        self._states.save(replace(
            state,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            failures=0,
            last_error=None,
            last_success=now,
            items_seen=state.items_seen + len(report.articles),
            next_due=now + self._interval(url),
        ))
        log.info("feed polled", extra={"feed": url, "articles": len(report.articles)})
        return report

    def _failed(self, state: FeedState, report: PollReport, error: InputError, now: datetime) -> PollReport:
        """Back off; the state keeps the failure in words for people (feeds list, the notice),
        the log keeps the whole message."""
        failures = state.failures + 1
        backoff = min(self._interval(state.url) * (2 ** min(failures, 10)), MAX_BACKOFF)
        self._states.save(replace(state, failures=failures, last_error=fetch_words(error), next_due=now + backoff))
        if not report.errors:
            report.errors.append(str(error))
        log.warning("feed failed", extra={"feed": state.url, "failures": failures, "error": str(error)})
        return report
