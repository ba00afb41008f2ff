"""RSS and Atom feeds: bytes the project read itself to one RawArticle per entry.

feedparser opens local paths and `file://` URLs when handed a string, and tries `open()` on
`bytes` too, so it only ever gets an in-memory stream of bytes the project read itself here.
Feeds that declare entities in a DOCTYPE are refused before parsing (expat already refuses
billion-laughs and external entities; this keeps it that way whatever parser feedparser
picks).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from digestbot.domain.models import ArticleKind, FeedEntitiesRefused, FetchError, InputError, NotAFeed, RawArticle

from .dates import from_struct_time
from .text import html_fragment_to_text

log = logging.getLogger("digestbot.ingest")

# Pages fetched a feed read for entries that carry only a title and a link (DIGESTBOT_FEED_PAGE_FETCHES).
DEFAULT_PAGE_FETCHES = 20
# Entries read from one feed, the newest (DIGESTBOT_FEED_MAX_ENTRIES).
DEFAULT_MAX_ENTRIES = 200
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?:\s|$)")
_ELLIPSIS = re.compile(r"(?:\.\.\.|\u2026)\W*$")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)


class TitleOnlyEntry(InputError):
    """An entry with only a title and a link whose page was not read: not an article yet,
    but a feed of them is a working feed (its pages are fetched when it is polled)."""


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def http_url_or_none(url: object) -> str | None:
    """Only http(s) links survive (feedparser passes `javascript:` links through)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and len(url) <= 4096 else None


def parse_feed(
    data: bytes,
    origin: str,
    *,
    feed_url: str | None = None,
    fetched_at: datetime | None = None,
    fetcher=None,
    fetch_entries: bool = False,
    source: str | None = None,
    kind: ArticleKind | None = None,
    page_fetches: int = DEFAULT_PAGE_FETCHES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Iterator[RawArticle | InputError]:
    """One RawArticle per entry; an InputError for the feed or for each unusable entry.

    With a `fetcher`, the linked pages of entries that carry only a title and a link (a
    comments link, a search snippet cut off with an ellipsis; Hacker News, Google Alerts,
    tables of contents) are fetched, at most `page_fetches` of them; with `fetch_entries`,
    every entry's page is. Only the `max_entries` newest entries are read. An entry that
    breaks in any way costs only itself."""
    import feedparser

    if not isinstance(data, bytes):  # never a path or URL string
        raise TypeError("parse_feed takes the feed's bytes")
    if _declares_entities(data):
        yield FeedEntitiesRefused(origin, "feed declares XML entities in a DOCTYPE (refused)")
        return
    # A file object, not bytes: feedparser calls open() on bytes too (b"/etc/passwd" would be
    # read from disk), but it only ever .read()s a stream.
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    entries = newest_entries(parsed.get("entries") or [], max_entries, origin)
    if not entries:
        yield NotAFeed(origin, f"not a usable feed, no entries{_parse_problem(parsed)}")
        return
    if parsed.get("bozo"):
        log.warning("%s: feed is not well-formed, read leniently (%s)", origin,
                    str(parsed.get("bozo_exception")).splitlines()[0][:200])

    channel = parsed.get("feed") or {}
    feed_source = source or _channel_source(channel, feed_url)
    feed_date = from_struct_time(channel.get("updated_parsed") or channel.get("published_parsed"))
    fetched_at = fetched_at or datetime.now(timezone.utc)

    budget = [page_fetches]  # shared by the entries of this feed read
    for n, entry in entries:
        where = f"{origin} entry {n}"
        try:
            yield from _entry(entry, where, feed_source, feed_date, fetched_at, fetcher,
                              fetch_entries, kind, budget)
        except InputError as exc:  # pragma: no cover - _entry yields its errors
            yield exc
        except Exception as exc:  # an entry is one unit of failure: the rest of the feed goes on
            log.warning("%s: entry could not be read", where, exc_info=True)
            yield InputError(f"{where}: entry could not be read ({type(exc).__name__})")


def _declares_entities(data: bytes) -> bool:
    head = data[:65536]
    return bool(_ENTITY_DECL.search(head) or _DOCTYPE_SUBSET.search(head))


def _parse_problem(parsed) -> str:
    """What feedparser found wrong, as ` (first line)`, or nothing."""
    problem = parsed.get("bozo_exception")
    return f" ({str(problem).splitlines()[0]})" if problem else ""


def _channel_source(channel, feed_url: str | None) -> str | None:
    """The feed's own name for itself: its title, else the domain of its link or of its URL."""
    return _one_line(channel.get("title")) or domain_of(http_url_or_none(channel.get("link"))) or domain_of(feed_url)


def newest_entries(entries: list, limit: int, origin: str) -> list[tuple[int, object]]:
    """The `limit` newest entries (undated ones count as oldest), in feed order, each with
    its place in the feed (1-based) for messages."""
    numbered = list(enumerate(entries, 1))
    if len(numbered) <= limit:
        return numbered
    log.warning("%s: feed has %d entries; only the newest %d are read", origin, len(numbered), limit)

    def newest_first(item: tuple[int, object]) -> tuple:
        entry = item[1]
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        return (tuple(stamp[:6]) if stamp else (0,), -item[0])

    kept = sorted(numbered, key=newest_first, reverse=True)[:limit]
    return sorted(kept, key=lambda item: item[0])


def _one_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _title(value: object) -> str | None:
    from digestbot.pipeline import plain_title  # pure; a late import keeps ingest light

    return plain_title(value) if isinstance(value, str) else None


def _fetch_page(link: str, fetcher) -> Iterator[RawArticle | InputError]:
    from .sources import load_url  # late import: sources imports this module

    return load_url(link, fetcher, warn_fallback=False)


def is_title_only(text: str | None) -> bool:
    """True when an entry's own text is no article: nothing, a link label ("Comments"), or a
    snippet cut off with an ellipsis; no complete sentence of its own."""
    if not text:
        return True
    return bool(_ELLIPSIS.search(text)) or not _SENTENCE_END.search(text)


def _entry_text(entry) -> str | None:
    contents = entry.get("content") or []
    best = ""
    for item in contents:
        value = item.get("value") or ""
        if len(value) > len(best):
            best = value
    if not best:
        best = entry.get("summary") or ""
    text = html_fragment_to_text(best) if best else ""
    return text or None


@dataclass
class _EntryFields:
    """What an entry says of itself, completed from its page when that is read."""

    title: str | None
    link: str | None
    text: str | None
    author: str | None
    published: datetime | None

    @classmethod
    def of(cls, entry) -> _EntryFields:
        return cls(title=_title(entry.get("title")), link=http_url_or_none(entry.get("link")),
                   text=_entry_text(entry), author=_one_line(entry.get("author")),
                   published=from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")))

    def complete_from(self, page: RawArticle) -> None:
        self.text = page.text
        self.title = self.title or page.title
        self.author = self.author or page.author
        if self.published is None and not page.published_is_fallback:
            self.published = page.published


def _entry(entry, where, feed_source, feed_date, fetched_at, fetcher, fetch_entries, kind, budget):
    found = _EntryFields.of(entry)
    if found.title:
        where = f"{where} ({found.title[:60]})"
    title_only = is_title_only(found.text)
    if found.link and fetcher is not None and (fetch_entries or title_only):
        page = _read_page(found.link, where, fetcher, fetch_entries, title_only, budget)
        if isinstance(page, InputError):
            yield page
            return
        if page is not None:
            found.complete_from(page)
            title_only = False
    if title_only:
        yield _title_only_problem(found.link, where)
        return
    yield _entry_article(found, where, feed_source, feed_date, fetched_at, kind)


def _read_page(link: str, where: str, fetcher, fetch_entries: bool, title_only: bool,
               budget: list[int]) -> RawArticle | InputError | None:
    """The entry's page; the entry's error when it is left without an article; None when the
    page is not usable but the entry's own text is."""
    if not fetch_entries:
        if budget[0] <= 0:
            return TitleOnlyEntry(f"{where}: entry has no text, only a title and a link; its page was not fetched "
                                  f"(the pages a feed read may fetch, DIGESTBOT_FEED_PAGE_FETCHES, are used up)")
        budget[0] -= 1
    page = None
    for item in _fetch_page(link, fetcher):
        if not isinstance(item, InputError):
            page = item
        elif not title_only:
            log.warning("%s: kept the feed summary, page not usable: %s", where, item)
        else:
            return InputError(f"{where}: {item}")
    return page


def _title_only_problem(link: str | None, where: str) -> InputError:
    if not link:
        return FetchError(where, "entry has no text and no link")
    return TitleOnlyEntry(f"{where}: entry has no text, only a title and a link (its "
                          f"page is fetched when the feed is read from its URL)")


def _entry_article(found: _EntryFields, where, feed_source, feed_date, fetched_at, kind) -> RawArticle:
    published = found.published
    if published is None:
        published = feed_date or fetched_at
        log.warning("%s: no date, using the %s", where,
                    "feed's date" if feed_date else "fetch time")
    return RawArticle(
        text=found.text,
        origin=where,
        title=found.title,
        source=feed_source or domain_of(found.link),
        url=found.link,
        author=found.author,
        published=published,
        kind=kind,
        published_is_fallback=found.published is None,
    )
