"""Core value objects shared by every layer. Pure data: no I/O, no platform names."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone


def as_utc(moment: datetime) -> datetime:
    """Naive times mean UTC throughout the project."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ArticleKind(str, enum.Enum):
    NEWS = "news"
    OPINION = "opinion"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RawArticle:
    """What ingestion hands over: the text as found, plus whatever metadata was available.

    `origin` names where it came from (a path, URL or `file:line`) for error messages.
    `input_id` is the caller's own id (JSONL `id`), kept so outputs can be matched to inputs.
    """

    text: str
    origin: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    kind: ArticleKind | None = None
    input_id: str | None = None
    published_is_fallback: bool = False  # True when no date was found and a fallback was used


@dataclass(frozen=True)
class CleanText:
    """An article body after boilerplate removal, as paragraphs of running text."""

    paragraphs: list[str]
    title: str | None = None
    author: str | None = None
    is_opinion: bool = False
    dateline: str | None = None  # the wire dateline the text opened with: "HARARE, September 17 (Xinhua)"


@dataclass(frozen=True)
class WireCopy:
    """Another input that carried an article's very text (a wire copy): its id and outlet."""

    input_id: str | None
    source: str
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """A processed article: clean sentences and key points, ready to store and group.

    `copies` are the other inputs that carried the same text: one article, several ids and
    outlets (sources are counted by outlet, see `outlets`)."""

    key: str  # stable identity: the input id, else URL, else content hash
    title: str
    source: str
    published: datetime
    kind: ArticleKind
    sentences: list[str]
    key_points: list[str]
    content_hash: str
    url: str | None = None
    author: str | None = None
    input_id: str | None = None
    origin: str = ""
    published_is_fallback: bool = False
    # where and when a wire story was filed ("HARARE, September 17 (Xinhua)"): its "here" and
    # "today" (a day before `published` when the wire dates its copy the next day)
    dateline: str | None = None
    extra: dict = field(default_factory=dict)
    copies: list[WireCopy] = field(default_factory=list)

    @property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet that carried this text, the article's own first."""
        if not self.copies:  # almost every article: no list to build (facts ask this a lot)
            return (self.source,)
        return tuple(dict.fromkeys([self.source, *(c.source for c in self.copies)]))


@dataclass(frozen=True)
class Topic:
    """A story people follow; its name is the slash command (`/visit facts`)."""

    name: str
    title: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedState:
    """What the bot remembers of one feed between polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_due: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    items_seen: int = 0
    body_hash: str | None = None  # of the last body read: the same body again is not parsed again


class Claim(str, enum.Enum):
    """How a scheduled digest period was claimed in the delivery ledger."""

    FRESH = "fresh"  # nobody tried this period before
    RECOVER = "recover"  # an earlier attempt may have posted: look on the platform first


class ScheduleError(ValueError):
    """A cron expression or time zone that cannot be used (`run/scheduling.py` finds it, on
    APScheduler's triggers; the configuration and the management commands word it)."""


class InputError(Exception):
    """An input that cannot be used. The message is one line naming the input and the problem."""


class FetchError(InputError):
    """A URL that could not be fetched or read as a feed: `where` names it, `detail` says
    what went wrong; the message is both. The subclasses say which failure it was, so the
    reply layer words it for people by its type (`service.fetch_words`)."""

    def __init__(self, where: str, detail: str):
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail


class UrlRefused(FetchError):
    """Not a URL the fetcher may ask for; `reason` is "scheme", "credentials" or "form"."""

    def __init__(self, where: str, detail: str, reason: str = "form"):
        super().__init__(where, detail)
        self.reason = reason


class AddressRefused(FetchError):
    """The host resolves to an address that is not public; `kind` says which (a loopback address ...)."""

    def __init__(self, where: str, detail: str, kind: str):
        super().__init__(where, detail)
        self.kind = kind


class HostUnresolved(FetchError):
    """The host name does not resolve."""


class FetchTimedOut(FetchError):
    """The fetch (or the name lookup) took longer than its deadline."""


class ResponseTooLarge(FetchError):
    """The body is over the size cap, as sent or after decompression."""


class HttpStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, where: str, detail: str, status: int):
        super().__init__(where, detail)
        self.status = status


class TlsFailed(FetchError):
    """The secure connection could not be made (certificate, protocol)."""


class ConnectionFailed(FetchError):
    """No connection, or the request could not be sent."""


class RedirectRefused(FetchError):
    """A redirect led to a URL or address that is refused: `cause` says why."""

    def __init__(self, where: str, cause: FetchError):
        super().__init__(where, f"redirect refused: {cause}")
        self.cause = cause


class NotAFeed(FetchError):
    """The body holds no RSS or Atom entries."""


class FeedEntitiesRefused(FetchError):
    """The feed declares XML entities: refused, never expanded."""


# --- Stories, what's new, facts (filled by stories/novelty/facts; rendered by render) ---


@dataclass(frozen=True)
class SourceRef:
    """One article as cited by a story item: enough to show outlet, kind, time and link."""

    article_key: str
    source: str
    kind: ArticleKind
    published: datetime
    title: str
    url: str | None = None
    outlets: tuple[str, ...] = ()  # every outlet that carried the article (wire copies)


def outlet_count(refs: list[SourceRef]) -> int:
    """How many outlets the cited articles come from: a wire copy is not a second source."""
    return len({outlet for ref in refs for outlet in (ref.outlets or (ref.source,))})


@dataclass(frozen=True)
class NewItem:
    """A development in newer coverage that earlier coverage did not report.

    `before` is set when the item updates an earlier fact (a changed figure or status):
    the old value as first reported, with `before_sources` saying who reported it. `dateline` is
    the place and day of its report's wire dateline ("HARARE, September 17"), which the text's
    "here" and "today" mean; it is shown beside the text, not part of it (nor of its fingerprint).
    """

    text: str
    sources: list[SourceRef]
    before: str | None = None
    before_sources: list[SourceRef] = field(default_factory=list)
    dateline: str = ""

    @property
    def is_update(self) -> bool:
        return self.before is not None


@dataclass(frozen=True)
class Fact:
    """A who/what/when/where/how-many fact of a story with the sources that state it.

    `conflicts` holds differing values stated by other sources at about the same time, side by
    side; `timeline` holds the figure's earlier values when it changed over time.
    """

    category: str  # who | what | when | where | how_many | reported (a central sentence, as written)
    text: str
    sources: list[SourceRef]
    conflicts: list[tuple[str, list[SourceRef]]] = field(default_factory=list)
    # earlier values of the same figure, newest first ("Update: 17 dead (was 15 dead, ...)")
    timeline: list[tuple[str, list[SourceRef]]] = field(default_factory=list)
    evidence: str = ""  # the sentence that states it, for `why`

    @property
    def agreeing(self) -> int:
        """Outlets that state it: wire copies carried by one outlet count once."""
        return outlet_count(self.sources)


@dataclass(frozen=True)
class Story:
    """Articles about one event, oldest first, with what's new and its facts.

    `title` is the story's own headline; `topics` are the followed topics it is about (a label
    beside the headline), the main one first.
    """

    key: str
    title: str
    articles: list[Article]
    topics: tuple[str, ...] = ()
    whats_new: list[NewItem] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    score: float = 0.0

    @property
    def topic(self) -> str | None:
        """The main topic, or None."""
        return self.topics[0] if self.topics else None


@dataclass(frozen=True)
class Digest:
    """Stories ranked by importance and recency: what a scheduled post or `digest` shows."""

    stories: list[Story]
    generated_at: datetime
    since: datetime | None = None
    # No stories because the reader was shown all there is (a quiet day), not because nothing
    # was ingested: the two read differently.
    nothing_new: bool = False


# --- Chat replies (built by the command layer, rendered by each adapter) ---


@dataclass(frozen=True)
class ReplySection:
    heading: str | None
    lines: list[str]


@dataclass(frozen=True)
class Reply:
    """A platform-neutral answer to a chat command. Lines are plain text, no markup."""

    title: str
    sections: list[ReplySection] = field(default_factory=list)
    ok: bool = True
    ephemeral: bool = True



@dataclass(frozen=True)
class CommandContext:
    """Who asked, and where: what the management commands need to decide and record.

    `channel` is the platform's channel id (the console uses "console"); `is_admin` is the
    platform's own verdict (a workspace or server administrator); `roles` are the user's
    groups or roles by name, matched against the configuration's `admin_roles`.
    """

    platform: str
    channel: str
    user: str
    is_admin: bool
    roles: tuple[str, ...] = ()
