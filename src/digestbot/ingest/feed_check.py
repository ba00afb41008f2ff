"""A feed read once before `/digest feeds add` stores it: the `FeedReader` port of
`domain/ports.py` over a fetcher (bootstrap gives it the safe fetcher)."""

from __future__ import annotations

from digestbot.domain.models import InputError
from digestbot.domain.ports import Fetcher
from digestbot.domain.records import FeedSample

from .feeds import TitleOnlyEntry, parse_feed
from .fetch import check_url


class SafeFeedReader:
    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher

    def check_url(self, url: str) -> None:
        """A FetchError when the URL is not one the fetcher may ask for; nothing is fetched."""
        check_url(url)

    def sample(self, url: str) -> FeedSample:
        """Fetch the URL once and read it as a feed; an InputError when it cannot be fetched."""
        result = self.fetcher.fetch(url)
        entries, problems = 0, []
        for item in parse_feed(result.body, url, feed_url=result.final_url):
            if isinstance(item, InputError) and not isinstance(item, TitleOnlyEntry):
                problems.append(item)  # a title-only entry still counts: its page is fetched when polled
            else:
                entries += 1
        return FeedSample(entries, tuple(problems))
