"""Use cases: ingest articles, build a digest, answer a chat command. No platform names."""

from __future__ import annotations

import dataclasses
import logging
import itertools
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..chat.commands import answer, is_management_command, management_unavailable, topic_alias
from ..chat.management_commands import ManagementCommand
from ..stories.digest import build_digest, fill_story, score_from_parts, score_parts
from ..domain.models import Article, CommandContext, Digest, InputError, RawArticle, Reply, Story, Topic, as_utc
from ..redaction import error_line
from ..pipeline import process_article
from ..domain.ports import ArticleStore
from ..domain.records import UpsertOutcome
from ..stories.clustering import StoryClusterer

log = logging.getLogger("digestbot.service.digests")


@dataclass
class IngestReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: dict[UpsertOutcome, int] = field(default_factory=dict)
    # Stored articles whose text changed: (the version before, the new one).
    revisions: list[tuple[Article, Article]] = field(default_factory=list)


def clean_command(text: str | None) -> str:
    """Chat input without control or invisible formatting characters (NUL, escape sequences,
    bidi overrides): line breaks and tabs become spaces, the rest is dropped, so a stray
    character neither breaks the command nor is echoed back in the reply."""
    if not text:
        return ""
    return "".join(
        " " if ch in "\t\n\r\v\f" else ch
        for ch in text
        if ch in "\t\n\r\v\f" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


class LiveStories:
    """The stories of the whole store, kept up to date one article at a time.

    Seeded once from the stored articles (oldest first, as `cluster_articles` does); each new
    article then joins the clusterer with `add` and only the story it joined is refilled
    (what's new, facts, the reference-free parts of its score) by `refresh`. Reads are
    precomputed: the full digest is ranked once per change from the cached score parts, and a
    topic's view (what `/<topic> ...` answers from) holds only that topic's stories.
    """

    def __init__(self, topics: list[Topic], articles: Iterable[Article] = ()):
        self.topics = topics
        self._followed = {t.name for t in topics}
        self.clusterer = StoryClusterer(topics)
        self._filled: dict[str, Story] = {}
        self._parts: dict[str, tuple[float, float, datetime]] = {}
        self._topic_keys: dict[str, set[str]] = {t.name: set() for t in topics}
        self._dirty: set[str] = set()
        self._newest: datetime | None = None
        self._digest: Digest | None = None
        self._views: dict[str, Digest] = {}
        self.serial = next(_LIVE_SERIALS)  # tells a rebuilt LiveStories from the one before
        self.version = 0  # bumped whenever a story changes: replies cached before are stale
        self.add_all(sorted(articles, key=lambda a: (a.published, a.key)))

    def __len__(self) -> int:
        return len(self.clusterer)

    def add(self, article: Article) -> str:
        """Add one article to its story (an article already known is left as it is)."""
        known = self.clusterer.story_key_of(article.key)
        if known is not None:
            return known
        key = self.clusterer.add(article)
        self._dirty.add(key)
        for retired in self.clusterer.retired:  # merged into the story the article joined
            self._dirty.discard(retired)
            self._forget(retired)
        self.clusterer.retired.clear()
        if (self._newest is None or article.published > self._newest) and \
                article.published <= datetime.now(timezone.utc):  # see digest.reference_time
            self._newest = article.published
        return key

    def add_copies(self, article: Article) -> None:
        """A stored article was carried by another input: its story lists the new copies."""
        key = self.clusterer.story_key_of(article.key)
        if key is None:
            self.add(article)
            return
        self._dirty.add(self.clusterer.set_copies(article.key, article.copies))

    def add_all(self, articles: Iterable[Article]) -> None:
        for article in articles:
            self.add(article)
        self.refresh()

    def refresh(self) -> None:
        """Fill the stories that changed since the last refresh; the others are kept as they are."""
        if not self._dirty:
            return
        for key in self._dirty:
            self._forget(key)
            story = fill_story(self.clusterer.story(key))
            self._filled[key] = story
            self._parts[key] = score_parts(story, self._followed)
            for topic in story.topics:  # a story is in the view of every topic it is about
                if topic in self._topic_keys:
                    self._topic_keys[topic].add(key)
        self._dirty.clear()
        self._digest = None
        self._views.clear()
        self.version += 1

    def _forget(self, key: str) -> None:
        """Drop a story from every view (it changed, or was merged into another)."""
        old = self._filled.pop(key, None)
        self._parts.pop(key, None)
        for topic in old.topics if old is not None else ():
            self._topic_keys.get(topic, set()).discard(key)

    def _ranked(self, keys: Iterable[str]) -> list[Story]:
        reference = self._newest or datetime.now(timezone.utc)  # as digest.reference_time
        stories = []
        for key in keys:
            stories.append(dataclasses.replace(self._filled[key], score=score_from_parts(self._parts[key], reference)))
        stories.sort(key=lambda s: (-s.score, -self._parts[s.key][2].timestamp(), s.key))
        return stories

    def digest(self) -> Digest:
        """Every story, ranked as `build_digest` ranks them."""
        self.refresh()
        if self._digest is None:
            self._digest = Digest(stories=self._ranked(self._filled), generated_at=datetime.now(timezone.utc))
        return self._digest

    def topic_view(self, topic: str) -> Digest:
        """Only the stories of one topic, ranked: enough for any `/<topic> ...` answer."""
        self.refresh()
        view = self._views.get(topic)
        if view is None:
            view = Digest(stories=self._ranked(self._topic_keys.get(topic, ())),
                          generated_at=datetime.now(timezone.utc))
            self._views[topic] = view
        return view

    def digest_for_command(self, command_text: str) -> Digest:
        """The digest an answer needs: a topic's own stories for `/<topic> ...`, else all."""
        words = command_text.split(maxsplit=1) if command_text else []
        head = words[0].lstrip("/").lower() if words else ""
        if head in self._topic_keys and head != "digest":  # /digest is the overview, always
            return self.topic_view(head)
        return self.digest()


REPLY_CACHE_SIZE = 512
_LIVE_SERIALS = itertools.count()


class DigestService:
    # Chat answers read the live stories, kept up to date by every ingest in this process;
    # at least this often the store is counted to see whether other processes added articles.
    DIGEST_MAX_AGE = 60.0

    def __init__(
        self,
        store: ArticleStore,
        topics: list[Topic],
        *,
        key_points: int = 3,
        method: str = "digestbot",
        max_article_chars: int = 200_000,
        management=None,
    ):
        self.store = store
        self.topics = topics
        self.management = None  # digestbot.service.management.Management, when chat may manage the bot
        self._key_points = key_points
        self._method = method
        self._max_chars = max_article_chars
        self._cache_lock = threading.RLock()
        self._replies: dict[tuple[int, int, str], Reply] = {}
        self._live: LiveStories | None = None
        self._checked_at = 0.0
        if management is not None:
            self.use_management(management)

    def use_management(self, management) -> None:
        """Answer `/digest <management verb>` with `management`; topics come from its store."""
        self.management = management
        self.refresh_topics()

    def refresh_topics(self) -> bool:
        """Take the topic list from the management store (configuration and chat topics);
        when it changed, the stories are grouped again. True when it changed."""
        if self.management is None:
            return False
        topics = self.management.topics()
        with self._cache_lock:
            if topics == self.topics:
                return False
            self.topics = topics
            self._live = None
            self._replies.clear()
            return True

    INGEST_BATCH = 200  # articles a transaction: bounded memory, few commits

    def ingest(
        self,
        items: Iterable[RawArticle | InputError],
        on_problem: Callable[[str], None] = lambda message: None,
    ) -> IngestReport:
        """Process and store each item, a batch a transaction; a bad item is reported and the
        rest go on. Wire copies (the same text from another input) join the first article:
        the report lists it once, with every copy."""
        report = IngestReport()
        listed: dict[str, int] = {}  # article key -> its place in report.articles
        batch: list[Article] = []
        for item in items:
            processed = self._process(item, report, on_problem)
            if processed is not None:
                batch.append(processed)
            if len(batch) >= self.INGEST_BATCH:
                self._store_batch(batch, report, listed, on_problem)
                batch = []
        if batch:
            self._store_batch(batch, report, listed, on_problem)
        with self._cache_lock:
            if self._live is not None:
                self._live.refresh()  # only the stories that changed
        return report

    def _process(self, item: RawArticle | InputError, report: IngestReport,
                 on_problem: Callable[[str], None]) -> Article | None:
        if isinstance(item, InputError):
            report.errors.append(str(item))
            on_problem(str(item))
            return None
        try:
            processed = process_article(
                item, key_points=self._key_points, method=self._method, max_chars=self._max_chars
            )
        except InputError as error:
            report.errors.append(str(error))
            on_problem(str(error))
            return None
        except Exception as error:  # a bug one input triggers costs that input, not its batch
            log.exception("article could not be processed", extra={"origin": item.origin})
            problem = f"{item.origin}: could not be processed ({type(error).__name__}: {error_line(error)})"
            report.errors.append(problem)
            on_problem(problem)
            return None
        for warning in processed.warnings:
            report.warnings.append(warning)
            on_problem(f"warning: {warning}")
        return processed.article

    def _store_batch(self, batch: list[Article], report: IngestReport, listed: dict[str, int],
                     on_problem: Callable[[str], None]) -> None:
        for article, done in zip(batch, self.store.upsert_many(batch)):
            if isinstance(done, InputError):
                report.errors.append(str(done))
                on_problem(str(done))
                continue
            if done.previous is not None:
                report.revisions.append((done.previous, done.article))
            report.outcomes[done.outcome] = report.outcomes.get(done.outcome, 0) + 1
            place = listed.get(done.article.key)
            if place is None:
                listed[done.article.key] = len(report.articles)
                report.articles.append(done.article)
            else:
                report.articles[place] = done.article  # the newer state: more copies
            self._track(done.article, done.outcome)

    def _track(self, article: Article, outcome: UpsertOutcome) -> None:
        """Keep the live stories (when there are any yet) in step with the store."""
        with self._cache_lock:
            if self._live is None:
                return
            if outcome is UpsertOutcome.CREATED:
                # as the store gives it back (in UTC), so stories read the same after a restart
                self._live.add(dataclasses.replace(article, published=article.published.astimezone(timezone.utc)))
            elif outcome is UpsertOutcome.COPIED:
                self._live.add_copies(article)
            elif outcome is UpsertOutcome.UPDATED:
                # A stored article changed its text: stories cannot take an article back, so
                # the next read seeds them again from the store (rare: a corrected article).
                self._live = None

    def build_digest(
        self, articles: list[Article] | None = None, since: datetime | None = None
    ) -> Digest:
        if articles is None:
            return build_digest(self.store.all_articles(), self.topics, since=since)
        if since is None:
            return build_digest(articles, self.topics)
        # What the given articles add to the coverage before `since`, stored ones included:
        # stored earlier articles join their stories as prior coverage; stories of stored
        # articles only are left out.
        given = {a.key for a in articles}
        since_utc = as_utc(since)
        earlier = [a for a in self.store.all_articles() if a.key not in given and a.published < since_utc]
        digest = build_digest(list(articles) + earlier, self.topics, since=since)
        return dataclasses.replace(
            digest, stories=[s for s in digest.stories if any(a.key in given for a in s.articles)])

    def live_stories(self) -> LiveStories:
        """The live stories, seeded from the store on first use (commands run in threads)."""
        with self._cache_lock:
            now = time.monotonic()
            if self._live is not None and now - self._checked_at > self.DIGEST_MAX_AGE:
                self._checked_at = now
                self.refresh_topics()  # another process may have changed them
                if self._live is not None and self.store.count() != len(self._live):
                    self._live = None  # another process wrote: start again
            if self._live is None:
                self._live = LiveStories(self.topics, self.store.all_articles())
                self._checked_at = now
            return self._live

    def current_digest(self) -> Digest:
        """The digest of everything stored, from the live stories."""
        with self._cache_lock:
            return self.live_stories().digest()

    def answer(self, command_text: str | ManagementCommand, context: CommandContext | None = None) -> Reply:
        """The reply to a chat command, as text or a typed management command; the same
        command is answered once per change of the stories (replies are read-only for
        callers). `context` says who asks and where: the management commands (`/digest
        subscribe ...`) need it to change anything."""
        if isinstance(command_text, ManagementCommand):
            return self._manage(command_text.with_text(clean_command), context)
        command_text = topic_alias(clean_command(command_text), [t.name for t in self.topics])
        if is_management_command(command_text):
            return self._manage(command_text, context)
        with self._cache_lock:
            live = self.live_stories()
            digest = live.digest_for_command(command_text)
            key = (live.serial, live.version, command_text)
            reply = self._replies.get(key)
        if reply is None:
            reply = answer(command_text, digest, self.topics)
            with self._cache_lock:
                if len(self._replies) >= REPLY_CACHE_SIZE:
                    self._replies.clear()
                self._replies[key] = reply
        return reply

    def _manage(self, command: str | ManagementCommand, context: CommandContext | None) -> Reply:
        """`/digest <management verb> ...` by the management use cases; the topics they may
        have changed are read again."""
        if self.management is None:
            return management_unavailable()
        reply = self.management.handle(command, context)
        self.refresh_topics()
        return reply
