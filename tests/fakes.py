"""Every test double in one place: fakes that hold state (cosmicpython's style), one definition
each, with an in-memory twin for each port the core depends on:

- `ArticleStore` (domain/ports.py): `InMemoryArticleStore`
- `FeedStateStore`/`FeedHealth` (domain/ports.py): `InMemoryFeedStates`
- `Fetcher` (domain/ports.py): `RecordingFetcher`
- `Publisher` (run/runtime.py): `RecordingPublisher`; the scheduler's post callback: `RecordingPoster`
- the adapters' `answer(text, context)`: `RecordingAnswer`
- clocks: `FakeClock` (datetimes), `FakeTime` (monotonic seconds and `sleep`)
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from digestbot.domain.models import Article, FeedState, HttpStatusError, InputError, Reply, ReplySection
from digestbot.domain.records import Upserted, UpsertOutcome


class FakeClock:
    """A clock the test moves by hand: `clock.now += timedelta(...)`."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class RecordingPoster:
    """A scheduler `post` callback that records what it was asked to post."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    async def __call__(self, destination: str, period: str, recovering: bool = False) -> str:
        self.sent.append((destination, period))
        return f"msg-{len(self.sent)}"


class RecordingPublisher:
    """A platform publisher that records what `digestbot run` posted: (target, period) per
    digest, the digests themselves, and any notices."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []
        self.digests: list = []
        self.notices: list[tuple[str, str]] = []
        self.replies: list[tuple[str, str, str]] = []  # (target, thread, text)

    async def publish(self, target: str, digest, period: str) -> str:
        self.posts.append((target, period))
        self.digests.append(digest)
        return f"{target}:{period}"

    async def notify(self, target: str, text: str) -> None:
        self.notices.append((target, text))

    async def reply(self, target: str, thread: str, text: str) -> str:
        self.replies.append((target, thread, text))
        return f"{thread}/reply-{len(self.replies)}"


class FakeTime:
    """A monotonic clock that only moves when `sleep` is awaited: pacing tests never wait."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


STATE_VISIT_REPLY = Reply(title="Facts: state visit", sections=[ReplySection("Who", ["Lee Jae Myung (2 sources agree)"])])


class RecordingAnswer:
    """The command layer's port as the adapters call it, `answer(text, context) -> Reply`: records
    what was asked and by whom, and answers `reply`. `gate` holds the answer until the test sets
    it; `error` is raised instead of answering."""

    def __init__(self, reply: Reply | None = None, *, gate: threading.Event | None = None,
                 error: Exception | None = None):
        self.asked: list[str] = []
        self.contexts: list = []
        self.reply = reply or STATE_VISIT_REPLY
        self.gate = gate
        self.error = error

    def __call__(self, text: str, context=None) -> Reply:
        self.asked.append(text)
        self.contexts.append(context)
        if self.gate is not None and not self.gate.wait(timeout=10):
            raise TimeoutError("the test never released the answer")
        if self.error is not None:
            raise self.error
        return self.reply


class RecordingFetcher:
    """A fetcher that records what it was asked and fails: unit tests never fetch."""

    def __init__(self):
        self.asked: list[str] = []

    def fetch(self, url, conditional=None):
        self.asked.append(url)
        raise HttpStatusError(url, "HTTP 403", 403)


class InMemoryFeedStates:
    """The feed-state port (`FeedStateStore`, also `FeedHealth`) holding state as the database would."""

    def __init__(self):
        self.states: dict[str, FeedState] = {}

    def load(self, url: str) -> FeedState:
        return self.states.get(url, FeedState(url))

    def save(self, state: FeedState) -> None:
        self.states[state.url] = state


class InMemoryArticleStore:
    """The `ArticleStore` port in memory. An article is the same one when its URL (else its key)
    is: new text updates it, the same text leaves it unchanged. (Wire copies, which the SQL store
    records from the same text under another input, are not modelled.)"""

    def __init__(self, articles: list[Article] = ()):
        self._articles: dict[str, Article] = {}
        for article in articles:
            self.upsert(article)

    def _stored_key(self, article: Article) -> str | None:
        if article.url:
            found = next((key for key, a in self._articles.items() if a.url == article.url), None)
            if found is not None:
                return found
        return article.key if article.key in self._articles else None

    def _store(self, article: Article) -> Upserted:
        key = self._stored_key(article)
        if key is None:
            self._articles[article.key] = article
            return Upserted(UpsertOutcome.CREATED, article)
        previous = self._articles[key]
        if previous.content_hash == article.content_hash and previous.title == article.title:
            return Upserted(UpsertOutcome.UNCHANGED, previous)
        stored = self._articles[key] = replace(article, key=key)  # the stored article keeps its key
        return Upserted(UpsertOutcome.UPDATED, stored, previous)

    def upsert(self, article: Article) -> UpsertOutcome:
        return self._store(article).outcome

    def upsert_many(self, articles: list[Article]) -> list[Upserted | InputError]:
        return [self._store(article) for article in articles]

    def all_articles(self) -> list[Article]:
        return sorted(self._articles.values(), key=lambda a: (a.published, a.key))

    def count(self) -> int:
        return len(self._articles)
